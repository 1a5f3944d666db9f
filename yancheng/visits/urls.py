from django.urls import include, path

from . import views, views_office

app_name = "visits"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.request_new, name="request_new"),
    path("new/enterprises/", views.enterprise_search, name="enterprise_search"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("passes/", views.my_passes, name="my_passes"),
    path("passes/<int:pass_id>/", views.pass_page, name="pass"),
    path("e/<str:code>/", views.gate, name="gate"),
    path("scanner/", views.scanner, name="scanner"),
    path("scanner/check/", views.scanner_check, name="scanner_check"),
    path("mine/", views.enterprise_visits, name="enterprise_visits"),
    path("<int:visit_id>/rate/", views.rate, name="rate"),
    path("no-pass/new/", views.no_pass_new, name="no_pass_new"),
    path("rules/", views.rules_edit, name="rules"),
    path("unit-ratings/", views.unit_ratings, name="unit_ratings"),
    path("poster/<int:enterprise_id>.pdf", views.poster, name="poster"),
    path("office/", include(views_office)),
]
