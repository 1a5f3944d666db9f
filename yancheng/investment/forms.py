"""Forms of the investment pages. They only parse input; the rules live in actions.py."""

import uuid

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput, MultipleFileField, government_units
from yancheng.core.models import Person, Unit
from yancheng.core.reference.industries import DIVISION_CHOICES, SECTIONS, divisions_of
from yancheng.projects.choices import Level
from yancheng.projects.forms import WanField, county_regions

from . import funnel
from .choices import FUNNEL, Source, Stage, WarningKind
from .models import Lead

DATE = DayInput()
SCHEDULE_LINES = 4  # the funds schedule's lines on the signing form


class LeadForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    investor_name = forms.CharField(label=_("投资方"), max_length=100)
    investor_uscc = forms.CharField(
        label=_("投资方统一社会信用代码"), max_length=18, required=False, help_text=_("境内企业必填。")
    )
    investor_country = forms.CharField(label=_("投资方国家或地区"), max_length=40, initial="中国")
    industry = forms.ChoiceField(label=_("行业（国民经济行业分类）"), choices=DIVISION_CHOICES)
    source = forms.ChoiceField(label=_("招商方式"), choices=Source.choices)
    region = forms.ModelChoiceField(label=_("县市区"), queryset=county_regions())
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=Unit.objects.filter(kind=Unit.Kind.PARK).order_by("name"), required=False
    )
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=government_units())
    person = forms.ModelChoiceField(label=_("责任人"), queryset=Person.objects.none())
    contracted_amount = WanField(label=_("意向（合同）投资额（万元）"))
    expands = forms.ModelChoiceField(
        label=_("扩建或增资的原项目"),
        queryset=Lead.objects.none(),
        required=False,
        help_text=_("扩建、增资项目只计入增加的投资额。"),
    )
    content = forms.CharField(
        label=_("项目内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, unit=None, **kwargs):
        """`unit`: the one unit the user files for (None: the office, any unit)."""
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        people = Person.objects.filter(unit__isnull=False, user__is_active=True).select_related("unit")
        if unit is not None:
            self.fields["unit"].queryset = Unit.objects.filter(pk=unit)
            self.fields["unit"].initial = unit
            people = people.filter(unit_id=unit)
        self.fields["person"].queryset = people.order_by("unit__name", "full_name")
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name}（{p.unit.name}）"
        self.fields["expands"].queryset = Lead.objects.for_user(user).filter(stage__in=FUNNEL[2:])


class SigningForm(forms.Form):
    """签约: the contract's facts and the file, and up to four lines of its funds schedule."""

    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)
    contracted_amount = WanField(label=_("合同投资额（万元）"))
    start_due_on = forms.DateField(label=_("合同约定开工日期"), widget=DATE)
    files = MultipleFileField(label=_("签约合同"))
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SCHEDULE_LINES + 1):
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("约定到位日期 %(n)d") % {"n": n}, widget=DATE, required=False
            )
            self.fields[f"amount_{n}"] = WanField(
                label=_("累计应到位（万元）%(n)d") % {"n": n}, required=False
            )

    def clean_files(self):
        return self.files.getlist("files") if self.files else []

    def clean(self):
        data = super().clean()
        schedule = []
        for n in range(1, SCHEDULE_LINES + 1):
            day, amount = data.get(f"due_{n}"), data.get(f"amount_{n}")
            if (day is None) != (amount is None):
                raise forms.ValidationError(_("资金到位计划的每一行请同时填写日期和金额。"))
            if day is not None:
                schedule.append((day, amount))
        data["schedule"] = tuple(schedule)
        return data


class StepForm(forms.Form):
    """在谈 / 履约 / 投产: a note and the step's evidence."""

    stage = forms.ChoiceField(
        label=_("推进到"), choices=[(s, s.label) for s in (Stage.NEGOTIATING, Stage.STARTED, Stage.PRODUCING)]
    )
    files = MultipleFileField(label=_("材料"), required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)

    def clean_files(self):
        return self.files.getlist("files") if self.files else []


class TransferForm(forms.Form):
    amount = WanField(label=_("到位金额（万元）"))
    received_on = forms.DateField(label=_("到账日期"), widget=DATE)
    files = MultipleFileField(label=_("银行到账凭证"))
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)

    def clean_files(self):
        return self.files.getlist("files") if self.files else []


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("跟进情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DropForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("项目或投资方"), required=False, max_length=50)
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=[("", _("全部阶段")), *Stage.choices])
    warning = forms.ChoiceField(
        label=_("预警"), required=False, choices=[("", _("全部")), ("any", _("有预警")), *WarningKind.choices]
    )
    region = forms.ModelChoiceField(
        label=_("县市区"), queryset=county_regions(), required=False, empty_label=_("全部县市区")
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=government_units(), required=False, empty_label=_("全部单位")
    )
    section = forms.ChoiceField(
        label=_("行业门类"), required=False, choices=[("", _("全部行业")), *SECTIONS.items()]
    )
    source = forms.ChoiceField(
        label=_("招商方式"), required=False, choices=[("", _("全部")), *Source.choices]
    )
    park = forms.ModelChoiceField(
        label=_("园区"),
        queryset=Unit.objects.filter(kind=Unit.Kind.PARK).order_by("name"),
        required=False,
        empty_label=_("全部园区"),
    )
    # The funnel's drill-down: the leads that reached a stage in a year.
    reached = forms.ChoiceField(
        label=_("当年达到阶段"), required=False, choices=[("", _("不限")), *[(s, s.label) for s in FUNNEL]]
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def apply(self, leads):
        if not self.is_valid():
            return leads
        data = self.cleaned_data
        if data["q"]:
            leads = leads.filter(Q(name__icontains=data["q"]) | Q(investor_name__icontains=data["q"]))
        for name in ("stage", "region", "unit", "source", "park"):
            if data[name]:
                leads = leads.filter(**{name: data[name]})
        if data["section"]:
            leads = leads.filter(industry__in=divisions_of(data["section"]))
        if data["reached"] and data["year"]:
            leads = funnel.drill(leads, data["reached"], data["year"])
        return leads


class ToProjectForm(forms.Form):
    """Into the major-project ledger: only what the lead does not hold already."""

    code = forms.CharField(
        label=_("项目代码"), max_length=24, help_text=_("投资项目在线审批监管平台赋予的 24 位代码。")
    )
    levels = forms.MultipleChoiceField(
        label=_("项目级别"), choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    completes_on = forms.DateField(label=_("计划竣工"), widget=DATE)
    owner_uscc = forms.CharField(
        label=_("项目业主统一社会信用代码"), max_length=18, required=False, help_text=_("不填为投资方。")
    )
    owner_name = forms.CharField(label=_("项目业主名称"), max_length=100, required=False)
