"""The supervision item's flow (交办 → 签收 → 反馈 → 办结申请 → 审核销号 / 退回) and one-click dispatch: each
step's rules, and refusals that change nothing."""

import uuid
from datetime import date, datetime

import pytest

from conftest import SHANGHAI, database_fingerprint
from yancheng.core.actions import ActionRefused
from yancheng.core.models import AuditEntry, Notification
from yancheng.core.roles import Role
from yancheng.supervision import actions
from yancheng.supervision.choices import EventKind, Part, State
from yancheng.supervision.models import Assignment, Item, SupervisionRules

from .conftest import evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tuesday(at):
    at(2026, 12, 1, 9)  # a Tuesday morning
    return at


def refused(code, call, *args, **kwargs):
    before = database_fingerprint()
    with pytest.raises(ActionRefused) as refusal:
        call(*args, **kwargs)
    assert refusal.value.code == code
    assert database_fingerprint() == before
    return refusal.value


def test_an_item_goes_to_its_lead_and_cooperating_units_each_with_a_time_to_sign(
    assign, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = assign(lead="samr", cooperating=("eco",))
    parts = {a.unit.code: a for a in item.assignments.all()}
    assert {code: a.kind for code, a in parts.items()} == {"samr": Part.LEAD, "eco": Part.COOPERATING}
    assert parts["samr"].task == "牵头排查" and parts["eco"].task == "配合检查"
    # Four office hours from 09:00 on a Tuesday: 08:30–12:00 holds 3 of them, 14:30–15:30 the fourth.
    assert parts["samr"].sign_by == datetime(2026, 12, 1, 15, 30, tzinfo=SHANGHAI)
    assert item.state == State.ASSIGNED and item.deadline_at.date() == date(2026, 12, 18)
    told = set(
        Notification.objects.filter(link=f"/supervision/{item.pk}/").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"official", "official_eco"}
    assert AuditEntry.objects.filter(action="supervision_assigned", object_id=str(item.pk)).exists()


def test_the_office_sets_the_hours_to_sign_in(assign):
    SupervisionRules.objects.create(pk=1, sign_within_hours=8)
    item = assign()
    # 09:00 Tuesday + 8 office hours (6.5 a day): the 6 left on Tuesday, then 2 from 08:30 on Wednesday.
    assert item.assignments.first().sign_by == datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)


def test_the_same_submission_twice_is_one_item_and_a_strangers_key_is_refused(assign, users):
    first = assign(key="k-1")
    assert assign(key="k-1") == first
    assert Item.objects.count() == 1
    refused("submission_key_taken", assign, key="k-1", by=users[Role.LEADER])


@pytest.mark.parametrize(
    "change, code",
    [
        ({"by": "official"}, "forbidden"),
        ({"title": " "}, "title"),
        ({"due_on": date(2026, 11, 30)}, "due"),
        ({"due_on": date(2029, 1, 1)}, "due"),
        ({"lead": "bank"}, "units"),
        ({"cooperating": ("samr",)}, "units"),
        ({"source": "gossip"}, "source"),
    ],
)
def test_a_bad_item_is_refused_and_changes_nothing(assign, users, change, code):
    if change.get("by"):
        change["by"] = users[Role.UNIT_OFFICIAL]
    refused(code, assign, **change)


def test_each_unit_signs_for_its_own_part_and_the_leads_signature_puts_it_in_hand(assign, users, tuesday):
    item = assign()
    tuesday(2026, 12, 1, 10)
    item = actions.sign_for(item, by=users["other_official"])  # the cooperating ecology bureau
    assert item.state == State.ASSIGNED
    item = actions.sign_for(Item.objects.get(pk=item.pk), by=users[Role.UNIT_OFFICIAL])
    assert item.state == State.IN_PROGRESS
    signed = {a.unit.code: a.signed_at for a in Assignment.objects.filter(item=item)}
    assert signed == {
        "samr": datetime(2026, 12, 1, 10, tzinfo=SHANGHAI),
        "eco": datetime(2026, 12, 1, 10, tzinfo=SHANGHAI),
    }
    refused("signed", actions.sign_for, item, by=users[Role.UNIT_OFFICIAL])
    refused("forbidden", actions.sign_for, item, by=users[Role.SUPERVISION_OFFICE])


def test_signing_after_the_hours_is_kept_as_late(assign, users, tuesday):
    item = assign()
    tuesday(2026, 12, 2, 9)
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    assert item.events.get(kind=EventKind.SIGNED).note == "超时签收"


def test_a_unit_reports_only_once_signed_and_only_while_in_hand(assign, users, tuesday):
    item = assign()
    refused("unsigned", actions.report, item, by=users[Role.UNIT_OFFICIAL], text="已排查 12 家")
    refused("text", actions.report, item, by=users[Role.UNIT_OFFICIAL], text="  ")
    refused("forbidden", actions.report, item, by=users[Role.LEADER], text="已排查")
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    tuesday(2026, 12, 3, 16)
    report = actions.report(
        item, by=users[Role.UNIT_OFFICIAL], text="已排查 12 家", files=[evidence_file("台账.xlsx")]
    )
    lead = Assignment.objects.get(item=item, kind=Part.LEAD)
    assert lead.first_report_at == lead.last_report_at == report.at
    assert report.files.get().name == "台账.xlsx"


def test_the_close_needs_the_lead_unit_and_evidence_and_the_office_decides(assign, users):
    item = assign()
    refused(
        "state",
        actions.request_close,
        item,
        by=users[Role.UNIT_OFFICIAL],
        summary="完成",
        files=[evidence_file()],
    )
    actions.sign_for(item, by=users[Role.UNIT_OFFICIAL])
    refused(
        "no_evidence", actions.request_close, item, by=users[Role.UNIT_OFFICIAL], summary="完成", files=[]
    )
    refused(
        "forbidden",
        actions.request_close,
        item,
        by=users["other_official"],
        summary="完成",
        files=[evidence_file()],
    )
    refused("state", actions.close, item, by=users[Role.SUPERVISION_OFFICE])
    item = actions.request_close(
        item, by=users[Role.UNIT_OFFICIAL], summary="排查整改完成", files=[evidence_file()]
    )
    assert item.state == State.CLOSE_REQUESTED
    refused("forbidden", actions.close, item, by=users[Role.LEADER])
    refused("reason", actions.return_item, item, by=users[Role.SUPERVISION_OFFICE], reason="")
    item = actions.return_item(item, by=users[Role.SUPERVISION_OFFICE], reason="缺少整改前后对比照片")
    assert item.state == State.IN_PROGRESS and item.close_requested_at is None
    item = actions.request_close(
        item, by=users[Role.UNIT_OFFICIAL], summary="补充照片", files=[evidence_file("对比照片.jpg")]
    )
    item = actions.close(item, by=users[Role.SUPERVISION_OFFICE])
    assert item.state == State.CLOSED and item.closed_at is not None
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == ["assigned", "signed", "close_requested", "returned", "close_requested", "closed"]
    refused("state", actions.sign_for, item, by=users["other_official"])  # closed: nothing to sign for


def test_the_first_opening_by_a_unit_is_its_read_receipt(assign, users, tuesday):
    item = assign()
    actions.mark_read(item, users[Role.UNIT_OFFICIAL])
    tuesday(2026, 12, 1, 11)
    actions.mark_read(item, users[Role.UNIT_OFFICIAL])
    actions.mark_read(item, users[Role.SUPERVISION_OFFICE])  # not a unit of the item: no receipt
    reads = dict(Assignment.objects.filter(item=item).values_list("unit__code", "read_at"))
    assert reads == {"samr": datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), "eco": None}
    assert item.events.filter(kind=EventKind.READ).count() == 1


def dispatch_to(counties, users, **extra):
    return actions.dispatch(
        by=extra.pop("by", users[Role.LEADER]), title="做好今冬明春安全生产工作", content="全面排查辖区隐患，每周报送进展。",
        units=[unit for unit, _official in counties.values()], due_on=date(2026, 12, 25), recipients="全部县市区政府",
        cadence="weekly", submission_key=extra.pop("key", uuid.uuid4().hex), **extra,
    )  # fmt: skip


def test_one_dispatch_gives_every_unit_its_own_item_and_is_kept_once(
    counties, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_to(counties, users, key="d-1")
    items = list(sent.items.order_by("lead_unit__code"))
    assert [i.lead_unit for i in items] == [
        unit for unit, _o in sorted(counties.values(), key=lambda c: c[0].code)
    ]
    assert all(i.assignments.get().kind == Part.LEAD and i.cadence == "weekly" for i in items)
    assert dispatch_to(counties, users, key="d-1") == sent
    assert Item.objects.count() == len(counties)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {official.username for _unit, official in counties.values()}
    assert AuditEntry.objects.filter(action="supervision_assigned").count() == len(counties)
    refused(
        "submission_key_taken", dispatch_to, counties, users, key="d-1", by=users[Role.SUPERVISION_OFFICE]
    )


def test_a_reminder_goes_to_the_units_not_signed_or_whose_report_is_due(
    counties, users, tuesday, django_capture_on_commit_callbacks
):
    sent = dispatch_to(counties, users)  # weekly reports
    (a_unit, a), (b_unit, b), (c_unit, c) = counties.values()
    item_of = {i.lead_unit_id: i for i in sent.items.all()}
    actions.sign_for(item_of[a_unit.pk], by=a)
    actions.sign_for(item_of[b_unit.pk], by=b)
    tuesday(2026, 12, 1, 15)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind(sent.items.all(), by=users[Role.LEADER], dispatch=sent) == 1  # c has not signed
    tuesday(2026, 12, 8, 10)  # a week on: b reported yesterday, a never did
    actions.report(item_of[b_unit.pk], by=b, text="已部署")
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind(sent.items.all(), by=users[Role.LEADER], dispatch=sent) == 2
    asked = list(
        Notification.objects.filter(title__startswith="请尽快")
        .order_by("pk")
        .values_list("recipient__username", "title")
    )
    assert asked == [
        (c.username, "请尽快签收：做好今冬明春安全生产工作"),
        (a.username, "请尽快反馈进展：做好今冬明春安全生产工作"),
        (c.username, "请尽快签收：做好今冬明春安全生产工作"),
    ]
    reminded = dict(Assignment.objects.values_list("unit_id", "reminded_at"))
    assert reminded[b_unit.pk] is None and reminded[a_unit.pk] == datetime(2026, 12, 8, 10, tzinfo=SHANGHAI)
    refused("forbidden", actions.remind, sent.items.all(), by=a, dispatch=sent)
