from django.urls import path

from . import views

app_name = "mortgage"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:application_id>/", views.application, name="application"),
    path("applications/<int:application_id>/notice/", views.notice, name="notice"),
    *(
        path(
            f"applications/<int:application_id>/{step.replace('_', '-')}/",
            views.bank_step,
            {"step": step},
            name=step,
        )
        for step in views.BANK_STEPS
    ),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:application_id>/decide/", views.decide, name="decide"),
    path("register/", views.register, name="register"),
    path("certificate/", views.certificate, name="certificate"),
    path("certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/", views.verify, name="verify"),
]
