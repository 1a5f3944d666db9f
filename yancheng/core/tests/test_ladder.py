"""core.ladder: one escalation ladder (到期提醒 → 提示单 → 督办单 → 联系单 → 报告单) for any record with a
deadline. The record here is a unit with a deadline the test holds, so core is tested on its own."""

import io
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import Case, DateTimeField, Value, When
from django.test.utils import CaptureQueriesContext
from docx import Document

from conftest import SHANGHAI, make_user
from yancheng.core import ladder
from yancheng.core.models import AuditEntry, LadderOffset, LadderSerial, LadderStep, Notification, Rung, Unit
from yancheng.core.roles import Role, roles_of

# Monday 2 March 2026 … : a deadline at the end of Monday 9 March (no holiday near).
DUE = datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
KIND = "test_item"


def moment(day, hour=9, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def head(hengyang):
    user = make_user("samr_head", Role.UNIT_OFFICIAL, unit=hengyang["units"]["samr"], full_name="局长")
    hengyang["units"]["samr"].head = user
    hengyang["units"]["samr"].save()
    return user


class Items:
    """Records on a test ladder: units, each with a deadline the test sets (None: closed)."""

    def __init__(self, users):
        self.users, self.deadlines, self.events = users, {}, []

    def person(self, unit):
        return [
            u for u in (self.users[Role.UNIT_OFFICIAL], self.users["other_official"]) if u.person.unit == unit
        ]

    def ladder(self, steps=None) -> ladder.Ladder:
        deadlines = self.deadlines
        when = [When(pk=pk, then=Value(due)) for pk, due in deadlines.items() if due is not None]
        return ladder.register(
            ladder.Ladder(
                kind=KIND,
                model=Unit,
                steps=steps
                or (
                    ladder.Step(Rung.REMINDER, -2, self.person),
                    ladder.Step(Rung.NOTICE, 1, self.person),
                    ladder.Step(Rung.SUPERVISION_ORDER, 2, ladder.to_head(lambda unit: unit)),
                    ladder.Step(Rung.LIAISON_LETTER, 3, ladder.to_role(Role.SUPERVISION_OFFICE)),
                    ladder.Step(Rung.REPORT, 5, ladder.to_role(Role.LEADER)),
                ),
                deadline=lambda unit, now: deadlines.get(unit.pk),
                deadline_sql=Case(*when, default=Value(None), output_field=DateTimeField())
                if when
                else Value(None, output_field=DateTimeField()),
                open=lambda now: Unit.objects.filter(pk__in=list(deadlines)).select_related("head"),
                visible=self.visible,
                link=lambda unit: f"/units/{unit.pk}/",
                authority="衡阳市人民政府督查室",
                number_prefix="衡督",
                on_step=lambda unit, sent: self.events.append((unit.pk, sent.row.rung, sent.note)),
            )
        )

    @staticmethod
    def visible(user):
        roles = roles_of(user)
        if roles & {Role.LEADER, Role.SUPERVISION_OFFICE}:
            return Unit.objects.all()
        if Role.UNIT_OFFICIAL in roles:
            return Unit.objects.filter(pk=user.person.unit_id)
        return Unit.objects.none()


@pytest.fixture
def items(users):
    return Items(users)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """A pass with its after-commit messages delivered: (steps sent, {(username, title's first word)})."""

    def do(ladder_, now=None):
        before = set(Notification.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            taken = ladder.run_pass([ladder_], now)
        new = Notification.objects.exclude(pk__in=before).select_related("recipient")
        return taken, {(n.recipient.username, n.title.split("：")[0]) for n in new}

    return do


def rungs(unit, deadline=DUE):
    return list(
        LadderStep.objects.filter(kind=KIND, object_id=unit.pk, deadline=deadline)
        .order_by("at", "id")
        .values_list("rung", flat=True)
    )


def test_the_step_reached_follows_the_clock_with_no_worker(items, hengyang):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    expected = [
        (moment(4), None),  # three working days left
        (moment(5), Rung.REMINDER),  # two: Friday and Monday
        (moment(9, 23, 50), Rung.REMINDER),
        (moment(10, 0, 5), Rung.NOTICE),  # passed: the first working day late
        (moment(10, 17), Rung.NOTICE),
        (moment(11), Rung.SUPERVISION_ORDER),
        (moment(12), Rung.LIAISON_LETTER),
        (moment(14), Rung.LIAISON_LETTER),  # Saturday: still four working days late
        (moment(15), Rung.LIAISON_LETTER),
        (moment(16), Rung.REPORT),
        (moment(31), Rung.REPORT),
    ]
    for now, rung in expected:
        step = ladder.reached(on, samr, now)
        assert (step.rung if step else None) == rung, now
    assert LadderStep.objects.count() == 0  # reading sends nothing
    items.deadlines[samr.pk] = None  # closed: off the ladder
    assert ladder.reached(on, samr, moment(20)) is None


def test_the_template_snippet_shows_the_step_reached_and_the_documents(at, items, hengyang, head, run):
    from django.template import Context, Template

    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    at(2026, 3, 11, 9)
    run(on)
    html = Template("{% load ladder %}{% ladder_panel ladder record %}").render(
        Context({"ladder": KIND, "record": samr})
    )
    assert "当前环节：督办单" in html
    assert "衡督〔2026〕1号" in html and "衡督〔2026〕2号" in html


def test_each_step_at_its_moment_to_its_recipients_once(at, items, hengyang, head, run, users):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    at(2026, 3, 4, 9)
    assert run(on) == (0, set())
    at(2026, 3, 5, 12)
    assert run(on) == (1, {("official", "到期提醒")})
    assert run(on) == (0, set())
    at(2026, 3, 10, 0, 5)
    assert run(on) == (1, {("official", "提示单")})
    at(2026, 3, 11, 9)
    assert run(on) == (1, {("samr_head", "督办单")})
    at(2026, 3, 12, 9)
    assert run(on) == (1, {("supervision", "联系单")})
    at(2026, 3, 13, 9)
    assert run(on) == (0, set())
    at(2026, 3, 16, 9)
    assert run(on) == (1, {("leader", "报告单")})
    assert run(on) == (0, set())
    assert rungs(samr) == list(Rung)
    # Each step: its recipients on the row, an event on the record (the hook), an audit entry.
    steps = LadderStep.objects.filter(kind=KIND, object_id=samr.pk).order_by("rung")
    assert [{u.username for u in s.recipients.all()} for s in steps] == [
        {"official"},
        {"official"},
        {"samr_head"},
        {"supervision"},
        {"leader"},
    ]
    assert [rung for _pk, rung, _note in items.events] == list(Rung)
    assert AuditEntry.objects.filter(action="ladder_step_sent", object_id=str(samr.pk)).count() == 5
    # Every step sent: the record is no longer a candidate at all.
    assert not ladder.candidates(on, moment(30)).exists()


def test_the_reminder_is_not_a_document_and_the_instruments_are_numbered_without_gaps(
    at, items, hengyang, run
):
    units = [hengyang["units"][code] for code in ("samr", "eco")]
    for unit in units:
        items.deadlines[unit.pk] = DUE
    on = items.ladder()
    at(2026, 3, 5, 12)
    run(on)
    assert not LadderStep.objects.exclude(number="").exists()  # reminders: messages only
    at(2026, 3, 16, 9)
    assert run(on)[0] == 8  # two records, four instruments each
    numbered = LadderStep.objects.exclude(rung=Rung.REMINDER).order_by("serial")
    assert [s.serial for s in numbered] == list(range(1, 9))
    assert {s.year for s in numbered} == {2026}
    assert numbered[0].number == "衡督〔2026〕1号"
    assert LadderSerial.objects.get(kind=KIND, year=2026).last == 8
    # Each record's instruments in the ladder's order.
    for unit in units:
        serials = list(numbered.filter(object_id=unit.pk).order_by("rung").values_list("serial", flat=True))
        assert serials == sorted(serials)
    text = "\n".join(p.text for p in Document(io.BytesIO(ladder.document_bytes(numbered[0]))).paragraphs)
    assert "衡督〔2026〕1号" in text and "提示单" in text and "衡阳市人民政府督查室" in text


def test_the_document_is_stored_once_after_the_step_commits(at, items, hengyang, run):
    from django_tasks_db.models import DBTaskResult

    from yancheng.core.tasks import store_ladder_documents

    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    at(2026, 3, 10, 9)
    run(items.ladder())
    notice = LadderStep.objects.get()
    assert not notice.document  # the pass wrote the row; the .docx is the worker's
    queued = DBTaskResult.objects.get(task_path=store_ladder_documents.module_path)
    assert queued.args_kwargs["args"] == [[notice.pk]]  # one task for the documents of a pass
    before = ladder.document_bytes(notice)  # a download before the worker: made on the spot
    assert store_ladder_documents.call([notice.pk]) == "stored 1, kept already 0, missing 0"
    assert store_ladder_documents.call([notice.pk]) == "stored 0, kept already 1, missing 0"
    notice.refresh_from_db()
    assert notice.document.name.startswith(f"ladder/{KIND}/2026/")
    kept = ladder.document_bytes(notice)
    texts = [[p.text for p in Document(io.BytesIO(b)).paragraphs] for b in (before, kept)]
    assert texts[0] == texts[1] and "衡督〔2026〕1号" in texts[0]


def test_a_step_rolled_back_gives_its_number_back(at, items, hengyang, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()

    def fail(unit, sent):
        raise RuntimeError("the app's hook failed")

    failing = ladder.Ladder(**{**on.__dict__, "on_step": fail})
    at(2026, 3, 10, 9)
    with pytest.raises(RuntimeError):
        ladder.run_pass([failing])
    assert not LadderStep.objects.exists() and not Notification.objects.exists()
    assert run(on)[0] == 1
    assert LadderStep.objects.get().number == "衡督〔2026〕1号"


def test_a_step_another_worker_took_meanwhile_is_not_sent_again(at, items, hengyang, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    at(2026, 3, 10, 9)
    # The other worker's row, committed while this pass was reading its candidates.
    found = list(ladder.candidates(on, moment(10)))
    LadderStep.objects.create(kind=KIND, object_id=samr.pk, rung=Rung.NOTICE, deadline=DUE, at=moment(10))
    assert ladder.climb(on, found[0], moment(10)) == 0
    assert items.events == [] and not LadderSerial.objects.exists() and not Notification.objects.exists()


def test_a_worker_that_was_down_takes_every_step_that_holds_in_order(at, items, hengyang, head, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    at(2026, 3, 20, 9)
    taken, messages = run(on)
    assert taken == 4  # no "due soon" reminder once the deadline has passed
    assert rungs(samr) == [Rung.NOTICE, Rung.SUPERVISION_ORDER, Rung.LIAISON_LETTER, Rung.REPORT]
    assert messages == {
        ("official", "提示单"),
        ("samr_head", "督办单"),
        ("supervision", "联系单"),
        ("leader", "报告单"),
    }
    serials = LadderStep.objects.filter(kind=KIND).order_by("rung").values_list("serial", flat=True)
    assert list(serials) == [1, 2, 3, 4]


def test_a_new_deadline_climbs_afresh(at, items, hengyang, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    at(2026, 3, 10, 9)
    assert run(items.ladder())[0] == 1
    extended = datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    items.deadlines[samr.pk] = extended  # an extension: another deadline
    at(2026, 3, 12, 9)
    assert run(items.ladder()) == (1, {("official", "到期提醒")})
    at(2026, 3, 17, 9)
    assert run(items.ladder()) == (1, {("official", "提示单")})
    assert rungs(samr, DUE) == [Rung.NOTICE] and rungs(samr, extended) == [Rung.REMINDER, Rung.NOTICE]


def test_an_offices_offset_moves_the_step_with_no_deploy(at, items, hengyang, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder()
    assert ladder.reached(on, samr, moment(4)) is None  # three working days left
    LadderOffset.objects.create(kind=KIND, rung=Rung.REMINDER, offset=-3)
    LadderOffset.objects.create(kind=KIND, rung=Rung.SUPERVISION_ORDER, offset=3)
    assert ladder.reached(on, samr, moment(4)).rung == Rung.REMINDER
    assert ladder.reached(on, samr, moment(11)).rung == Rung.NOTICE
    at(2026, 3, 4, 9)
    assert run(on) == (1, {("official", "到期提醒")})  # the candidates query read the office's offset
    with pytest.raises(ValueError):
        ladder.check_offset(on, Rung.NOTICE, 4)  # would come after the supervision order


def test_an_instrument_before_the_deadline_is_still_sent_late_a_reminder_is_not(at, items, hengyang, run):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    on = items.ladder(
        steps=(
            ladder.Step(Rung.REMINDER, -3, items.person),
            ladder.Step(Rung.NOTICE, -1, items.person),  # a notice the day before, as some offices do
        )
    )
    assert ladder.reached(on, samr, moment(6)).rung == Rung.NOTICE
    at(2026, 3, 10, 9)  # the worker comes only after the deadline
    assert run(on) == (1, {("official", "提示单")})
    assert rungs(samr) == [Rung.NOTICE]


def test_the_office_sets_an_offset_in_the_admin_within_the_ladders_order(items, users, client):
    items.ladder()
    client.force_login(users[Role.ADMINISTRATOR])
    url = "/admin/core/ladderoffset/add/"
    out_of_order = client.post(url, {"kind": KIND, "rung": Rung.NOTICE, "offset": 4})
    assert out_of_order.status_code == 200 and "不早于前一环节" in out_of_order.content.decode()
    assert not LadderOffset.objects.exists()
    assert client.post(url, {"kind": KIND, "rung": Rung.REPORT, "offset": 10}).status_code == 302
    assert LadderOffset.objects.get().offset == 10
    assert AuditEntry.objects.filter(action="admin_created", object_type="core.ladderoffset").exists()


def test_a_pass_costs_the_same_few_queries_however_many_records(at, items, hengyang, run):
    codes = list(hengyang["units"])
    on = None

    def idle_queries():
        with CaptureQueriesContext(connection) as captured:
            assert ladder.run_pass([on], moment(10)) == 0
        return len(captured)

    for code in codes[:2]:
        items.deadlines[hengyang["units"][code].pk] = DUE
    on = items.ladder()
    at(2026, 3, 10, 9)
    run(on)
    few = idle_queries()
    for code in codes[2:]:
        items.deadlines[hengyang["units"][code].pk] = DUE
    on = items.ladder()
    run(on)
    assert len(codes) > 4
    assert idle_queries() == few == 3  # the calendar, the offsets in force, the candidates (with their steps)


def test_the_document_is_for_its_recipients_and_whoever_sees_the_record(
    at, items, hengyang, head, run, users, client
):
    samr = hengyang["units"]["samr"]
    items.deadlines[samr.pk] = DUE
    at(2026, 3, 11, 9)
    run(items.ladder())
    order = LadderStep.objects.get(rung=Rung.SUPERVISION_ORDER)
    url = f"/ladder/{order.pk}/document.docx"
    assert client.get(url).status_code == 302  # to the login page
    for user in (head, users[Role.UNIT_OFFICIAL], users[Role.LEADER]):  # recipient; sees the record
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "衡督〔2026〕2号" in "\n".join(
            p.text for p in Document(io.BytesIO(response.content)).paragraphs
        )
    for user in (users["other_official"], users[Role.ENTERPRISE_USER], users[Role.BANK_CLERK]):
        client.force_login(user)
        assert client.get(url).status_code == 404, user  # like a document that does not exist
    client.force_login(users[Role.LEADER])
    assert client.get("/ladder/999999/document.docx").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_each_step_once_and_number_without_gaps(items, hengyang, users):
    from tests.concurrency import run_at_once

    assert connection.vendor == "postgresql"
    codes = list(hengyang["units"])[:4]
    for code in codes:
        items.deadlines[hengyang["units"][code].pk] = DUE
    on = items.ladder()
    results = run_at_once([lambda: ladder.run_pass([on], moment(20)) for _n in range(4)])
    assert sum(results) == 4 * len(codes)  # each step sent by exactly one of the workers
    steps = LadderStep.objects.filter(kind=KIND)
    assert steps.count() == 4 * len(codes)
    assert sorted(steps.values_list("serial", flat=True)) == list(range(1, 4 * len(codes) + 1))
    assert len(items.events) == 4 * len(codes)
