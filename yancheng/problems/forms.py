import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput, MultipleFileField, government_units
from yancheng.core.models import Person
from yancheng.projects.forms import county_regions
from yancheng.projects.models import Project

from .choices import Source, State


def responsible_people():
    return (
        Person.objects.filter(unit__in=government_units(), user__is_active=True)
        .select_related("unit")
        .order_by("unit__kind", "unit__name", "full_name")
    )


def person_label(person) -> str:
    return f"{person.full_name}（{person.unit.short_name or person.unit.name}）"


class ProblemFields(forms.Form):
    """The three lists' line: the problem, its measures, who answers for it and by when. Also part of
    an observer's scoring form (observations), where the whole line may be left empty."""

    description = forms.CharField(label=_("问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=government_units())
    person = forms.ModelChoiceField(label=_("责任人"), queryset=responsible_people(), required=False)
    due_on = forms.DateField(label=_("完成时限"), widget=DayInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = person_label


class ProblemForm(ProblemFields):
    project = forms.ModelChoiceField(label=_("项目"), queryset=Project.objects.none())
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    field_order = ["project"]

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            projects.order_by("name") if projects is not None else Project.objects.none()
        )
        self.fields["submission_key"].initial = uuid.uuid4().hex


class ResolveForm(forms.Form):
    files = MultipleFileField(label=_("整改材料（照片、批复、记录等，最多 10 个）"))
    note = forms.CharField(
        label=_("整改情况"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_files(self):
        return self.files.getlist("files") if self.files else []


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("重新挂账理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("新的完成时限"), widget=DayInput())


class FilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("县市区"), queryset=county_regions(), required=False, empty_label=_("全部县市区")
    )
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=government_units(), required=False, empty_label=_("全部单位")
    )
    source = forms.ChoiceField(
        label=_("问题来源"), choices=[("", _("全部来源")), *Source.choices], required=False
    )
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *State.choices], required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda r: r.name

    def apply(self, problems, today):
        if not self.is_valid():
            return problems
        data = self.cleaned_data
        if data["region"]:
            problems = problems.filter(project__region=data["region"])
        for name in ("unit", "source", "state"):
            if data[name]:
                problems = problems.filter(**{name: data[name]})
        if data["overdue"]:
            from .figures import overdue

            problems = overdue(problems, today)
        return problems

    def title(self) -> str:
        """What the list is of, for the Excel file's name: a county's, a unit's, or all."""
        data = self.cleaned_data if self.is_valid() else {}
        chosen = data.get("region") or data.get("unit")
        return f"问题清单-{chosen.name}" if chosen else "问题清单"
