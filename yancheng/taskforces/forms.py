"""Forms of the task-force pages. They only parse input; the rules live in actions.py."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import DayInput
from yancheng.core.models import Unit

from .choices import Grade, Kind
from .models import Cadre

DATE = DayInput()
DECISION_LINES = 3  # decision rows on the meeting form
TEXT = {"rows": 3}


def units_of(task_force):
    ids = [task_force.lead_unit_id, *task_force.cooperating_units.values_list("pk", flat=True)]
    return Unit.objects.filter(pk__in=ids).order_by("name")


def members_of(task_force):
    return Cadre.objects.filter(memberships__task_force=task_force).select_related("person").order_by("-rank")


class OfTaskForce(forms.Form):
    """A form whose unit and owner choices are the task force's."""

    def __init__(self, *args, task_force=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and task_force is not None:
                field.queryset = members_of(task_force) if name == "owner" else units_of(task_force)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部"))] + Kind.choices, required=False)
    stalled = forms.BooleanField(label=_("只看卡壳专班"), required=False)


class CheckInForm(OfTaskForce):
    done = forms.CharField(label=_("本期完成情况"), widget=forms.Textarea(attrs=TEXT), max_length=2000)
    next_steps = forms.CharField(label=_("下步计划"), widget=forms.Textarea(attrs=TEXT), max_length=2000)
    blocker = forms.CharField(
        label=_("卡点问题"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False,
        help_text=_("没有卡点可不填；填写后请选择需协调的单位。"),
    )  # fmt: skip
    blocker_unit = forms.ModelChoiceField(label=_("需协调单位"), queryset=Unit.objects.none(), required=False)

    def clean(self):
        data = super().clean()
        if (data.get("blocker") or "").strip() and not data.get("blocker_unit"):
            self.add_error("blocker_unit", _("请选择需协调解决卡点的单位。"))
        return data

    def blockers(self):
        data = self.cleaned_data
        return [(data["blocker"], data["blocker_unit"])] if data.get("blocker", "").strip() else []


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("组长意见"), max_length=2000, required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("解决情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("响应意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MilestoneForm(OfTaskForce):
    title = forms.CharField(label=_("节点"), max_length=200)
    planned_on = forms.DateField(label=_("计划完成日期"), widget=DATE)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=Cadre.objects.none(), required=False)


class TaskForm(OfTaskForce):
    title = forms.CharField(label=_("任务"), max_length=200)
    measures = forms.CharField(label=_("措施要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=Cadre.objects.none(), required=False)
    due_on = forms.DateField(label=_("完成时限"), widget=DATE)


class MeetingForm(OfTaskForce):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_on = forms.DateField(label=_("召开日期"), widget=DATE)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), max_length=2000)

    def clean(self):
        data = super().clean()
        for n in range(1, DECISION_LINES + 1):
            if (data.get(f"decision_{n}") or "").strip():
                if not data.get(f"decision_unit_{n}"):
                    self.add_error(f"decision_unit_{n}", _("请选择议定事项的责任单位。"))
                if not data.get(f"decision_due_{n}"):
                    self.add_error(f"decision_due_{n}", _("请填写议定事项的完成时限。"))
        return data

    def decisions(self):
        data = self.cleaned_data
        return [
            (data[f"decision_{n}"], data[f"decision_unit_{n}"], data[f"decision_due_{n}"])
            for n in range(1, DECISION_LINES + 1)
            if (data.get(f"decision_{n}") or "").strip()
        ]


for _n in range(1, DECISION_LINES + 1):
    MeetingForm.base_fields.update(
        {
            f"decision_{_n}": forms.CharField(
                label=format_lazy("{} {}", _("议定事项"), _n), max_length=500, required=False
            ),
            f"decision_unit_{_n}": forms.ModelChoiceField(
                label=format_lazy("{} {}", _("责任单位"), _n), queryset=Unit.objects.none(), required=False
            ),
            f"decision_due_{_n}": forms.DateField(
                label=format_lazy("{} {}", _("完成时限"), _n), widget=DATE, required=False
            ),
        }
    )


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
    )
    grade = forms.ChoiceField(label=_("评价等次"), choices=Grade.choices)
    text = forms.CharField(label=_("评价意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
