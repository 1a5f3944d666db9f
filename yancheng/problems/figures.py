"""Overdue problems and the closed-on-time rate, derived on read — never stored.

Overdue: a problem still with its unit (open) once its deadline's day has passed.

Closed on time (按期销号), counted as commitments' fulfilment is (commitments/figures.py): on a day
`today`, a problem counts once it is closed (销号) or its deadline's day has passed; it is on time when
closed and its evidence was filed (resolved_on) on or before the deadline. A problem waiting for the
raiser's confirmation past its deadline counts, and is not (yet) on time."""

from datetime import date

from django.db.models import F, Q

from .choices import State

ON_TIME = Q(state=State.CLOSED) & Q(resolved_on__lte=F("due_on"))


def counted(today: date) -> Q:
    return Q(state=State.CLOSED) | Q(due_on__lt=today)


def overdue(problems, today: date):
    return problems.filter(state=State.OPEN, due_on__lt=today)


def is_overdue(problem, today: date) -> bool:
    return problem.state == State.OPEN and problem.due_on < today
