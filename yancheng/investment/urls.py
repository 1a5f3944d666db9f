from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("", views.leads, name="list"),
    path("new/", views.new, name="new"),
    path("big-data/", views.big_data, name="big_data"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/drop/", views.drop, name="drop"),
    path("<int:pk>/to-project/", views.to_project, name="to_project"),
    path("files/<int:pk>/", views.lead_file, name="file"),
]
