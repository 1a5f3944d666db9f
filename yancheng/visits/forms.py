import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core.forms import NOT_BEFORE_FIRST_DAY, DayInput
from yancheng.core.models import Enterprise

from .actions import RATING_FIELDS
from .choices import Kind, Purpose, Trigger
from .models import Rating, VisitRules

MATCHES_SHOWN = 8


def enterprise_matches(user, text: str):
    """The enterprises `user` may see whose name contains `text` or whose USCC contains it (upper case):
    what the filing form offers as the official types (two characters at least)."""
    text = text.strip()
    if len(text) < 2:
        return Enterprise.objects.none()
    return (
        Enterprise.objects.for_user(user)
        .filter(Q(name__icontains=text) | Q(uscc__contains=text.upper()))
        .order_by("name", "pk")
    )


class VisitRequestForm(forms.Form):
    enterprise = forms.CharField(label=_("企业（名称或统一社会信用代码）"), max_length=100)
    purpose = forms.ChoiceField(label=_("事由"), choices=Purpose.choices)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices, initial=Kind.PLANNED)
    trigger = forms.ChoiceField(label=_("触发原因"), choices=[("", "—"), *Trigger.choices], required=False)
    trigger_note = forms.CharField(label=_("触发情况说明"), max_length=500, required=False)
    # No upper bound here: the rules refuse a day more than a year ahead, with the latest day allowed.
    day = forms.DateField(
        label=_("日期"),
        widget=DayInput(),
        validators=[NOT_BEFORE_FIRST_DAY],
    )
    start = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}), initial="09:00")
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}), initial="11:00")
    items = forms.CharField(label=_("检查事项"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(
        label=_("法律依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visitors = forms.ModelMultipleChoiceField(
        label=_("访企人员"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )
    certificates = forms.CharField(
        label=_("执法证号（监管执法必填，按人员顺序，用逗号分隔）"), required=False
    )
    join_visit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.user = unit, user
        self.fields["visitors"].queryset = (
            get_user_model()
            .objects.filter(person__unit=unit, is_active=True)
            .select_related("person")
            .order_by("username")
        )
        self.fields["visitors"].label_from_instance = lambda u: u.person.full_name
        self.fields["submission_key"].initial = uuid.uuid4().hex

    def clean_enterprise(self):
        """The match picked under the field (the radio `enterprise_pick` of partials/enterprise_matches.html),
        else the enterprise the text names exactly (USCC or full name), else the only one it matches in part."""
        text = self.cleaned_data["enterprise"].strip()
        scope = Enterprise.objects.for_user(self.user)
        picked = str(self.data.get("enterprise_pick") or "")
        found = (
            (scope.filter(pk=picked).first() if picked.isdigit() else None)
            or scope.filter(uscc=text.upper()).first()
            or scope.filter(name=text).first()
        )
        if found is not None:
            return found
        matches = list(enterprise_matches(self.user, text)[:2])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise forms.ValidationError(
                _("有多家企业与“%(text)s”相符，请在下方列表中选择一家。") % {"text": text}
            )
        raise forms.ValidationError(
            _("没有找到与“%(text)s”相符的企业，请输入企业名称的一部分或统一社会信用代码。") % {"text": text}
        )

    def window(self):
        day, start, end = (self.cleaned_data.get(k) for k in ("day", "start", "end"))
        zone = timezone.get_current_timezone()
        from datetime import datetime

        return (datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone))

    def certificate_list(self) -> list[str]:
        text = self.cleaned_data.get("certificates") or ""
        return [part.strip() for part in text.replace("，", ",").split(",")]


class RatingForm(forms.ModelForm):
    class Meta:
        model = Rating
        fields = list(RATING_FIELDS)
        widgets = {
            name: forms.RadioSelect(choices=[(n, str(n)) for n in range(5, 0, -1)])
            for name in ["overall", "conduct", "necessity", "efficiency", "integrity"]
        }
        widgets["comment"] = forms.Textarea(attrs={"rows": 3})


class NoPassReportForm(forms.Form):
    unit_text = forms.CharField(label=_("来访单位"), max_length=100)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    visitors_text = forms.CharField(label=_("来访人员（姓名、人数或特征）"), max_length=200)
    description = forms.CharField(label=_("情况经过"), widget=forms.Textarea(attrs={"rows": 4}))
    submission_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)


class RulesForm(forms.ModelForm):
    quiet_days_text = forms.CharField(label=_("无事不扰日（每月几号，用逗号分隔）"), required=False)

    class Meta:
        model = VisitRules
        fields = [
            "lead_working_days",
            "late_filing_hours",
            "cap_per_unit_per_enterprise",
            "cap_per_enterprise",
            "joint_window_days",
            "auto_approve_research",
            "auto_approve_max_visitors",
            "rating_days",
            "min_ratings_shown",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quiet_days_text"].initial = ",".join(str(d) for d in self.instance.quiet_days or [])

    def clean_quiet_days_text(self):
        days = []
        for part in (self.cleaned_data["quiet_days_text"] or "").replace("，", ",").split(","):
            if part.strip():
                if not part.strip().isdigit() or not 1 <= int(part) <= 31:
                    raise forms.ValidationError(_("请填写 1 至 31 之间的日期，用逗号分隔，例如：1,15"))
                days.append(int(part))
        return sorted(set(days))
