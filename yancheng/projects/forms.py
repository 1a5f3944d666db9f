"""Forms of the project pages. They only parse input; the rules live in actions.py."""

import re
import uuid
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock
from yancheng.core.forms import REPORT_DAY_VALIDATORS, DayInput, MultipleFileField
from yancheng.core.models import Person, Region, Unit
from yancheng.core.roles import Role

from . import deviations
from .choices import STAGE_TRANSITIONS, Grouping, Level, MilestoneStatus, Stage
from .figures import MEASURES, RANKING_GROUPINGS, Measure
from .models import Project, ProjectLevel
from .photos import MAX_PHOTOS

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
WAN = 10_000
YEARS = range(2015, 2101)


class WanField(forms.DecimalField):
    """An amount typed in 万元, as the ledgers keep them, returned in whole yuan."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        wan = super().clean(value)
        return None if wan is None else int(wan * WAN)


def county_regions():
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


def leaders():
    return Person.objects.filter(roles__role=Role.LEADER).order_by("full_name")


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("项目级别"), required=False, choices=[("", _("全部级别")), *Level.choices]
    )
    region = forms.ModelChoiceField(
        label=_("县市区"), queryset=county_regions(), required=False, empty_label=_("全部县市区")
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.filter(pk__in=Project.objects.values("responsible_unit_id")).order_by(
            "kind", "name"
        ),
        required=False,
        empty_label=_("全部单位"),
    )
    leader = forms.ModelChoiceField(
        label=_("联系市领导"), queryset=leaders(), required=False, empty_label=_("全部领导")
    )
    stage = forms.ChoiceField(
        label=_("建设阶段"), required=False, choices=[("", _("全部阶段")), *Stage.choices]
    )
    industrial = forms.ChoiceField(
        label=_("产业类别"),
        required=False,
        choices=[("", _("全部")), ("1", _("产业项目")), ("0", _("非产业项目"))],
    )
    light = forms.ChoiceField(
        label=_("计划执行"), required=False, choices=[("", _("全部")), *deviations.LIGHTS]
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("code", _("按项目代码")),
            ("-total_investment", _("按总投资从大到小")),
            ("name", _("按项目名称")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda r: r.name

    def apply(self, projects, watch=None):
        """``projects`` filtered and sorted as asked; ``watch`` (deviations.Watch): the request's, for the
        light."""
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        if data["q"]:
            projects = projects.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["level"]:
            # A subquery, not a join: a project listed by one of its levels still shows all of them.
            projects = projects.filter(
                pk__in=ProjectLevel.objects.filter(level=data["level"]).values("project_id")
            )
        for name in ("region", "unit", "leader"):
            if data[name]:
                field = {"unit": "responsible_unit", "region": "region", "leader": "leader"}[name]
                projects = projects.filter(**{field: data[name]})
        if data["stage"]:
            projects = projects.filter(stage=data["stage"])
        if data["industrial"]:
            projects = projects.filter(industrial=data["industrial"] == "1")
        if data["light"]:
            projects = deviations.filter_light(projects, data["light"], watch)
        return projects.order_by(data["sort"] or "code", "pk")


def month_choices():
    return [(m, _("%(m)d 月") % {"m": m}) for m in range(1, 13)]


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=[(y, y) for y in YEARS])
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, choices=month_choices)


class RankingForm(PeriodForm):
    by = forms.ChoiceField(
        label=_("排名对象"), choices=[(g.value, g.label) for g in Grouping if g in RANKING_GROUPINGS]
    )
    measure = forms.ChoiceField(label=_("排名指标"), choices=[(m, Measure.LABELS[m]) for m in MEASURES])


class CompletionForm(PeriodForm):
    by = forms.ChoiceField(label=_("分组"), choices=Grouping.choices)


class ReportForm(forms.Form):
    """A month's report as the owner types it on a phone. The milestone fields are added per project."""

    period = forms.ChoiceField(label=_("报送月份"))
    completed_investment = WanField(label=_("本月完成投资（万元）"))
    progress = forms.CharField(
        label=_("形象进度"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("如：主体结构施工至 12 层，完成总工程量的 60%")}
        ),
    )
    problems = forms.CharField(
        label=_("存在问题（没有可不填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    correction_reason = forms.CharField(
        label=_("更正理由（更正已确认的月报时必填）"), required=False, max_length=300
    )
    photos = MultipleFileField(label=_("现场照片（最多 9 张）"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, milestones=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.ChoiceField(
                label=_("节点：%(name)s（计划 %(due)s）") % {"name": milestone.name, "due": milestone.due_on},
                choices=[("", _("不填")), *MilestoneStatus.choices],
                required=False,
            )

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"].strip().lower()
        if not KEY_PATTERN.match(key):
            raise forms.ValidationError(_("页面已过期，请刷新后重新提交。"))
        return key

    def clean_photos(self):
        photos = self.files.getlist("photos") if self.files else []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("每份月报最多上传 9 张照片。"))
        return photos

    def clean_period(self):
        year, _sep, month = self.cleaned_data["period"].partition("-")
        return int(year), int(month)

    def milestone_statuses(self) -> dict:
        return {
            m.pk: self.cleaned_data[f"milestone_{m.pk}"]
            for m in self.milestones
            if self.cleaned_data.get(f"milestone_{m.pk}")
        }

    def milestone_fields(self):
        return [self[f"milestone_{m.pk}"] for m in self.milestones]


def report_periods(project, now=None) -> list[tuple[str, str]]:
    """The months a report may be filed for: the last twelve up to this one, most recent first, none
    before the project entered the ledger."""
    today = timezone.localdate(now or clock.now())
    year, month = today.year, today.month
    periods = []
    for _n in range(12):
        if (year, month) < (project.entered_on.year, project.entered_on.month):
            break
        periods.append((f"{year}-{month}", _("%(y)d 年 %(m)d 月") % {"y": year, "m": month}))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=300)


class StageForm(forms.Form):
    to = forms.ChoiceField(label=_("变更为"), choices=Stage.choices)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:  # only the stages the project may move to next
            allowed = STAGE_TRANSITIONS[Stage(project.stage)]
            self.fields["to"].choices = [(s.value, s.label) for s in Stage if s in allowed]

    on = forms.DateField(label=_("日期"), validators=REPORT_DAY_VALIDATORS, widget=DayInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class PlanForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=[(y, y) for y in YEARS])
    planned_investment = WanField(label=_("年度计划投资（万元）"))
    milestones = forms.CharField(
        label=_("计划节点（每行一个：节点名称 日期）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "主体结构封顶 2026-06-30"}),
    )

    def clean_milestones(self):
        from .parsing import parse_milestones

        try:
            return parse_milestones(self.cleaned_data["milestones"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class PlanVersionForm(forms.Form):
    """A version of a year plan as the owner files it: the year's total, twelve months that add up to it
    and the milestones, one a row (a row left empty is no milestone). All amounts in 万元."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=[(y, y) for y in YEARS])
    planned_investment = WanField(label=_("年度计划投资（万元）"))
    reason = forms.CharField(
        label=_("变更理由（变更已批准的计划时必填）"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, rows: int = 6, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        for month in range(1, 13):
            self.fields[f"month_{month}"] = WanField(label=_("%(m)d 月") % {"m": month})
        self.rows = rows
        for row in range(rows):
            self.fields[f"milestone_name_{row}"] = forms.CharField(
                label=_("节点名称"), required=False, max_length=100
            )
            self.fields[f"milestone_due_{row}"] = forms.DateField(
                label=_("计划完成日期"), required=False, widget=DayInput()
            )

    @staticmethod
    def rows_in(data, at_least: int) -> int:
        """How many milestone rows a posted form holds (the page may have added some)."""
        posted = [key for key in data if key.startswith("milestone_name_")]
        return min(max(len(posted), at_least), 50)

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"].strip().lower()
        if not KEY_PATTERN.match(key):
            raise forms.ValidationError(_("页面已过期，请刷新后重新提交。"))
        return key

    def clean(self):
        data = super().clean()
        milestones = []
        for row in range(self.rows):
            name = (data.get(f"milestone_name_{row}") or "").strip()
            due_on = data.get(f"milestone_due_{row}")
            if name and due_on:
                milestones.append((name, due_on))
            elif name or due_on:
                self.add_error(f"milestone_name_{row}", _("每个节点须同时填写名称和计划完成日期。"))
        data["milestones"] = milestones
        data["monthly"] = [data.get(f"month_{m}") for m in range(1, 13)]
        return data

    def month_fields(self):
        return [self[f"month_{m}"] for m in range(1, 13)]

    def milestone_rows(self):
        return [(self[f"milestone_name_{r}"], self[f"milestone_due_{r}"]) for r in range(self.rows)]

    @classmethod
    def initial_from(cls, baseline: dict | None, year: int) -> dict:
        """The form filled with the plan in force, so a change starts from it."""
        initial = {"year": year}
        if baseline is None:
            return initial
        initial["planned_investment"] = Decimal(baseline["planned_investment"]) / WAN
        for month, amount in enumerate(baseline["monthly"], start=1):
            initial[f"month_{month}"] = Decimal(amount) / WAN
        for row, (name, due_on) in enumerate(baseline["milestones"]):
            initial[f"milestone_name_{row}"], initial[f"milestone_due_{row}"] = name, due_on
        return initial
