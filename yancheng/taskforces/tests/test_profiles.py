"""The performance profile: every figure equals a count from the raw rows; the candidates for
excellent individuals ranked from them; the stalls and on-time indicators."""

from datetime import date

from yancheng.core.indicators import Grouping, Period, get
from yancheng.core.roles import Role
from yancheng.supervision.actions import Share, assign, close, report, request_close, sign_for
from yancheng.taskforces import actions, profiles, stalls
from yancheng.taskforces.models import Milestone, Stall, Task
from yancheng.taskforces.tasks import keep_stalls


def year_of_work(force, at):
    """A year of milestones and tasks for the two members: on time, late, open and late, not yet due."""
    tf, samr, eco = force["tf"], force["lead"].person.unit, force["coop"].person.unit
    lead, coop = force["lead_cadre"], force["coop_cadre"]
    at(2026, 3, 2, 9)
    plan = [  # (title, planned, unit, owner, met on)
        ("on time", date(2026, 3, 20), samr, lead, date(2026, 3, 19)),
        ("late", date(2026, 4, 10), samr, lead, date(2026, 4, 30)),
        ("open", date(2026, 5, 15), eco, coop, None),
        ("coop on time", date(2026, 6, 1), eco, coop, date(2026, 6, 1)),
        ("future", date(2026, 12, 28), samr, lead, None),
    ]
    made = {}
    for title, planned, unit, owner, _met in plan:
        made[title] = actions.add_milestone(
            tf, by=force["lead"], title=title, planned_on=planned, unit=unit, owner=owner
        )
    task = actions.add_task(tf, by=force["lead"], title="task", unit=eco, due_on=date(2026, 4, 1), owner=coop)
    for title, _planned, _unit, _owner, met in plan:
        if met:
            at(met.year, met.month, met.day, 15)
            actions.meet_milestone(made[title], by=force["lead"], note="done")
    at(2026, 4, 8, 10)
    actions.finish_task(task, by=force["coop"], note="done late")
    now = at(2026, 7, 1, 10)
    keep_stalls(now)
    return now


def test_every_profile_figure_equals_a_count_of_the_raw_rows(force, at):
    now = year_of_work(force, at)
    for cadre in (force["lead_cadre"], force["coop_cadre"]):
        profile = profiles.profiles([cadre], 2026, now)[0]
        mine = [m for m in Milestone.objects.filter(owner=cadre) if m.met_at or m.deadline_at < now]
        assert profile.milestones.due == len(mine)
        assert profile.milestones.on_time == sum(1 for m in mine if m.met_at and m.met_at <= m.deadline_at)
        assert profile.milestones.late == sum(1 for m in mine if m.met_at and m.met_at > m.deadline_at)
        assert profile.milestones.open_late == sum(1 for m in mine if m.met_at is None)
        tasks = [t for t in Task.objects.filter(owner=cadre) if t.done_at or t.deadline_at < now]
        assert profile.tasks.due == len(tasks)
        assert profile.tasks.late == sum(1 for t in tasks if t.done_at and t.done_at > t.deadline_at)
        assert profile.stalls == Stall.objects.filter(cadre=cadre).count()
        assert profile.stall_days == sum(
            stalls.working_days(s, now) for s in Stall.objects.filter(cadre=cadre)
        )
    lead = profiles.profiles([force["lead_cadre"]], 2026, now)[0]
    assert (lead.milestones.due, lead.milestones.on_time, lead.milestones.late, lead.stalls) == (2, 1, 1, 1)
    coop = profiles.profiles([force["coop_cadre"]], 2026, now)[0]
    # The open milestone and the task answered only when finished, weeks after its three working days.
    assert (coop.milestones.open_late, coop.tasks.due, coop.tasks.late, coop.stalls) == (1, 1, 1, 2)


def test_items_closed_count_those_the_cadre_is_responsible_leader_of(force, at, users):
    at(2026, 5, 4, 9)
    leader = force["leader"]
    samr = force["lead"].person.unit
    for n in range(2):
        item = assign(
            by=leader, title=f"督办{n}", content="c", source="instruction", lead=Share(samr),
            due_on=date(2026, 6, 30), submission_key=f"k{n}", leader=leader.person,
        )  # fmt: skip
        if n == 0:
            sign_for(item, by=force["lead"])
            report(item, by=force["lead"], text="进展")
            request_close(item, by=force["lead"], summary="完成", files=[evidence()])
            close(item, by=users[Role.SUPERVISION_OFFICE])
    profile = profiles.profiles([force["leader_cadre"]], 2026, at(2026, 6, 1, 9))[0]
    assert profile.items_closed == 1


def evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("办结材料.pdf", b"%PDF-1.4 done", content_type="application/pdf")


def test_candidates_are_ranked_by_the_data_and_a_leader_chooses(force, at, client, users):
    now = year_of_work(force, at)
    ranked = profiles.candidates(2026, now)
    assert [p.cadre for p in ranked] == [force["lead_cadre"], force["coop_cadre"]]  # 50 % on time, then 33 %
    assert force["staff"] not in [p.cadre for p in ranked]  # section level: not profiled
    client.force_login(users[Role.PERFORMANCE_OFFICE])
    page = client.get("/taskforces/excellent/?year=2026").content.decode()
    assert page.index(force["lead_cadre"].person.full_name) < page.index(force["coop_cadre"].person.full_name)
    client.post(f"/taskforces/cadres/{force['lead_cadre'].pk}/choose/", {"year": "2026"})
    assert not force["lead_cadre"].excellent_years.exists()  # the office sees, a leader chooses
    client.force_login(force["leader"])
    client.post(f"/taskforces/cadres/{force['lead_cadre'].pk}/choose/", {"year": "2026"})
    client.post(f"/taskforces/cadres/{force['lead_cadre'].pk}/choose/", {"year": "2026"})
    assert list(force["lead_cadre"].excellent_years.values_list("year", flat=True)) == [2026]


def test_the_leaders_assessment_shows_on_the_profile(force, at, client):
    at(2026, 11, 4, 10)
    client.force_login(force["leader"])
    url = f"/taskforces/cadres/{force['lead_cadre'].pk}/"
    client.post(f"{url}assess/", {"year": 2026, "quarter": 4, "grade": "excellent", "text": "推进有力"})
    client.post(f"{url}assess/", {"year": 2027, "quarter": 1, "grade": "good", "text": "未到的季度"})
    client.force_login(force["lead"])
    page = client.get(url).content.decode()
    assert "2026 Q4 · 优秀" in page and "推进有力" in page and "未到的季度" not in page


def test_the_indicators_count_the_stalls_and_the_milestones_met_on_time(force, at):
    now = year_of_work(force, at)
    samr, eco = force["lead"].person.unit.pk, force["coop"].person.unit.pk
    year = Period.year(2026)
    stalls_figures = get("taskforces.stalls").compute(Grouping.UNIT, [samr, eco], year, now=now)
    assert {k: f.value for k, f in stalls_figures.items()} == {
        samr: Stall.objects.filter(unit_id=samr).count(),
        eco: Stall.objects.filter(unit_id=eco).count(),
    }
    on_time = get("taskforces.milestones_on_time")
    assert on_time.compute(Grouping.UNIT, [samr], year, now=now)[samr].value == 50.0  # on time, late
    records = on_time.records(Grouping.PERSON, force["coop_cadre"].person_id, year, now=now)
    assert sorted((m.title, m.counted) for m in records) == [("coop on time", True), ("open", False)]
