import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput, MultipleFileField, government_units
from yancheng.core.models import Person, Unit
from yancheng.core.roles import Role
from yancheng.projects.models import Project

from .choices import Kind, State


def leaders():
    return Person.objects.filter(roles__role=Role.LEADER).order_by("full_name")


class CommitmentForm(forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.order_by("name"))
    kind = forms.ChoiceField(label=_("承诺事项"), choices=Kind.choices)
    content = forms.CharField(label=_("承诺内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ModelChoiceField(label=_("承诺单位"), queryset=government_units())
    leader = forms.ModelChoiceField(label=_("承诺领导"), queryset=leaders(), required=False)
    promised_to = forms.CharField(
        label=_("承诺对象"), max_length=200, required=False, help_text=_("不填为项目业主。")
    )
    due_on = forms.DateField(label=_("兑现期限（日期）"), required=False, widget=DayInput())
    working_days = forms.IntegerField(
        label=_("或：自今天起的工作日数"), required=False, min_value=1, max_value=750
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.fields["leader"].label_from_instance = lambda p: p.full_name
        if unit is not None:  # a unit's official records their own unit's commitments only
            self.fields["unit"].queryset = Unit.objects.filter(pk=unit)
            self.fields["unit"].initial = unit


class FulfilForm(forms.Form):
    files = MultipleFileField(label=_("兑现材料（批复、合同、照片等，最多 10 个）"))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_files(self):
        return self.files.getlist("files") if self.files else []


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("异议理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class FilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("承诺单位"), queryset=government_units(), required=False, empty_label=_("全部单位")
    )
    leader = forms.ModelChoiceField(
        label=_("承诺领导"), queryset=leaders(), required=False, empty_label=_("全部领导")
    )
    kind = forms.ChoiceField(
        label=_("承诺事项"), choices=[("", _("全部事项")), *Kind.choices], required=False
    )
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *State.choices], required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].label_from_instance = lambda p: p.full_name

    def apply(self, commitments, today):
        if not self.is_valid():
            return commitments
        data = self.cleaned_data
        for name in ("unit", "leader", "kind", "state"):
            if data[name]:
                commitments = commitments.filter(**{name: data[name]})
        if data["overdue"]:
            from .figures import overdue

            commitments = overdue(commitments, today)
        return commitments
