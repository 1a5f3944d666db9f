from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("scorecards/compute/", views.scorecard_compute, name="compute"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/recompute/", views.scorecard_recompute, name="recompute"),
    path("scorecards/<int:pk>/bulletin.docx", views.scorecard_bulletin, name="bulletin"),
    path("scorecards/<int:pk>/publish/", views.scorecard_publish, name="publish"),
    path("scores/<int:pk>/", views.score, name="score"),
    path("scores/<int:pk>/lines/<int:line_id>/", views.records, name="records"),
    path("scores/<int:pk>/object/", views.object_to, name="object"),
    path("scores/<int:pk>/objections/<int:objection_id>/decide/", views.decide, name="decide"),
]
