from django.urls import path

from . import views

app_name = "observations"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("sites/<int:pk>/score/", views.score, name="score"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo, {"thumbnail": True}, name="photo_thumbnail"),
]
