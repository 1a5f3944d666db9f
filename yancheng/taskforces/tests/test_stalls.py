"""Stalls (卡壳) on working days, derived on read whether or not the worker ran; kept once as
accountability records; the shared ladder climbing a late milestone."""

from datetime import date

from django.utils import timezone

from yancheng.core import ladder
from yancheng.core.models import LadderStep, Rung
from yancheng.taskforces import actions, stalls
from yancheng.taskforces.choices import StallKind
from yancheng.taskforces.ladders import MILESTONE
from yancheng.taskforces.models import Stall, TaskForce
from yancheng.taskforces.tasks import escalate, keep_stalls


def stalled_names(now):
    return set(TaskForce.objects.filter(stalls.stalled_task_forces(now)).values_list("name", flat=True))


def test_a_milestone_stalls_after_five_working_days_across_the_national_day_holiday(force, at, client):
    at(2025, 9, 26, 10)  # Friday before the holiday (10-01..10-08; 09-28 and 10-11 are working days)
    eco = force["coop"].person.unit
    milestone = actions.add_milestone(
        force["tf"], by=force["lead"], title="完成申报材料", planned_on=date(2025, 9, 30), unit=eco
    )
    # Five working days after 09-30: 10-09, 10-10, 10-11 (a working Saturday), 10-13, 10-14.
    assert timezone.localdate(milestone.stalls_at) == date(2025, 10, 14)
    assert stalled_names(at(2025, 10, 14, 23, 59)) == set()
    now = at(2025, 10, 15, 0, 1)
    assert stalled_names(now) == {force["tf"].name}
    # No worker has run: the page says it all the same, naming the unit.
    client.force_login(force["leader"])
    page = client.get(f"/taskforces/{force['tf'].pk}/").content.decode()
    assert "节点逾期未完成" in page and eco.name in page and "data-stalled-unit" in page
    assert not Stall.objects.exists()


def test_a_blocker_stalls_after_ten_working_days_and_a_task_after_three(force, at):
    at(2025, 11, 3, 9)  # a Monday
    eco = force["coop"].person.unit
    check = actions.check_in(
        force["tf"], by=force["lead"], done="完成初稿", next_steps="报审", blockers=[("用地指标未落实", eco)]
    )
    blocker = check.blockers.get()
    assert timezone.localdate(blocker.stalls_at) == date(2025, 11, 17)  # two working weeks on
    task = actions.add_task(
        force["tf"], by=force["lead"], title="出具环评意见", unit=eco, due_on=date(2025, 12, 1)
    )
    assert timezone.localdate(task.answer_by) == date(2025, 11, 6)
    kinds = lambda now: {s.kind for s in stalls.current(force["tf"], now)}  # noqa: E731
    assert kinds(at(2025, 11, 6, 23)) == set()
    assert kinds(at(2025, 11, 7, 9)) == {StallKind.TASK}
    assert kinds(at(2025, 11, 18, 9)) == {StallKind.TASK, StallKind.BLOCKER}
    actions.answer_task(task, by=force["coop"], answer="本周内出具")
    assert kinds(at(2025, 11, 18, 10)) == {StallKind.BLOCKER}


def test_stalls_are_kept_once_and_closed_when_solved(force, at):
    at(2025, 11, 3, 9)
    eco = force["coop"].person.unit
    check = actions.check_in(
        force["tf"], by=force["lead"], done="d", next_steps="n", blockers=[("卡点", eco)]
    )
    task = actions.add_task(force["tf"], by=force["lead"], title="任务", unit=eco, due_on=date(2025, 12, 1))
    now = at(2025, 11, 20, 9)
    assert keep_stalls(now) == 2
    assert keep_stalls(now) == 0  # a second pass, or a second worker, writes nothing
    assert Stall.objects.count() == 2
    stall = Stall.objects.get(kind=StallKind.BLOCKER)
    assert (stall.unit, stall.started_at, stall.ended_at) == (eco, check.blockers.get().stalls_at, None)
    actions.resolve_blocker(check.blockers.get(), by=force["coop"], resolution="已协调")
    stall.refresh_from_db()
    assert stall.ended_at == now
    assert stalls.working_days(stall, now) == 3  # 11-17 (its start) to 11-20
    # Solved before any worker saw it: the action keeps the record, closed.
    Stall.objects.filter(kind=StallKind.TASK).delete()
    actions.answer_task(task, by=force["coop"], answer="收到")
    kept = Stall.objects.get(kind=StallKind.TASK)
    assert (kept.started_at, kept.ended_at, kept.cadre) == (task.answer_by, now, None)


def test_a_milestone_solved_in_time_leaves_no_record(force, at):
    at(2025, 11, 3, 9)
    milestone = actions.add_milestone(
        force["tf"],
        by=force["lead"],
        title="节点",
        planned_on=date(2025, 11, 5),
        unit=force["lead"].person.unit,
    )
    at(2025, 11, 10, 9)  # late, but within the five working days
    actions.meet_milestone(milestone, by=force["lead"], note="已完成")
    assert keep_stalls(at(2025, 12, 1, 9)) == 0
    assert not Stall.objects.exists()


def test_a_late_milestone_climbs_the_ladder_once_a_step_even_with_two_passes(force, at):
    at(2025, 11, 3, 9)
    milestone = actions.add_milestone(
        force["tf"],
        by=force["lead"],
        title="节点",
        planned_on=date(2025, 11, 5),
        unit=force["coop"].person.unit,
    )
    for day, rung in [(4, Rung.REMINDER), (6, Rung.NOTICE), (10, Rung.SUPERVISION_ORDER), (12, Rung.LIAISON_LETTER), (19, Rung.REPORT)]:  # fmt: skip
        now = at(2025, 11, day, 10)
        assert ladder.reached(MILESTONE, milestone, now).rung == rung  # derived, no worker needed
        escalate(now)
        escalate(now)
    sent = list(LadderStep.objects.filter(kind=MILESTONE.kind).order_by("at").values_list("rung", flat=True))
    assert sent == [Rung.REMINDER, Rung.NOTICE, Rung.SUPERVISION_ORDER, Rung.LIAISON_LETTER, Rung.REPORT]
    liaison = LadderStep.objects.get(kind=MILESTONE.kind, rung=Rung.LIAISON_LETTER)
    assert list(liaison.recipients.all()) == [force["leader"]]
    assert force["tf"].events.filter(kind="escalated").count() == 5
    actions.meet_milestone(milestone, by=force["coop"], note="完成")
    assert escalate(at(2025, 11, 28, 10)) == 0
    assert not MILESTONE.open(at(2025, 11, 28, 10)).filter(pk=milestone.pk).exists()  # met: off the ladder
