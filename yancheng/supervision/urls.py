from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.items, name="list"),
    path("new/", views.new, name="new"),
    path("bulletin.docx", views.monthly_bulletin, name="bulletin"),
    path("dispatch/new/", views.dispatch_new, name="dispatch_new"),
    path("dispatch/<int:pk>/", views.dispatch, name="dispatch"),
    path("dispatch/<int:pk>/receipts/", views.receipts, name="receipts"),
    path("dispatch/<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.step, {"name": "sign"}, name="sign"),
    path("<int:pk>/report/", views.step, {"name": "report"}, name="report"),
    path("<int:pk>/request-close/", views.step, {"name": "request_close"}, name="request_close"),
    path("<int:pk>/close/", views.step, {"name": "close"}, name="close"),
    path("<int:pk>/return/", views.step, {"name": "return"}, name="return"),
    path("<int:pk>/remind/", views.step, {"name": "remind_item"}, name="remind_item"),
    path("files/<int:pk>/", views.file, name="file"),
]
