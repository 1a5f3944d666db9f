from django.urls import path

from . import views

app_name = "problems"

urlpatterns = [
    path("", views.problems, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/return/", views.return_problem, name="return"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
