import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput, MultipleFileField
from yancheng.core.models import Person
from yancheng.core.roles import Role
from yancheng.problems.forms import ProblemFields
from yancheng.projects.models import Project

from .choices import DEFAULT_CRITERIA

CRITERIA_ROWS = 6  # lines of the criteria table on the form; empty ones are ignored


class RoundForm(forms.Form):
    name = forms.CharField(label=_("观摩活动名称"), max_length=100)
    held_on = forms.DateField(label=_("观摩日期"), widget=DayInput())
    projects = forms.ModelMultipleChoiceField(
        label=_("观摩项目（按住 Ctrl 多选）"),
        queryset=Project.objects.select_related("region").order_by("region_id", "name"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    observers = forms.ModelMultipleChoiceField(
        label=_("观摩人员（市领导、单位负责人）"),
        queryset=Person.objects.filter(
            roles__role__in=[Role.LEADER, Role.UNIT_OFFICIAL], user__is_active=True
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__kind", "unit__name", "full_name"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].label_from_instance = lambda p: f"{p.region.name} · {p.name}"
        self.fields["observers"].label_from_instance = lambda p: (
            f"{p.full_name}（{p.unit.short_name or p.unit.name}）" if p.unit else p.full_name
        )
        for n in range(CRITERIA_ROWS):
            name, weight = DEFAULT_CRITERIA[n] if n < len(DEFAULT_CRITERIA) else ("", None)
            self.fields[f"criterion_{n}"] = forms.CharField(
                label=_("评分项目 %(n)d") % {"n": n + 1}, max_length=50, required=False, initial=name
            )
            self.fields[f"weight_{n}"] = forms.IntegerField(
                label=_("权重（%%）"), min_value=1, max_value=100, required=False, initial=weight
            )

    def criteria(self) -> list[tuple[str, int]]:
        rows = []
        for n in range(CRITERIA_ROWS):
            name, weight = self.cleaned_data.get(f"criterion_{n}"), self.cleaned_data.get(f"weight_{n}")
            if name or weight:
                rows.append((name or "", weight or 0))
        return rows


class ScoreForm(forms.Form):
    """The form an observer fills at a site: a 0–100 score per criterion, a note, photos."""

    note = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("现场照片（最多 9 张）"), required=False)

    def __init__(self, *args, criteria=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}（{criterion.weight}%）",
                min_value=0,
                max_value=100,
                initial=(initial_values or {}).get(criterion.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0–100"}),
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["note", "photos"])
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "capture": "environment"})

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}

    def clean_photos(self):
        return self.files.getlist("photos") if self.files else []


class SeenProblemForm(ProblemFields):
    """A problem the observer saw at the site (optional): filled in, it goes on the project's list with
    the score. Its own submission key, so sending the score twice lists the problem once."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    prefix = "problem"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["description"].label = _("现场发现的问题（填写后列入项目问题清单）")
        self.fields["submission_key"].initial = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        if (data.get("description") or "").strip():
            for name in ("measures", "unit", "due_on"):
                if not data.get(name):
                    self.add_error(name, _("填写了现场问题，请同时填写此项。"))
        return data

    def problem(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("description") or "").strip():
            return None
        names = ("description", "measures", "unit", "person", "due_on", "submission_key")
        return {name: data[name] for name in names}
