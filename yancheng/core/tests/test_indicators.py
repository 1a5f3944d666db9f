"""The indicator registry: periods in Asia/Shanghai, the registry's lookups, and the rule that no
indicator reads activity (logins, sessions, the audit log, notifications, history rows …) — neither in
the sources it declares nor in the SQL it runs."""

import ast
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yancheng.core import indicators
from yancheng.core.indicators import ACTIVITY_SOURCES, Figure, Grouping, Indicator, Period

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPECTED = {
    "visits.pass_compliance",
    "visits.joint_share",
    "visits.mean_rating",
    "visits.no_pass_reports",
    "enterprise_requests.accepted_on_time",
    "enterprise_requests.replied_on_time",
    "enterprise_requests.satisfaction",
    "projects.completion_rate",
    "projects.reports_on_time",
    "commitments.fulfilled_on_time",
    "problems.closed_on_time",
    "mortgage.automatic_share",
    "mortgage.minutes_to_certificate",
    "supervision.closed_on_time",
    "supervision.signed_on_time",
    "taskforces.stalls",
    "taskforces.milestones_on_time",
    "monitoring.cameras_online",
}


# --- periods ---------------------------------------------------------------------------------------


def test_periods_are_made_parsed_and_labelled_in_chinese():
    november = Period.month(2026, 11)
    assert (november.start, november.end, november.kind) == (date(2026, 11, 1), date(2026, 11, 30), "month")
    assert Period.parse("2026-11") == november and Period.parse("2026-1") == Period.month(2026, 1)
    q4 = Period.quarter(2026, 4)
    assert (q4.start, q4.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Period.parse("2026-Q4") == q4 == Period.parse("2026-q4")
    assert Period.parse("2026") == Period.year(2026)
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    assert [str(p.label) for p in (november, q4, Period.year(2026))] == [
        "2026年11月",
        "2026年第四季度",
        "2026年",
    ]
    assert [p.code for p in (november, q4, Period.year(2026))] == ["2026-11", "2026-Q4", "2026"]
    for period in (november, q4, Period.year(2026)):
        assert Period.parse(period.code) == period


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-00", "2026-Q5", "26-11", "2026/11", "2026-11-01", None]
)
def test_a_period_that_does_not_parse_says_so(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_period_bounds_are_local_midnights_in_shanghai():
    november = Period.month(2026, 11)
    assert november.since == datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert november.until == datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert november.since.utcoffset() == timedelta(hours=8)
    # 23:30 on 30 November in Hengyang is November, though 15:30 UTC; 07:00 on 1 December is not,
    # though it is still 30 November in UTC.
    assert november.contains(datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI))
    assert not november.contains(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # 07:00 on 1 Dec local
    assert not november.contains(datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI))
    assert november.contains(datetime(2026, 10, 31, 16, 0, tzinfo=UTC))  # 00:00 on 1 Nov local
    assert november.contains(date(2026, 11, 30)) and not november.contains(date(2026, 12, 1))


def test_the_months_inside_a_period():
    assert Period.month(2026, 11).months() == [Period.month(2026, 11)]
    assert Period.quarter(2026, 2).months() == [Period.month(2026, m) for m in (4, 5, 6)]
    assert [p.number for p in Period.year(2026).months()] == list(range(1, 13))
    assert Period.quarter(2026, 3).number == 3 and Period.year(2026).number == 0


# --- the registry ----------------------------------------------------------------------------------


def test_every_app_registers_its_indicators_once_ready():
    assert set(indicators.registry) == EXPECTED
    for code, indicator in indicators.registry.items():
        assert indicators.get(code) is indicator
        assert code.split(".")[0] in {config.label for config in apps.get_app_configs()}
        assert indicator.measure in {"%", "分", "分钟", "件"}
        assert indicator.direction in indicators.Direction.values
        assert indicator.groupings and indicator.groupings <= set(Grouping)
        assert str(indicator.name) and str(indicator.description).endswith("。")
    with pytest.raises(KeyError):
        indicators.get("visits.logins")


def test_for_grouping_lists_the_indicators_of_a_grouping():
    by_person = {i.code for i in indicators.for_grouping("person")}
    assert by_person == {
        "projects.completion_rate",
        "commitments.fulfilled_on_time",
        "problems.closed_on_time",
        "taskforces.stalls",
        "taskforces.milestones_on_time",
    }
    assert {i.code for i in indicators.for_grouping(Grouping.UNIT)} == EXPECTED


def test_a_code_is_registered_once_and_a_grouping_must_be_declared():
    known = indicators.get("visits.joint_share")
    assert indicators.register(known) is known  # the same one again (a module imported twice)
    twin = Indicator(**{**known.__dict__})
    with pytest.raises(ValueError, match="already registered"):
        indicators.register(twin)
    with pytest.raises(ValueError, match="not computed by person"):
        known.compute("person", [1], Period.month(2026, 11))
    with pytest.raises(ValueError):
        known.compute("enterprise", [1], Period.month(2026, 11))


@pytest.mark.django_db
def test_no_subject_means_no_query_and_a_subject_without_records_has_the_empty_figure():
    indicator = indicators.get("visits.no_pass_reports")
    with CaptureQueriesContext(connection) as captured:
        assert indicator.compute("unit", [], Period.month(2026, 11)) == {}
    assert len(captured) == 0
    assert indicator.compute("unit", [1, 1], Period.month(2026, 11)) == {1: Figure(0, 0, None, 0)}
    rate = indicators.get("enterprise_requests.replied_on_time")
    assert rate.compute("region", ["430405"], Period.year(2026)) == {"430405": Figure(None)}


def test_figures_of_nothing_are_not_zero_nor_full_marks():
    assert Figure.ratio(0, 0) == Figure(None) == indicators.NOTHING
    assert Figure.ratio(38, 40) == Figure(95.0, 38, 40, 40)
    assert Figure.tally(0) == Figure(0, 0, None, 0)


# --- no activity ----------------------------------------------------------------------------------


def test_the_activity_sources_are_installed_models():
    for label in ACTIVITY_SOURCES:
        assert apps.get_model(label) is not None


def test_no_indicator_declares_an_activity_source():
    for indicator in indicators.registry.values():
        assert indicator.sources, indicator.code
        for label in indicator.sources:
            apps.get_model(label)  # a real model, spelled as Django labels it
        assert not set(indicator.sources) & ACTIVITY_SOURCES, indicator.code


def _activity_table_pattern():
    tables = sorted(apps.get_model(label)._meta.db_table for label in ACTIVITY_SOURCES)
    return re.compile(r'(?<![\w])"?(' + "|".join(map(re.escape, tables)) + r')"?(?![\w])', re.IGNORECASE)


@pytest.mark.django_db
def test_no_indicator_queries_an_activity_table():
    """The SQL of every compute and records, for each grouping, names none of the activity tables, nor
    any table outside the sources the indicator declares."""
    activity = _activity_table_pattern()
    period, now = Period.month(2026, 11), datetime(2026, 12, 6, 10, tzinfo=SHANGHAI)
    subjects = {Grouping.UNIT: 1, Grouping.REGION: "430405", Grouping.PERSON: 1}
    all_tables = {m._meta.db_table: m._meta.label for m in apps.get_models()}
    for indicator in indicators.registry.values():
        declared = {apps.get_model(label)._meta.db_table for label in indicator.sources}
        for grouping in indicator.groupings:
            with CaptureQueriesContext(connection) as captured:
                indicator.compute(grouping, [subjects[grouping]], period, now=now)
                list(indicator.records(grouping, subjects[grouping], period, now=now))
            sql = "\n".join(q["sql"] for q in captured)
            assert sql, indicator.code
            found = activity.findall(sql)
            assert not found, (indicator.code, grouping, found)
            named = {t for t in all_tables if re.search(rf'(?<![\w])"?{re.escape(t)}"?(?![\w])', sql)}
            assert named <= declared, (indicator.code, grouping, sorted(named - declared))


# Queries of one compute, whatever the number of subjects: the grouped queries, plus the rules or names
# an indicator reads (visits' rules, the ledger's labels, the calendar for report deadlines).
QUERY_BUDGET = 5


@pytest.mark.django_db
def test_compute_for_a_thousand_subjects_keeps_to_a_fixed_number_of_queries(
    django_assert_max_num_queries, make_world
):
    period, now = Period.year(2026), datetime(2026, 12, 6, 10, tzinfo=SHANGHAI)
    subjects = make_world
    for indicator in indicators.registry.values():
        for grouping in indicator.groupings:
            with django_assert_max_num_queries(QUERY_BUDGET):
                figures = indicator.compute(grouping, subjects[grouping], period, now=now)
            assert len(figures) == len(subjects[grouping])


@pytest.fixture
def make_world(hengyang):
    """A thousand unit and cadre ids (most with no record: the ids are what is asked for) and every county."""
    from yancheng.core.models import Region

    return {
        Grouping.UNIT: [*hengyang_ids(hengyang), *range(10_000, 11_000)],
        Grouping.REGION: list(Region.objects.values_list("code", flat=True)),
        Grouping.PERSON: list(range(1, 1001)),
    }


def hengyang_ids(hengyang):
    return [unit.pk for unit in hengyang["units"].values()]


def _indicator_imports(path):
    """(app, line) of every ``yancheng.<app>.indicators`` a module imports, however it is spelled."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "yancheng" and parts[2] == "indicators":
                yield parts[1], node.lineno


def test_an_apps_indicators_are_read_through_the_registry_only():
    """Another app (performance, the leaders' screen) asks core.indicators, never an app's module."""
    from yancheng.core.tests.test_boundaries import ROOT

    crossings = [
        f"{path.relative_to(ROOT)}:{line} imports yancheng.{app}.indicators"
        for path in ROOT.rglob("*.py")
        for app, line in _indicator_imports(path)
        if app not in (path.relative_to(ROOT).parts[0], "core")
    ]
    assert crossings == []
