from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("cameras/<int:pk>/", views.camera, name="camera"),
    path("cameras/<int:pk>/state/", views.state, name="state"),
    path("servers/<int:pk>/streams/", views.server_streams, name="server_streams"),
    path("snapshots/<int:pk>/<str:size>.jpg", views.snapshot_file, name="snapshot"),
]
