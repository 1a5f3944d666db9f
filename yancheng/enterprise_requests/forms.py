"""Forms of the request pages. They only parse input; the rules live in actions.py."""

import re
import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock
from yancheng.core.forms import MultipleFileField
from yancheng.core.models import Region, Unit
from yancheng.visits.models import Visit, VisitRequest

from .actions import MAX_ATTACHMENT_BYTES, MAX_EXTENSION_DAYS
from .choices import RequestKind, Satisfaction
from .models import KindDeadline, LedgerThresholds, RoutingRule

MAX_FILES = 10
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def handling_units():
    """Units a request can be sent to: every unit but the banks."""
    return Unit.objects.exclude(kind=Unit.Kind.BANK).order_by("kind", "name")


class AttachmentsMixin:
    """The files come from request.FILES.getlist("attachments"); here they are only counted and sized.

    A browser never puts a chosen file back into a file input, so a form that comes back with an error,
    whether from its fields or from the action, has lost the files chosen: the attachments field says
    so, by name, once, so that the person chooses them again."""

    def attachments(self) -> list:
        return self.files.getlist("attachments") if self.files else []

    def add_error(self, field, error):
        super().add_error(field, error)
        if field == "attachments" or not self.attachments() or getattr(self, "_choose_again_said", False):
            return
        self._choose_again_said = True
        names = "、".join(upload.name for upload in self.attachments())
        super().add_error(
            "attachments",
            _("表单未能提交，刚才选择的附件（%(names)s）没有保存，请改正后重新选择附件再提交。")
            % {"names": names},
        )

    def clean(self):
        data = super().clean()
        files = self.attachments()
        if len(files) > MAX_FILES:
            self.add_error("attachments", _("一次最多上传 %(n)d 个附件。") % {"n": MAX_FILES})
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                self.add_error(
                    "attachments", _("附件“%(name)s”超过 20 MB，请压缩后再上传。") % {"name": upload.name}
                )
        return data


def attachments_field():
    return MultipleFileField(label=_("附件（可多选，每个不超过 20 MB）"), required=False)


class FileRequestForm(AttachmentsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=RequestKind.choices)
    subject = forms.CharField(label=_("标题"), max_length=120)
    text = forms.CharField(label=_("具体内容"), widget=forms.Textarea(attrs={"rows": 6}))
    visit = forms.ModelChoiceField(
        label=_("相关访企活动（可不选）"),
        queryset=Visit.objects.none(),
        required=False,
        empty_label=_("不涉及访企活动"),
    )
    attachments = attachments_field()
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.now() - timezone.timedelta(days=365)
        self.fields["visit"].queryset = (
            Visit.objects.for_user(user)
            .filter(enterprise=enterprise, starts_at__gte=since)
            .prefetch_related(
                Prefetch("requests", queryset=VisitRequest.objects.select_related("unit").order_by("pk"))
            )
            .order_by("-starts_at")
        )
        self.fields["visit"].label_from_instance = self.visit_label
        self.fields["submission_key"].initial = uuid.uuid4().hex

    @staticmethod
    def visit_label(visit) -> str:
        units = "、".join(dict.fromkeys(r.unit.short_name or r.unit.name for r in visit.requests.all()))
        return f"{clock.local_text(visit.starts_at)} {units}".strip()

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"].strip().lower()
        if not KEY_PATTERN.match(key):
            raise forms.ValidationError(_("页面已过期，请刷新后重新提交。"))
        return key


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=handling_units(), empty_label=_("请选择责任单位")
    )


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        label=_("转至单位"), queryset=handling_units(), empty_label=_("请选择单位")
    )
    reason = forms.CharField(label=_("转办理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current_unit_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_unit_id:
            self.fields["to_unit"].queryset = handling_units().exclude(pk=current_unit_id)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期（工作日）"), min_value=1, max_value=MAX_EXTENSION_DAYS, initial=5)
    reason = forms.CharField(label=_("延期理由"), max_length=250, widget=forms.Textarea(attrs={"rows": 2}))


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("refuse", _("不批准"))])
    note = forms.CharField(label=_("审批意见（可不填）"), max_length=300, required=False)


class ReplyForm(AttachmentsMixin, forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = attachments_field()


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对答复是否满意"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("不满意的原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- the office's lists and settings ----------------------------------------------------------------

STATE_FILTERS = [
    ("open", _("未答复（全部待办）")),
    ("unrouted", _("待分派")),
    ("awaiting_acceptance", _("待受理")),
    ("in_progress", _("办理中")),
    ("deemed", _("默认受理")),
    ("due_soon", _("答复即将到期")),
    ("overdue", _("已超期")),
    ("extension", _("延期待批")),
    ("replied", _("已答复待评价")),
    ("closed", _("已办结")),
]


class FilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *STATE_FILTERS])
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=handling_units(), required=False, empty_label=_("全部单位")
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *RequestKind.choices]
    )

    def __init__(self, *args, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_unit:
            del self.fields["unit"]


class KindDeadlinesForm(forms.Form):
    """The acceptance and reply limits of every kind, on one form. Reading it never writes a row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = KindDeadline.in_force()
        for kind in RequestKind:
            accept, reply = limits[kind.value].accept_days, limits[kind.value].reply_days
            self.fields[f"{kind.value}_accept"] = forms.IntegerField(
                label=_("%(kind)s：受理时限（工作日）") % {"kind": kind.label},
                min_value=1,
                max_value=10,
                initial=accept,
            )
            self.fields[f"{kind.value}_reply"] = forms.IntegerField(
                label=_("%(kind)s：答复时限（工作日）") % {"kind": kind.label},
                min_value=1,
                max_value=60,
                initial=reply,
            )

    def rows(self):
        return [(kind, self[f"{kind.value}_accept"], self[f"{kind.value}_reply"]) for kind in RequestKind]

    def clean(self):
        data = super().clean()
        for kind in RequestKind:
            accept, reply = data.get(f"{kind.value}_accept"), data.get(f"{kind.value}_reply")
            if accept and reply and reply < accept:
                self.add_error(f"{kind.value}_reply", _("答复时限不能短于受理时限。"))
        return data

    def limits(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {
            kind.value: (data[f"{kind.value}_accept"], data[f"{kind.value}_reply"]) for kind in RequestKind
        }


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["priority", "kind", "region", "industry", "unit"]
        help_texts = {
            "kind": _("留空表示任何类别"),
            "region": _("留空表示任何区县"),
            "industry": _("留空表示任何行业；须与企业登记的行业完全一致"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("任何类别")), *RequestKind.choices]
        self.fields["region"].queryset = Region.objects.filter(level="county").order_by("code")
        self.fields["region"].empty_label = _("任何区县")
        self.fields["unit"].queryset = handling_units()


PERCENT_HELP = _("填写百分数，如 90 表示 90%（可有一位小数）")


def _as_percent(fraction) -> Decimal:
    """A stored fraction (0.900) as a person writes it: 90, or 90.5."""
    percent = Decimal(str(fraction)) * 100
    return percent.quantize(Decimal(1) if percent == percent.to_integral() else Decimal("0.1"))


class ThresholdsForm(forms.ModelForm):
    """The accountability thresholds. Rates are entered as percentages, as people say them (90, not
    0.9), and stored as the fractions the ledger compares with."""

    class Meta:
        model = LedgerThresholds
        fields = [
            "min_checkin_compliance",
            "min_average_rating",
            "max_no_pass_reports",
            "min_accept_on_time",
            "min_reply_on_time",
            "min_satisfaction",
        ]

    RATES = ("min_checkin_compliance", "min_accept_on_time", "min_reply_on_time", "min_satisfaction")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.RATES:
            label = LedgerThresholds._meta.get_field(name).verbose_name
            self.fields[name] = forms.DecimalField(
                label=_("%(label)s（%%）") % {"label": label},
                min_value=0,
                max_value=100,
                decimal_places=1,
                help_text=PERCENT_HELP,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            )
            self.initial[name] = _as_percent(getattr(self.instance, name))
        rating = self.fields["min_average_rating"]
        rating.help_text = _("1 至 5 分")
        rating.validators += [MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))]

    def clean(self):
        data = super().clean()
        for name in self.RATES:
            if data.get(name) is not None:
                data[name] = data[name] / 100
        return data
