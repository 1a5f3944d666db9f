from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitments, name="list"),
    path("new/", views.new, name="new"),
    path("rates/", views.rates, name="rates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/dispute/", views.dispute, name="dispute"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
