from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("mine/", views.mine, name="mine"),
    path("rankings/", views.rankings, name="rankings"),
    path("completion/", views.completion, name="completion"),
    # one project (notifications link to /projects/<pk>/)
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("<int:pk>/stage/", views.stage_change, name="stage"),
    path("<int:pk>/plan/", views.plan_set, name="plan"),
    path("<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("reports/<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo, {"thumbnail": True}, name="photo_thumbnail"),
]
