"""Every filing rule, each with its Chinese refusal, shown when the official files."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from yancheng.core.models import AuditEntry, Enterprise
from yancheng.core.roles import Role
from yancheng.visits.actions import RulesRefused
from yancheng.visits.choices import Kind, Purpose, RequestStatus
from yancheng.visits.models import Visit, VisitRequest


def refused_codes(call) -> dict:
    with pytest.raises(RulesRefused) as refusal:
        call()
    return {v.code: v.message for v in refusal.value.violations}


def week_of_2030(n):
    """Monday of week n of 2030, 09:30: one calendar year, far enough ahead for every lead time
    (file them with the clock in_january_2030: visits are filed at most a year ahead)."""
    return timezone.make_aware(timezone.datetime(2030, 1, 7, 9, 30)) + timedelta(weeks=n)


@pytest.fixture
def in_january_2030(monkeypatch):
    """The clock stands at Monday 7 January 2030, 08:00: every week of 2030 lies within the year ahead
    that visits may be filed for, and so does Monday 6 January 2031."""
    moment = timezone.make_aware(timezone.datetime(2030, 1, 7, 8, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def in_working_days(n):
    from yancheng.core import workdays

    day = workdays.add_working_days(timezone.localdate(), n)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 9, 30))


def test_a_clean_planned_inspection_is_filed_and_waits_for_the_office(file):
    request = file(starts_at=in_working_days(5))
    assert request.status == RequestStatus.PENDING and not request.filed_late
    assert AuditEntry.objects.filter(action="visit_request_filed", object_id=str(request.pk)).exists()


def test_planned_visits_are_filed_three_working_days_ahead(file):
    codes = refused_codes(lambda: file(starts_at=in_working_days(2)))
    assert "至少提前 3 个工作日" in codes["lead_time"]
    assert file(starts_at=in_working_days(3)).pk
    assert not Visit.objects.filter(starts_at=in_working_days(2)).exists()  # nothing half-written


def test_quiet_days_refuse_planned_visits_but_not_triggered_ones(file, visit_rules):
    start = in_working_days(6)
    visit_rules.quiet_days = [start.day]
    visit_rules.save()
    codes = refused_codes(lambda: file(starts_at=start))
    assert f"每月 {start.day} 日是无事不扰日" in codes["quiet_day"]
    triggered = file(starts_at=start, kind=Kind.TRIGGERED, trigger="complaint")
    assert triggered.pk


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        ({"exempt": True}, "exempt", "白名单"),
        ({"risk_grade": "A"}, "grade_a", "风险等级为 A"),
    ],
)
def test_exempt_and_grade_a_enterprises_get_no_planned_inspection(file, hengyang, change, code, text):
    Enterprise.objects.filter(pk=hengyang["enterprises"]["a"].pk).update(**change)
    enterprise = Enterprise.objects.get(pk=hengyang["enterprises"]["a"].pk)
    codes = refused_codes(lambda: file(enterprise=enterprise, starts_at=in_working_days(5)))
    assert text in codes[code]
    # Research is still welcome, and so is an inspection on a complaint.
    assert file(
        enterprise=enterprise,
        starts_at=in_working_days(5),
        purpose=Purpose.RESEARCH,
        items="",
        legal_basis="",
    ).pk
    assert file(
        enterprise=enterprise, starts_at=in_working_days(7), kind=Kind.TRIGGERED, trigger="complaint"
    ).pk


def test_a_unit_has_at_most_two_planned_inspections_of_an_enterprise_a_year(file, in_january_2030):
    file(starts_at=week_of_2030(1))
    file(starts_at=week_of_2030(10))
    codes = refused_codes(lambda: file(starts_at=week_of_2030(20)))
    assert "已达上限 2 次" in codes["cap_unit"]
    # Triggered inspections do not count against the cap, and a new year starts afresh.
    assert file(starts_at=week_of_2030(21), kind=Kind.TRIGGERED, trigger="data_alert").pk
    assert file(starts_at=week_of_2030(52)).pk  # Monday 6 January 2031


def test_an_enterprise_has_at_most_four_planned_inspections_a_year_across_units(
    file, hengyang, users, visit_rules, in_january_2030
):
    visit_rules.joint_window_days = 0
    visit_rules.save()
    officials = [users[Role.UNIT_OFFICIAL], users["other_official"]]
    officials += [
        make_user(f"o{n}", Role.UNIT_OFFICIAL, unit=hengyang["units"][name])
        for n, name in enumerate(["gov", "supervision"])
    ]
    for n, official in enumerate(officials):
        file(by=official, starts_at=week_of_2030(1 + 5 * n), visitors=[(official, "")])
    fifth = make_user("o9", Role.UNIT_OFFICIAL, unit=hengyang["units"]["registry"])
    codes = refused_codes(lambda: file(by=fifth, starts_at=week_of_2030(30), visitors=[(fifth, "")]))
    assert "已达全市上限 4 次" in codes["cap_enterprise"]
    assert "联合检查" not in codes["cap_enterprise"]  # there is none to join (a window of 0 days)


def test_a_joint_visit_is_offered_merges_and_counts_once(file, users, hengyang, visit_rules):
    from yancheng.visits import rules

    visit_rules.cap_per_enterprise = 1
    visit_rules.save()
    first = file(starts_at=in_working_days(8))
    eco = users["other_official"]
    candidates = rules.joint_candidates(hengyang["enterprises"]["a"], eco.person.unit, in_working_days(9))
    assert list(candidates) == [first.visit]
    # Alone, the ecology bureau's inspection would break the cap; merged, it counts once.
    codes = refused_codes(lambda: file(by=eco, starts_at=in_working_days(9), visitors=[(eco, "")]))
    assert "可申请加入其他单位已安排的联合检查" in codes["cap_enterprise"]
    # With no joint window there is nothing to join, and the message offers nothing.
    visit_rules.joint_window_days = 0
    visit_rules.save()
    codes = refused_codes(lambda: file(by=eco, starts_at=in_working_days(9), visitors=[(eco, "")]))
    assert "联合检查" not in codes["cap_enterprise"] and "触发性检查" in codes["cap_enterprise"]
    visit_rules.joint_window_days = 7
    visit_rules.save()
    joined = file(by=eco, starts_at=in_working_days(9), visitors=[(eco, "")], join_visit=first.visit)
    assert joined.visit == first.visit
    assert joined.visit.starts_at == first.visit.starts_at  # one window
    assert Visit.objects.count() == 1 and first.visit.requests.count() == 2
    # A colleague of the bureau who joins the same visit again is told so (it used to be a 500).
    colleague = make_user("eco2", Role.UNIT_OFFICIAL, unit=eco.person.unit)
    codes = refused_codes(
        lambda: file(
            by=colleague, starts_at=in_working_days(9), visitors=[(colleague, "")], join_visit=first.visit
        )
    )
    assert "已在该联合检查中" in codes["already_joined"]
    assert first.visit.requests.count() == 2


def test_emergencies_may_be_filed_within_24_hours_afterwards_and_are_flagged(file):
    now = timezone.now()
    late = file(
        kind=Kind.TRIGGERED,
        trigger="emergency",
        trigger_note="化工厂泄漏",
        starts_at=now - timedelta(hours=20),
    )
    assert late.filed_late and late.trigger_note == "化工厂泄漏"
    codes = refused_codes(
        lambda: file(kind=Kind.TRIGGERED, trigger="emergency", starts_at=now - timedelta(hours=25))
    )
    assert "24 小时内补报" in codes["late"]
    codes = refused_codes(
        lambda: file(kind=Kind.TRIGGERED, trigger="complaint", starts_at=now - timedelta(hours=1))
    )
    assert "只有突发事件可以事后补报" in codes["late"]


def test_inspections_name_items_and_legal_basis_and_enforcement_needs_two_certified_officers(
    file, users, colleague
):
    codes = refused_codes(
        lambda: file(starts_at=in_working_days(5), items="", legal_basis="", purpose=Purpose.ENFORCEMENT)
    )
    assert {"items", "legal_basis", "visitors"} <= set(codes)
    codes = refused_codes(
        lambda: file(
            starts_at=in_working_days(5),
            purpose=Purpose.ENFORCEMENT,
            visitors=[(users[Role.UNIT_OFFICIAL], "湘执法1"), (colleague, "")],
        )
    )
    assert "执法证号" in codes["certificate"]
    assert file(
        starts_at=in_working_days(5),
        purpose=Purpose.ENFORCEMENT,
        visitors=[(users[Role.UNIT_OFFICIAL], "湘执法1"), (colleague, "湘执法2")],
    ).pk


def test_visitors_must_belong_to_the_filing_unit(file, users):
    codes = refused_codes(
        lambda: file(starts_at=in_working_days(5), visitors=[(users["other_official"], "")])
    )
    assert "不是本单位人员" in codes["visitors"]


def test_a_repeated_submission_returns_the_same_request(file):
    first = file(starts_at=in_working_days(5), key="same-key-123")
    again = file(starts_at=in_working_days(5), key="same-key-123")
    assert first.pk == again.pk and VisitRequest.objects.count() == 1


def test_a_refusal_by_the_rules_is_audited_and_writes_nothing_else(file):
    with pytest.raises(RulesRefused):
        file(starts_at=in_working_days(1))
    assert not VisitRequest.objects.exists() and not Visit.objects.exists()
    assert AuditEntry.objects.filter(action="visit_request_refused_by_rules").exists()


def test_research_is_approved_automatically_within_limits(file, visit_rules):
    visit_rules.auto_approve_research = True
    visit_rules.save()
    research = file(starts_at=in_working_days(5), purpose=Purpose.RESEARCH, items="", legal_basis="")
    assert research.status == RequestStatus.APPROVED and research.auto_approved
    assert research.visitors.get().green_pass.token
    inspection = file(starts_at=in_working_days(30))
    assert inspection.status == RequestStatus.PENDING


def page_form(users, hengyang, day: str) -> dict:
    """The filing page's fields for a planned inspection by the market regulator's official on `day`."""
    return {
        "enterprise": hengyang["enterprises"]["a"].name,
        "purpose": "inspection",
        "kind": "planned",
        "day": day,
        "start": "09:00",
        "end": "11:00",
        "items": "x",
        "legal_basis": "y",
        "visitors": [users[Role.UNIT_OFFICIAL].pk],
        "submission_key": "k" * 32,
    }


def test_the_rules_are_checked_while_the_official_fills_the_form(client, users, hengyang):
    client.force_login(users[Role.UNIT_OFFICIAL])
    day = in_working_days(1).date().isoformat()
    response = client.post("/visits/new/", {**page_form(users, hengyang, day), "check": "1"})
    html = response.content.decode()
    assert "不符合访企规则" in html and 'data-rule="lead_time"' in html
    assert not VisitRequest.objects.exists()


def test_visits_are_filed_at_most_a_year_ahead(hengyang, users, visit_rules):
    from yancheng.visits import rules

    filed_at = timezone.make_aware(timezone.datetime(2030, 1, 7, 9, 30))

    def codes(starts_at):
        draft = rules.Draft(
            enterprise=hengyang["enterprises"]["a"],
            unit=hengyang["units"]["samr"],
            purpose=Purpose.RESEARCH,
            kind=Kind.PLANNED,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            visitors=[(users[Role.UNIT_OFFICIAL], "")],
            filed_at=filed_at,
        )
        return {v.code: v.message for v in rules.check(draft, visit_rules)}

    assert codes(filed_at.replace(year=2031)) == {}  # the same day a year later: still allowed
    refused = codes(filed_at.replace(year=2031) + timedelta(days=1))
    assert refused == {"too_far_ahead": "访企最多提前一年申请；最晚可申请 2031年01月07日 的访企。"}


def test_a_far_off_date_is_refused_at_once_by_every_way_of_filing(client, file, users, hengyang, monkeypatch):
    """9999-12-31 used to count millions of working days (minutes of CPU) before filing the visit."""
    from yancheng.core import workdays

    def counting(*args, **kwargs):
        raise AssertionError("working days counted up to a date years away")

    monkeypatch.setattr(workdays, "working_days_between", counting)
    far = timezone.make_aware(timezone.datetime(9999, 12, 31, 9, 0))
    assert "too_far_ahead" in refused_codes(lambda: file(starts_at=far))

    client.force_login(users[Role.UNIT_OFFICIAL])
    form = page_form(users, hengyang, "9999-12-31")
    checked = client.post("/visits/new/", {**form, "check": "1"})
    assert checked.status_code == 200 and 'data-rule="too_far_ahead"' in checked.content.decode()
    filed = client.post("/visits/new/", form)
    assert filed.status_code == 200 and "最多提前一年" in filed.content.decode()
    # A day before the platform's first year is a form error, not a crash.
    ancient = client.post("/visits/new/", {**form, "day": "0001-01-01"})
    assert ancient.status_code == 200 and "日期不能早于 2000 年 1 月 1 日。" in ancient.content.decode()
    # The check while the form is still incomplete answers an empty verdict, not the page inside the box.
    half_filled = client.post("/visits/new/", {"purpose": "inspection", "check": "1"})
    assert half_filled.status_code == 200 and half_filled.content.decode().strip() == ""
    assert not VisitRequest.objects.exists() and not Visit.objects.exists()


def test_the_enterprise_is_found_by_part_of_its_name_or_uscc_as_the_official_types(client, users, hengyang):
    a, b = hengyang["enterprises"]["a"], hengyang["enterprises"]["b"]
    client.force_login(users[Role.UNIT_OFFICIAL])
    search = reverse("visits:enterprise_search")
    by_name = client.get(search, {"enterprise": "甲电子"}).content.decode()
    assert a.name in by_name and a.uscc in by_name and b.name not in by_name
    by_uscc = client.get(search, {"enterprise": b.uscc[2:12].lower()}).content.decode()
    assert b.name in by_uscc and a.name not in by_uscc
    assert f'value="{a.pk}"' in client.get(search, {"enterprise": "有限公司"}).content.decode()
    assert "没有找到" in client.get(search, {"enterprise": "不存在的公司"}).content.decode()
    # Filing with part of the name works when it names one enterprise; several ask for a pick.
    day = in_working_days(5).date().isoformat()
    form = {**page_form(users, hengyang, day), "enterprise": "甲电子", "check": "1"}
    assert "符合访企规则" in client.post("/visits/new/", form).content.decode()
    several = client.post("/visits/new/", {**form, "enterprise": "有限公司"}).content.decode()
    assert "符合访企规则" not in several
    filing = {key: value for key, value in form.items() if key != "check"}
    page = client.post("/visits/new/", {**filing, "enterprise": "有限公司"}).content.decode()
    assert "请在下方列表中选择一家" in page and f'value="{b.pk}"' in page
    picked = client.post("/visits/new/", {**form, "enterprise": "有限公司", "enterprise_pick": a.pk})
    assert "符合访企规则" in picked.content.decode()


def test_only_officials_search_enterprises(users, assert_refused):
    others = [users[r] for r in Role if r != Role.UNIT_OFFICIAL] + [None]
    assert_refused(others, "GET", reverse("visits:enterprise_search"), {"enterprise": "有限公司"})
