from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from yancheng.api import api
from yancheng.core import views as core
from yancheng.core import views_import as imports
from yancheng.core import views_ladder as ladder

admin.site.site_header = "雁城 · 系统管理"
admin.site.site_title = "雁城"
admin.site.index_title = "基础数据与系统设置"

urlpatterns = [
    path("", core.home, name="home"),
    path("account/login/", core.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/otp/", core.otp_setup, name="otp_setup"),
    path("inbox/", core.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read/", core.notification_read, name="notification_read"),
    path("tokens/", core.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", core.token_revoke, name="token_revoke"),
    path("enterprises/", core.enterprises, name="enterprises"),
    # Excel imports of every app (core.output.importing); "jobs" is not a kind.
    path("imports/jobs/<int:job_id>/", imports.job, name="import_job"),
    path("imports/jobs/<int:job_id>/confirm/", imports.confirm, name="import_confirm"),
    path("imports/jobs/<int:job_id>/progress", imports.progress, name="import_progress"),
    path("imports/<slug:kind>/", imports.start, name="import_start"),
    path("imports/<slug:kind>/template.xlsx", imports.template, name="import_template"),
    path("ladder/<int:step_id>/document.docx", ladder.document, name="ladder_document"),
    path("visits/", include("yancheng.visits.urls")),
    path("requests/", include("yancheng.enterprise_requests.urls")),
    path("mortgage/", include("yancheng.mortgage.urls")),
    path("projects/", include("yancheng.projects.urls")),
    path("observations/", include("yancheng.observations.urls")),
    path("commitments/", include("yancheng.commitments.urls")),
    path("investment/", include("yancheng.investment.urls")),
    path("taskforces/", include("yancheng.taskforces.urls")),
    path("monitoring/", include("yancheng.monitoring.urls")),
    path("problems/", include("yancheng.problems.urls")),
    path("supervision/", include("yancheng.supervision.urls")),
    path("performance/", include("yancheng.performance.urls")),
    path("favicon.ico", core.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", core.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler403 = "yancheng.core.views.permission_denied"
