from django.urls import include, path

from . import views, views_ledger

app_name = "requests"

urlpatterns = [
    path("ledger/", include(views_ledger)),
    # the enterprise
    path("new/", views.file_new, name="new"),
    path("mine/", views.mine, name="mine"),
    # one request (notifications link to /requests/<pk>/)
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/extension/", views.ask_extension, name="ask_extension"),
    path("<int:pk>/extension/decide/", views.decide_extension, name="decide_extension"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    # the unit
    path("unit/", views.unit_list, name="unit"),
    # the business-environment office
    path("office/", views.office_all, name="office_all"),
    path("office/queue/", views.office_queue, name="office_queue"),
    path("office/extensions/", views.office_extensions, name="office_extensions"),
    path("office/deadlines/", views.office_deadlines, name="office_deadlines"),
    path("office/routing/", views.office_routing, name="office_routing"),
    path("office/routing/<int:pk>/", views.office_routing_edit, name="office_routing_edit"),
    path("office/thresholds/", views.office_thresholds, name="office_thresholds"),
]
