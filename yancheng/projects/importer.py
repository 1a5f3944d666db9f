"""The ledger's Excel import (台账导入), keyed by the project code. The machinery — template, preview
with every row's errors, the background import with its progress, all or nothing — is core's
(core.output.importing); this module says what a ledger row is and how it is written.

One row is one project with its plan for one year. Importing the same file again changes nothing; a
changed row updates the project (an event and an audit entry say what changed); a stage may only move
forward (STAGE_TRANSITIONS, any number of steps: a ledger is a picture of today)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import audit, clock
from yancheng.core.models import Enterprise, Person, Region, Unit
from yancheng.core.output.importing import (
    YES_NO,
    Column,
    ImportCounts,
    Importer,
    RowError,
    RowErrors,
    header_key,
    register,
    shown,
    text,
    yes_no,
)
from yancheng.core.reference.industries import parse_division
from yancheng.core.roles import Role
from yancheng.core.validators import make_project_code, normalise_code, validate_project_code

from .actions import STAGE_DATES
from .choices import STAGE_TRANSITIONS, EventKind, Stage
from .models import (
    AnnualPlan,
    Milestone,
    Project,
    ProjectEvent,
    ProjectLevel,
    keeps_ledger,
    refresh_completed,
)
from .parsing import parse_date, parse_levels, parse_milestones, parse_wan

BATCH = 500
# The project fields a row sets; everything else (actual dates of earlier stages, reports) stays.
FIELDS = [
    "name",
    "industrial",
    "industry",
    "region_id",
    "park_id",
    "owner_enterprise_id",
    "owner_unit_id",
    "responsible_unit_id",
    "leader_id",
    "address",
    "latitude",
    "longitude",
    "content",
    "starts_on",
    "completes_on",
    "total_investment",
    "stage",
]
STAGE_NAMES = {str(stage.label): stage.value for stage in Stage}


def _parser(function):
    """A parse function from parsing.py (which raises ValueError) as the import expects (RowError)."""

    def parse(value):
        try:
            return function(value)
        except ValueError as error:
            raise RowError(str(error)) from None

    return parse


def project_code(value) -> str:
    code = normalise_code(str(value))
    try:
        validate_project_code(code)
    except ValidationError as error:
        raise RowError(error.messages[0]) from None
    return code


def industry(value) -> str:
    division = parse_division(str(value))
    if division is None:
        raise RowError(
            _("“%(v)s”不是国民经济行业分类（GB/T 4754-2017）的大类，请填写两位代码，如 39。")
            % {"v": shown(value)}
        )
    return division


def coordinate(low, high):
    def parse(value):
        try:
            number = round(float(str(value).strip()), 6)
        except ValueError:
            raise RowError(_("“%(v)s”不是数字。") % {"v": shown(value)}) from None
        if not low <= number <= high:
            raise RowError(
                _("%(v)s 不在 %(low)s 到 %(high)s 之间（中国境内）。")
                % {"v": number, "low": low, "high": high}
            )
        return f"{number:.6f}"

    return parse


def stage(value) -> str:
    return STAGE_NAMES[str(value).strip()]


def _this_year() -> int:
    return timezone.localdate(clock.now()).year


def plan_year(value) -> int:
    try:
        year = int(float(str(value).strip()))
    except ValueError:
        raise RowError(_("“%(v)s”不是年份。") % {"v": shown(value)}) from None
    if not 2015 <= year <= _this_year() + 1:
        raise RowError(_("计划年度应在 2015 年到明年之间。"))
    return year


@dataclass
class Lookups:
    """Everything a row is checked against, read once per file."""

    counties: dict
    parks: dict
    units: dict
    leaders: dict
    shared_leader_names: set
    enterprises: dict
    stored_stages: dict = field(default_factory=dict)

    def find(self, table: dict, typed, header: str, what: str):
        found = table.get(header_key(typed))
        if found is None:
            raise RowError(
                _("「%(h)s」“%(v)s”不是平台登记的%(what)s，请核对名称。")
                % {"h": header, "v": shown(typed), "what": what},
                header,
            )
        return found


def _by_names(rows, *names) -> dict:
    table = {}
    for row in rows:
        for name in names:
            value = getattr(row, name)
            if value:
                table.setdefault(header_key(value), row.pk)
    return table


class ProjectImporter(Importer):
    kind = "projects"
    title = gettext_lazy("重大项目台账")
    key = "code"
    max_rows = 20000
    columns = (
        Column("code", "项目代码", parse=project_code, note="全国投资项目在线审批监管平台赋予的 24 位代码。", example=make_project_code(2024, "430405", 12345)),
        Column("name", "项目名称", parse=text(100), example="衡阳高新区5G智能终端产业园"),
        Column("levels", "项目级别", parse=_parser(parse_levels), note="省“三高四新”重大产业项目、省重点项目、市重点工程、县级重点项目；多个用“、”分隔。", example="省重点项目、市重点工程"),
        Column("industrial", "产业项目", choices=YES_NO, parse=yes_no, example="是"),
        Column("industry", "行业", parse=industry, note="国民经济行业分类（GB/T 4754-2017）大类：两位代码或名称。", example="39 计算机、通信和其他电子设备制造业"),
        Column("region", "县市区", parse=text(50), note="衡阳市 12 个县市区之一。", example="珠晖区"),
        Column("park", "所在园区", required=False, parse=text(100), note="园区管委会名称；不在园区不填。"),
        Column("owner_uscc", "业主统一社会信用代码", required=False, parse=text(18), note="企业投资项目填写；政府投资项目不填，改填业主单位。"),
        Column("owner_unit", "业主单位（政府投资项目）", required=False, parse=text(100)),
        Column("unit", "责任单位", parse=text(100), example="珠晖区人民政府"),
        Column("leader", "联系市领导", required=False, parse=text(50)),
        Column("address", "建设地点", required=False, parse=text(200)),
        Column("longitude", "经度", required=False, parse=coordinate(73, 136), example="112.6"),
        Column("latitude", "纬度", required=False, parse=coordinate(3, 54), example="26.9"),
        Column("starts_on", "计划开工", parse=_parser(parse_date), example="2026-03-01"),
        Column("completes_on", "计划竣工", parse=_parser(parse_date), example="2027-12-31"),
        Column("total_investment", "总投资（万元）", parse=_parser(parse_wan), example="150000"),
        Column("plan_year", "计划年度", required=False, parse=plan_year, note="不填为今年。"),
        Column("planned_investment", "年度计划投资（万元）", parse=_parser(parse_wan), example="30000"),
        Column("milestones", "年度计划节点", required=False, parse=_parser(parse_milestones), note="每个节点写成“名称 日期”，多个用“；”分隔。", example="主体结构封顶 2026-06-30；设备安装 2026-10-31"),
        Column("stage", "建设阶段", required=False, choices=tuple(STAGE_NAMES), parse=stage, note="不填为“前期”。"),
        Column("stage_on", "阶段日期", required=False, parse=_parser(parse_date), note="开工、竣工或投产的日期（阶段为新开工、竣工、投产时填写）。"),
        Column("content", "建设内容", required=False, parse=text(2000)),
    )  # fmt: skip

    def allowed(self, user) -> bool:
        return keeps_ledger(user)

    def done_url(self) -> str:
        return reverse("projects:ledger")

    def context(self, user) -> Lookups:
        leaders = list(Person.objects.filter(roles__role=Role.LEADER))
        names = Counter(header_key(p.full_name) for p in leaders)
        counties = Region.objects.filter(level=Region.Level.COUNTY, parent__code="430400")
        return Lookups(
            counties={**_by_names(counties, "name"), **{r.code: r.code for r in counties}},
            parks=_by_names(Unit.objects.filter(kind=Unit.Kind.PARK), "name", "short_name"),
            units=_by_names(
                Unit.objects.exclude(kind__in=[Unit.Kind.BANK, Unit.Kind.REGISTRY]), "name", "short_name"
            ),
            leaders={header_key(p.full_name): p.pk for p in leaders if names[header_key(p.full_name)] == 1},
            shared_leader_names={n for n, c in names.items() if c > 1},
            enterprises=dict(Enterprise.objects.values_list("uscc", "pk")),
            stored_stages=dict(Project.objects.values_list("code", "stage")),
        )

    def check_row(self, values: dict, context: Lookups) -> dict:
        errors = []

        def attempt(function, *args):
            try:
                return function(*args)
            except RowError as error:
                errors.append(error)

        row = {name: values.get(name) for name in ("code", "name", "industrial", "industry", "starts_on", "completes_on", "total_investment", "planned_investment")}  # fmt: skip
        row["levels"] = values["levels"]
        row["region_id"] = attempt(context.find, context.counties, values["region"], "县市区", _("县市区"))
        row["park_id"] = values["park"] and attempt(
            context.find, context.parks, values["park"], "所在园区", _("园区")
        )
        row["responsible_unit_id"] = attempt(
            context.find, context.units, values["unit"], "责任单位", _("单位")
        )
        row["leader_id"] = values["leader"] and attempt(self._leader, values["leader"], context)
        row["owner_enterprise_id"], row["owner_unit_id"] = None, None
        if bool(values["owner_uscc"]) == bool(values["owner_unit"]):
            errors.append(
                RowError(
                    _("请填写业主统一社会信用代码（企业投资）或业主单位（政府投资），二者填一项。"),
                    "业主统一社会信用代码",
                )
            )
        elif values["owner_uscc"]:
            uscc = normalise_code(values["owner_uscc"])
            row["owner_enterprise_id"] = context.enterprises.get(uscc)
            if row["owner_enterprise_id"] is None:
                errors.append(
                    RowError(
                        _("企业名录中没有统一社会信用代码为“%(v)s”的企业，请先导入企业名录或核对代码。")
                        % {"v": shown(uscc)},
                        "业主统一社会信用代码",
                    )
                )
        else:
            row["owner_unit_id"] = attempt(
                context.find, context.units, values["owner_unit"], "业主单位（政府投资项目）", _("单位")
            )
        if values["starts_on"] and values["completes_on"] and values["completes_on"] < values["starts_on"]:
            errors.append(RowError(_("计划竣工不能早于计划开工。"), "计划竣工"))
        stored = context.stored_stages.get(values["code"])
        row["stage"] = values["stage"] or stored or Stage.PREPARATION
        if stored is not None and row["stage"] != stored and row["stage"] not in _reachable(stored):
            errors.append(
                RowError(
                    _("建设阶段不能由“%(from)s”改回“%(to)s”。")
                    % {"from": Stage(stored).label, "to": Stage(row["stage"]).label},
                    "建设阶段",
                )
            )
        if values["stage_on"] and row["stage"] not in STAGE_DATES:
            errors.append(RowError(_("阶段为新开工、竣工或投产时才填写阶段日期。"), "阶段日期"))
        row["stage_on"] = values["stage_on"]
        row["plan_year"] = values["plan_year"] or _this_year()
        row["milestones"] = values["milestones"] or []
        if any(due.year != row["plan_year"] for _name, due in row["milestones"]):
            errors.append(
                RowError(
                    _("年度计划节点的日期应在计划年度（%(year)d 年）内。") % {"year": row["plan_year"]},
                    "年度计划节点",
                )
            )
        row["latitude"], row["longitude"] = values["latitude"], values["longitude"]
        if bool(row["latitude"]) != bool(row["longitude"]):
            errors.append(RowError(_("经度和纬度须同时填写。"), "经度"))
        row["address"], row["content"] = values["address"] or "", values["content"] or ""
        if errors:
            raise RowErrors(errors)
        return row

    @staticmethod
    def _leader(typed, context: Lookups):
        key = header_key(typed)
        if key in context.shared_leader_names:
            raise RowError(
                _("「联系市领导」“%(v)s”有重名，请联系管理员。") % {"v": shown(typed)}, "联系市领导"
            )
        return context.find(context.leaders, typed, "联系市领导", _("市领导"))

    def write(self, rows: list, by, progress) -> ImportCounts:
        counts = ImportCounts()
        for start in range(0, len(rows), BATCH):
            _write_batch(rows[start : start + BATCH], by, counts)
            progress(start + len(rows[start : start + BATCH]))
        return counts


def _reachable(stage: str) -> set:
    seen, frontier = set(), {stage}
    while frontier:
        frontier = {n for s in frontier for n in STAGE_TRANSITIONS[Stage(s)]} - seen
        seen |= frontier
    return seen


def _project_values(row: dict) -> dict:
    values = {name: row.get(name) for name in FIELDS}
    values["latitude"] = None if row["latitude"] is None else Decimal(row["latitude"])
    values["longitude"] = None if row["longitude"] is None else Decimal(row["longitude"])
    if row["stage_on"]:
        values[STAGE_DATES[row["stage"]]] = row["stage_on"]
    return values


def _write_batch(batch, by, counts: ImportCounts):
    """One batch of rows: the new projects created in a few statements, the others compared with what
    is stored and written only where they differ."""
    stored = Project.objects.in_bulk([row["code"] for row in batch], field_name="code")
    now = clock.now()
    events, entries = [], []
    new_rows = [row for row in batch if row["code"] not in stored]
    if new_rows:
        created = _create(new_rows, timezone.localdate(now))
        for project in created:
            events.append(
                ProjectEvent(project=project, at=now, by=by, kind=EventKind.CREATED, note=_("台账导入"))
            )
            entries.append(
                audit.unsaved("project_created", project, actor=by, changes={"code": [None, project.code]})
            )
        counts.created += len(created)
    old_rows = [row for row in batch if row["code"] in stored]
    plans = {
        (p.project_id, p.year): p
        for p in AnnualPlan.objects.filter(
            project__in=[stored[r["code"]] for r in old_rows]
        ).prefetch_related("milestones")
    }
    levels: dict[int, set] = {}
    for level in ProjectLevel.objects.filter(project__in=[stored[r["code"]] for r in old_rows]):
        levels.setdefault(level.project_id, set()).add(level.level)
    changed = []
    for row in old_rows:
        project = stored[row["code"]]
        difference = _update(
            project, row, levels.get(project.pk, set()), plans.get((project.pk, row["plan_year"]))
        )
        if not difference:
            counts.unchanged += 1  # as stored already: not written, not audited
            continue
        changed.append(project)
        kind = EventKind.STAGE_CHANGED if set(difference) == {"stage"} else EventKind.CHANGED
        events.append(
            ProjectEvent(project=project, at=now, by=by, kind=kind, note=_("台账导入"), changes=difference)
        )
        entries.append(audit.unsaved(f"project_{kind}", project, actor=by, changes=difference))
    Project.objects.bulk_update(changed, [*FIELDS, *STAGE_DATES.values(), "updated_at"])
    ProjectEvent.objects.bulk_create(events)
    audit.record_all(entries)
    counts.updated += len(changed)


def _create(rows, today) -> list[Project]:
    projects = Project.objects.bulk_create(
        Project(code=row["code"], entered_on=today, **_project_values(row)) for row in rows
    )
    ProjectLevel.objects.bulk_create(
        ProjectLevel(project=project, level=level)
        for project, row in zip(projects, rows, strict=True)
        for level in row["levels"]
    )
    plans = AnnualPlan.objects.bulk_create(
        AnnualPlan(project=project, year=row["plan_year"], planned_investment=row["planned_investment"])
        for project, row in zip(projects, rows, strict=True)
    )
    refresh_completed(AnnualPlan.objects.filter(pk__in=[plan.pk for plan in plans]))
    Milestone.objects.bulk_create(
        Milestone(plan=plan, name=name, due_on=due)
        for plan, row in zip(plans, rows, strict=True)
        for name, due in row["milestones"]
    )
    return projects


def _update(project, row, stored_levels: set, plan) -> dict:
    """Set the row's values on a stored project (saved by the caller, in bulk); what changed."""
    values = _project_values(row)
    before = audit.snapshot(project, list(values))
    for name, value in values.items():
        setattr(project, name, value)
    difference = audit.changes_between(before, audit.snapshot(project, list(values)))
    if set(row["levels"]) != stored_levels:
        ProjectLevel.objects.filter(project=project).exclude(level__in=row["levels"]).delete()
        ProjectLevel.objects.bulk_create(
            ProjectLevel(project=project, level=level)
            for level in row["levels"]
            if level not in stored_levels
        )
        difference["levels"] = [sorted(stored_levels), sorted(row["levels"])]
    difference.update(_update_plan(project, row, plan))
    if difference:
        project.updated_at = clock.now()
    return difference


def _update_plan(project, row, plan) -> dict:
    """The row's year plan on a stored project; what changed in it ({} when nothing did). Milestones
    that stay (same name and day) are kept, with the reports' progress on them; those the row drops are
    retired, not deleted (filed reports point at them; ADR 0008)."""
    milestones = sorted(row["milestones"], key=lambda m: (m[1], m[0]))
    if plan is None:
        plan = AnnualPlan.objects.create(
            project=project, year=row["plan_year"], planned_investment=row["planned_investment"]
        )
        refresh_completed(AnnualPlan.objects.filter(pk=plan.pk))  # the year's reports may be in already
        Milestone.objects.bulk_create(Milestone(plan=plan, name=n, due_on=d) for n, d in milestones)
        return {"plan": [None, f"{row['plan_year']}: {row['planned_investment']}"]}
    difference = {}
    if plan.planned_investment != row["planned_investment"]:
        difference["planned_investment"] = [plan.planned_investment, row["planned_investment"]]
        plan.planned_investment = row["planned_investment"]
        # A monthly plan filed for the old total no longer adds up: the watch falls back to an even share
        # until the owner files one for the new total.
        plan.monthly_plan = None
        plan.save(update_fields=["planned_investment", "monthly_plan"])
    standing = [m for m in plan.milestones.all() if m.retired_at is None]
    stored = sorted(((m.name, m.due_on) for m in standing), key=lambda m: (m[1], m[0]))
    if stored != milestones:
        keep = set(stored) & set(milestones)
        Milestone.objects.filter(pk__in=[m.pk for m in standing if (m.name, m.due_on) not in keep]).update(
            retired_at=clock.now()
        )
        Milestone.objects.bulk_create(
            Milestone(plan=plan, name=n, due_on=d) for n, d in milestones if (n, d) not in keep
        )
        difference["milestones"] = [[f"{n} {d}" for n, d in stored], [f"{n} {d}" for n, d in milestones]]
    return difference


register(ProjectImporter())
