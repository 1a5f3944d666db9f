from django import forms
from django.utils.translation import gettext_lazy as _

from yancheng.core import indicators
from yancheng.core.indicators import Grouping, Period

from .actions import Line
from .models import SCORED_KINDS, Scheme

LINE_ROWS = 10


def indicator_choices():
    return [("", "—")] + [
        (i.code, f"{i.name}（{i.measure}）") for i in indicators.for_grouping(Grouping.UNIT)
    ]


class VersionForm(forms.Form):
    in_force_from = forms.DateField(
        label=_("执行起始月"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("从该月起的考核期按本版本计分。"),
    )  # fmt: skip
    reason = forms.CharField(label=_("修订理由"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, LINE_ROWS + 1):
            self.fields[f"indicator_{n}"] = forms.ChoiceField(
                label=_("指标"), choices=indicator_choices, required=False
            )
            self.fields[f"weight_{n}"] = forms.DecimalField(
                label=_("分值"), max_digits=5, decimal_places=1, required=False
            )
            self.fields[f"target_{n}"] = forms.FloatField(label=_("满分值"), required=False)
            self.fields[f"floor_{n}"] = forms.FloatField(label=_("零分值"), required=False)

    def rows(self):
        return [
            [self[f"{name}_{n}"] for name in ("indicator", "weight", "target", "floor")]
            for n in range(1, LINE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        self.lines = []
        for n in range(1, LINE_ROWS + 1):
            code = data.get(f"indicator_{n}")
            values = [data.get(f"{name}_{n}") for name in ("weight", "target", "floor")]
            if not code:
                continue
            if any(v is None for v in values):
                self.add_error(f"indicator_{n}", _("请填写第 %(n)d 行的分值、满分值和零分值。") % {"n": n})
                continue
            self.lines.append(Line(code, float(values[0]), values[1], values[2]))
        return data


class SchemeForm(VersionForm):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    unit_kind = forms.ChoiceField(label=_("考核对象"), choices=SCORED_KINDS)

    field_order = ["name", "unit_kind", "in_force_from"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Scheme.objects.filter(name=name).exists():
            raise forms.ValidationError(_("已有同名的考核方案。"))
        return name


class ScorecardForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("考核方案"), queryset=Scheme.objects.all())
    period = forms.CharField(
        label=_("考核期"), max_length=7, help_text=_("月度如 2026-11，季度如 2026-Q4，年度如 2026。")
    )

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(_("考核期应写作 2026-11、2026-Q4 或 2026。")) from None


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"), choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )  # fmt: skip
    decision = forms.CharField(label=_("处理意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    corrected_total = forms.FloatField(
        label=_("更正后得分（申诉成立且需更正时填写）"), required=False, min_value=0, max_value=100
    )
