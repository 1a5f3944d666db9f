from django.urls import path

from . import views

app_name = "taskforces"

urlpatterns = [
    path("", views.task_forces, name="list"),
    path("accountability/", views.accountability, name="accountability"),
    path("excellent/", views.candidates, name="candidates"),
    path("cadres/<int:pk>/", views.profile, name="profile"),
    path("cadres/<int:pk>/assess/", views.assess, name="assess"),
    path("cadres/<int:pk>/choose/", views.choose, name="choose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:pk>/milestones/new/", views.add_milestone, name="add_milestone"),
    path("<int:pk>/tasks/new/", views.add_task, name="add_task"),
    path("milestones/<int:pk>/meet/", views.step, {"name": "meet_milestone"}, name="meet_milestone"),
    path("tasks/<int:pk>/answer/", views.step, {"name": "answer_task"}, name="answer_task"),
    path("tasks/<int:pk>/finish/", views.step, {"name": "finish_task"}, name="finish_task"),
    path("check-ins/<int:pk>/acknowledge/", views.step, {"name": "acknowledge"}, name="acknowledge"),
    path("blockers/<int:pk>/resolve/", views.step, {"name": "resolve_blocker"}, name="resolve_blocker"),
]
