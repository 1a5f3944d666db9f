from django.urls import include, path

from . import views_ledger

app_name = "requests"

urlpatterns = [
    path("ledger/", include(views_ledger)),
]
