import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput, MultipleFileField, government_units
from yancheng.core.models import Person, Unit
from yancheng.core.roles import Role

from .choices import Cadence, Light, Source, State

COOPERATING_ROWS = 5  # cooperating units on the form; more go in the content


def leaders():
    return Person.objects.filter(roles__role=Role.LEADER).order_by("full_name").distinct()


class FilesMixin:
    def clean_files(self):
        return self.files.getlist("files") if self.files else []


class ItemFields(forms.Form):
    """What every item says, one by one or dispatched to many."""

    title = forms.CharField(label=_("督办事项"), max_length=200)
    content = forms.CharField(label=_("督办内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("督办来源"), choices=Source.choices, initial=Source.INSTRUCTION)
    source_text = forms.CharField(
        label=_("来源说明"), max_length=200, required=False, help_text=_("如：市政府第 12 次常务会议纪要")
    )
    due_on = forms.DateField(label=_("办理时限"), widget=DayInput())
    cadence = forms.ChoiceField(label=_("反馈频次"), choices=Cadence.choices, initial=Cadence.NONE)
    leader = forms.ModelChoiceField(label=_("责任领导"), queryset=leaders(), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.fields["leader"].label_from_instance = lambda person: person.full_name


class ItemForm(FilesMixin, ItemFields):
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=government_units())
    lead_task = forms.CharField(
        label=_("牵头单位任务"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("附件（最多 10 个）"), required=False)
    record = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    figure = forms.CharField(label=_("预警指标"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, COOPERATING_ROWS + 1):
            self.fields[f"unit_{n}"] = forms.ModelChoiceField(
                label=_("配合单位 %(n)d") % {"n": n}, queryset=government_units(), required=False
            )
            self.fields[f"task_{n}"] = forms.CharField(label=_("分工"), max_length=2000, required=False)

    def cooperating(self) -> list[tuple]:
        data = self.cleaned_data
        rows = [(data[f"unit_{n}"], data[f"task_{n}"]) for n in range(1, COOPERATING_ROWS + 1)]
        return [(unit, task) for unit, task in rows if unit is not None]

    def cooperating_rows(self):
        return [(self[f"unit_{n}"], self[f"task_{n}"]) for n in range(1, COOPERATING_ROWS + 1)]


# Who one click reaches: a kind of unit, or the units chosen one by one.
GROUPS = {
    "counties": (_("全部县市区政府"), Unit.Kind.COUNTY_GOVERNMENT),
    "departments": (_("全部市直部门"), Unit.Kind.DEPARTMENT),
    "parks": (_("全部园区管委会"), Unit.Kind.PARK),
}


class DispatchForm(ItemFields):
    group = forms.ChoiceField(
        label=_("调度范围"),
        choices=[*((key, label) for key, (label, _kind) in GROUPS.items()), ("chosen", _("选定单位"))],
        widget=forms.RadioSelect,
        initial="counties",
    )
    units = forms.ModelMultipleChoiceField(
        label=_("选定单位"), queryset=government_units(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        data = super().clean()
        if data.get("group") == "chosen" and not data.get("units"):
            self.add_error("units", _("请选择至少一个单位。"))
        return data

    def recipients(self) -> tuple[str, list]:
        """(what the dispatch reached, in words; the units)."""
        group = self.cleaned_data["group"]
        if group == "chosen":
            units = list(self.cleaned_data["units"])
            return str(_("选定的 %(n)d 个单位") % {"n": len(units)}), units
        label, kind = GROUPS[group]
        return str(label), list(Unit.objects.filter(kind=kind).order_by("code"))


class ReportForm(FilesMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("材料（可选，最多 10 个）"), required=False)


class CloseRequestForm(FilesMixin, forms.Form):
    summary = forms.CharField(label=_("办结情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("办结材料（文件、照片、记录等，最多 10 个）"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    light = forms.ChoiceField(label=_("红黄绿灯"), choices=[("", _("全部")), *Light.choices], required=False)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *State.choices], required=False)
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=government_units(), required=False, empty_label=_("全部单位")
    )
    source = forms.ChoiceField(
        label=_("督办来源"), choices=[("", _("全部来源")), *Source.choices], required=False
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)

    def apply(self, items, watch):
        from . import lights
        from .models import Assignment

        if not self.is_valid():
            return items
        data = self.cleaned_data
        if data["light"]:
            items = lights.filter_light(items, data["light"], watch)
        if data["state"]:
            items = items.filter(state=data["state"])
        if data["source"]:
            items = items.filter(source=data["source"])
        if data["unit"]:
            items = items.filter(pk__in=Assignment.objects.filter(unit=data["unit"]).values("item_id"))
        if data["q"]:
            items = items.filter(title__icontains=data["q"])
        return items
