"""The task-force pages and their rules: a check-in once a period, on a phone, with a blocker put to a
unit; the leader's acknowledgement; a meeting's decision becoming a linked supervision item in one step;
the authorization matrix, where every refusal changes nothing."""

from datetime import date, timedelta

import pytest

from yancheng.core.roles import Role
from yancheng.supervision.models import Item
from yancheng.taskforces import actions
from yancheng.taskforces.choices import Cadence
from yancheng.taskforces.models import Blocker, CheckIn


def test_a_member_checks_in_once_a_period_with_a_blocker_and_the_leader_reads_it(
    force, client, at, django_capture_on_commit_callbacks
):
    at(2026, 11, 4, 10)  # a Wednesday
    tf, eco = force["tf"], force["coop"].person.unit
    client.force_login(force["lead"])
    form = {
        "done": "完成申报书初稿",
        "next_steps": "组织专家评审",
        "blocker": "用地指标未落实",
        "blocker_unit": "",
    }
    response = client.post(f"/taskforces/{tf.pk}/check-in/", form)
    assert response.status_code == 400 and "请选择需协调解决卡点的单位" in response.content.decode()
    assert not CheckIn.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/taskforces/{tf.pk}/check-in/", {**form, "blocker_unit": eco.pk})
    assert response["Location"] == f"/taskforces/{tf.pk}/"
    check = CheckIn.objects.get()
    assert (check.period_start, check.blockers.get().unit) == (date(2026, 11, 2), eco)
    assert force["leader"].notifications.filter(title__contains="专班进展待阅").exists()
    assert force["coop"].notifications.filter(title__contains="专班卡点待协调").exists()
    # The same period again, by another member: refused with who filed it, nothing added.
    client.force_login(force["coop"])
    response = client.post(f"/taskforces/{tf.pk}/check-in/", {**form, "blocker_unit": eco.pk})
    assert (
        response.status_code == 400 and "本期（2026-11-02 起）进展已由official于" in response.content.decode()
    )
    assert (CheckIn.objects.count(), Blocker.objects.count()) == (1, 1)
    # The leader reads it; a member cannot.
    client.post(f"/taskforces/check-ins/{check.pk}/acknowledge/", {"comment": "同意"})
    check.refresh_from_db()
    assert check.acknowledged_at is None
    client.force_login(force["leader"])
    client.post(f"/taskforces/check-ins/{check.pk}/acknowledge/", {"comment": "同意，抓紧推进"})
    check.refresh_from_db()
    assert (check.acknowledged_by, check.comment) == (force["leader"], "同意，抓紧推进")
    assert "同意，抓紧推进" in client.get(f"/taskforces/{tf.pk}/").content.decode()


def test_biweekly_periods_line_up_for_every_task_force():
    assert actions.period_start(date(2026, 11, 4), Cadence.WEEKLY) == date(2026, 11, 2)
    first = actions.period_start(date(2026, 11, 4), Cadence.BIWEEKLY)
    assert first in (date(2026, 10, 26), date(2026, 11, 2))
    assert actions.period_start(first + timedelta(days=13), Cadence.BIWEEKLY) == first
    assert actions.period_start(first + timedelta(days=14), Cadence.BIWEEKLY) == first + timedelta(days=14)


def test_a_blocker_must_name_a_unit_of_the_task_force(force, at):
    at(2026, 11, 4, 10)
    with pytest.raises(actions.ActionRefused, match="本专班的牵头或配合单位"):
        actions.check_in(
            force["tf"],
            by=force["lead"],
            done="d",
            next_steps="n",
            blockers=[("x", force["outsider"].person.unit)],
        )
    assert not CheckIn.objects.exists()


def test_a_decision_becomes_a_linked_supervision_item_in_one_step(force, client, at):
    at(2026, 10, 20, 10)
    tf, eco = force["tf"], force["coop"].person.unit
    client.force_login(force["leader"])
    data = {"title": "2026年第四季度专班调度会", "held_on": "2026-10-20", "minutes": "听取汇报，研究问题。",
            "decision_1": "11月底前完成用地报批", "decision_unit_1": eco.pk, "decision_due_1": "2026-11-30"}  # fmt: skip
    assert client.post(f"/taskforces/{tf.pk}/meetings/new/", data).status_code == 302
    decision = tf.meetings.get().decisions.get()
    page = client.get(f"/supervision/new/?record=taskforces.decision:{decision.pk}").content.decode()
    for carried in (
        "11月底前完成用地报批",
        "输变电产业集群申报国家专项2026年第四季度专班调度会",
        "2026-11-30",
        'value="meeting" selected',
    ):
        assert carried in page, carried
    form = {"title": decision.text, "content": "落实会议议定事项", "source": "meeting", "source_text": "调度会纪要",
            "due_on": "2026-11-30", "cadence": "none", "lead_unit": eco.pk, "record": f"taskforces.decision:{decision.pk}",
            "submission_key": "decision-1"}  # fmt: skip
    client.post("/supervision/new/", form)
    item = Item.objects.get()
    assert item.linked == decision and item.lead_unit == eco
    page = client.get(f"/taskforces/{tf.pk}/").content.decode()
    assert f'href="/supervision/{item.pk}/" data-item' in page


def test_a_unit_answers_and_meets_only_its_own(force, client, at):
    at(2026, 11, 4, 10)
    tf, eco, samr = force["tf"], force["coop"].person.unit, force["lead"].person.unit
    task = actions.add_task(tf, by=force["lead"], title="出具意见", unit=eco, due_on=date(2026, 11, 30))
    milestone = actions.add_milestone(
        tf, by=force["lead"], title="节点", planned_on=date(2026, 11, 20), unit=eco
    )
    with pytest.raises(actions.ActionRefused):
        actions.answer_task(task, by=force["lead"], answer="代答")
    actions.answer_task(task, by=force["coop"], answer="收到")
    with pytest.raises(actions.ActionRefused, match="已响应"):
        actions.answer_task(task, by=force["coop"], answer="再答")
    actions.meet_milestone(milestone, by=force["lead"], note="牵头单位确认完成")  # the lead unit may
    with pytest.raises(actions.ActionRefused):
        actions.add_milestone(tf, by=force["coop"], title="x", planned_on=date(2026, 12, 1), unit=samr)


def test_who_may_do_what_and_refusals_change_nothing(force, client, at, assert_refused, users):
    at(2026, 11, 4, 10)
    tf, eco = force["tf"], force["coop"].person.unit
    check = actions.check_in(tf, by=force["lead"], done="d", next_steps="n", blockers=[("卡点", eco)])
    task = actions.add_task(tf, by=force["lead"], title="任务", unit=eco, due_on=date(2026, 11, 30))
    milestone = actions.add_milestone(
        tf, by=force["lead"], title="节点", planned_on=date(2026, 11, 20), unit=eco
    )
    blocker = check.blockers.get()
    outsider, enterprise = force["outsider"], users[Role.ENTERPRISE_USER]
    # Someone outside the task force does not see it at all.
    assert_refused([outsider, enterprise, None], "GET", f"/taskforces/{tf.pk}/")
    assert_refused([outsider, enterprise], "GET", f"/taskforces/{tf.pk}/check-in/")
    for caller, url, data in [
        (outsider, f"/taskforces/{tf.pk}/check-in/", {"done": "x", "next_steps": "y"}),
        (outsider, f"/taskforces/tasks/{task.pk}/answer/", {"answer": "x"}),
        (force["lead"], f"/taskforces/tasks/{task.pk}/answer/", {"answer": "x"}),  # not its task
        (force["coop"], f"/taskforces/check-ins/{check.pk}/acknowledge/", {"comment": "x"}),
        (force["coop"], f"/taskforces/{tf.pk}/milestones/new/", {"title": "x", "planned_on": "2026-12-01", "unit": eco.pk}),
        (force["coop"], f"/taskforces/{tf.pk}/meetings/new/", {"title": "x", "held_on": "2026-11-01", "minutes": "m"}),
        (outsider, f"/taskforces/blockers/{blocker.pk}/resolve/", {"resolution": "x"}),
        (outsider, f"/taskforces/milestones/{milestone.pk}/meet/", {"note": "x"}),
    ]:  # fmt: skip
        assert_refused_form(client, caller, url, data)
    # The market regulator's other official (not a member) sees it as a lead-unit official.
    client.force_login(force["staff_user"])
    assert client.get(f"/taskforces/{tf.pk}/").status_code == 200


def assert_refused_form(client, caller, url, data):
    """A form POST refused: a 404 (or back to the page with a message) and no change."""
    from conftest import database_fingerprint

    client.force_login(caller)
    before = database_fingerprint()
    response = client.post(url, data)
    assert response.status_code in (302, 404), (caller, url, response.status_code)
    assert database_fingerprint() == before, f"{caller}: {url} changed data"


def test_a_cadre_profile_is_read_by_the_cadre_the_leaders_and_the_performance_office_only(
    force, client, assert_refused, users
):
    lead_cadre = force["lead_cadre"]
    url = f"/taskforces/cadres/{lead_cadre.pk}/"
    for reader in (force["lead"], force["leader"], users[Role.PERFORMANCE_OFFICE]):
        client.force_login(reader)
        assert client.get(url).status_code == 200, reader
    assert_refused(
        [force["coop"], force["staff_user"], users[Role.SUPERVISION_OFFICE], force["outsider"], users[Role.ENTERPRISE_USER], None],
        "GET", url,
    )  # fmt: skip
    # A profile is drawn from deputy-division rank up: the section-level member has none.
    client.force_login(users[Role.PERFORMANCE_OFFICE])
    assert client.get(f"/taskforces/cadres/{force['staff'].pk}/").status_code == 404
    # Only the task force's leader assesses; the cadre cannot assess themself.
    assert_refused_form(
        client,
        force["lead"],
        f"{url}assess/",
        {"year": 2026, "quarter": 3, "grade": "excellent", "text": "自评"},
    )
    assert not lead_cadre.assessments.exists()
