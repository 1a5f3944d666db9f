"""Recount what the investment actions keep (the big-data view's cells, each lead's funds behind the
schedule) from the leads, their schedules and transfers: after leads were written in bulk."""

from django.core.management.base import BaseCommand

from yancheng.investment import summary


class Command(BaseCommand):
    help = "Recount the investment funnel's cells and the leads' funds behind the schedule."

    def handle(self, *args, **options):
        summary.refresh()
        self.stdout.write("investment: recounted")
