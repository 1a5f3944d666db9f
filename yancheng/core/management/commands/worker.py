"""`manage.py worker`: the platform's background worker (notification delivery, reminders, …).

It is django-tasks-db's worker under the platform's name, processing every queue; run as many as
the load needs, on any machine that reaches the database."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from yancheng.core.periodic import ensure_ticking


class Command(DatabaseWorker):
    help = "运行后台任务处理进程（消息投递、提醒等）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # An idle worker looks for tasks every 0.2 s, not the library's 1 s: a bank's notice of a recorded
        # mortgage waits for that look, and the target from filing to notice is 1 s (bench/mortgage.py).
        # The look is one indexed query.
        parser.set_defaults(interval=0.2)

    def handle(self, *args, **options):
        if options.get("queue_name") in (None, "default"):
            options["queue_name"] = "*"
        ensure_ticking()  # periodic work (reminders, escalation): see yancheng.core.periodic
        return super().handle(*args, **options)
