from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("cameras/<int:pk>/", views.camera, name="camera"),
    path("cameras/<int:pk>/state/", views.state, name="state"),
    path("snapshots/<int:pk>/<str:size>.jpg", views.snapshot_file, name="snapshot"),
]
