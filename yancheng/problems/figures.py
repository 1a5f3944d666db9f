"""Overdue problems, derived on read — never stored: a problem still with its unit (open) once its
deadline's day has passed."""

from datetime import date

from .choices import State


def overdue(problems, today: date):
    return problems.filter(state=State.OPEN, due_on__lt=today)


def is_overdue(problem, today: date) -> bool:
    return problem.state == State.OPEN and problem.due_on < today
