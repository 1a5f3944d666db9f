from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yancheng.core import clock
from yancheng.core.forms import DayInput
from yancheng.core.validators import normalise_code, validate_id_number, validate_property_unit_number

from .actions import Filing, validate_amount
from .choices import IdentityMethod, MortgageKind
from .schemas import EARLIEST, LATEST

MAX_MORTGAGORS = 4


class CodeField(forms.CharField):
    """A code as the clerk types it, normalised as the API's schema does (core.validators.normalise_code)
    before its validators run; the page shows the input as typed beside the error."""

    def to_python(self, value):
        return normalise_code(super().to_python(value))


class ApplicationForm(forms.Form):
    """A bank clerk's filing. Each field is checked here as the API checks it (malformed input is shown on
    its field and never filed); the register's checks run in `file_application`, which sends a filing
    that fails them to a person with the reasons."""

    unit_number = CodeField(
        label=_("不动产单元号"), max_length=40, validators=[validate_property_unit_number]
    )
    debtor = forms.CharField(label=_("债务人"), max_length=100)
    kind = forms.ChoiceField(label=_("抵押方式"), choices=MortgageKind.choices, initial=MortgageKind.ORDINARY)
    amount = forms.DecimalField(
        label=_("被担保主债权数额（元）"), max_digits=14, decimal_places=2, validators=[validate_amount]
    )
    term_start = forms.DateField(label=_("债务履行期限起"), widget=DayInput())
    term_end = forms.DateField(label=_("债务履行期限止"), widget=DayInput())
    contract_number = CodeField(label=_("合同编号"), max_length=60)
    identity_method = forms.ChoiceField(label=_("身份核验方式"), choices=IdentityMethod.choices)
    identity_verified_at = forms.DateTimeField(
        label=_("身份核验时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_MORTGAGORS + 1):
            self.fields[f"name_{n}"] = forms.CharField(label=_("抵押人姓名"), max_length=50, required=False)
            self.fields[f"id_{n}"] = CodeField(
                label=_("证件号码"), max_length=18, required=False, validators=[validate_id_number]
            )
        if not self.is_bound:
            self.initial.setdefault(
                "identity_verified_at", clock.local_text(timezone.now(), "%Y-%m-%dT%H:%M")
            )

    def clean_identity_verified_at(self):
        # The API's bounds: a far-off time (year 1) overflows when converted to UTC on its way in.
        value = self.cleaned_data["identity_verified_at"]
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("身份核验时间须在 %(earliest)s 年至 %(latest)s 年之间，请核对。")
                % {"earliest": EARLIEST.year, "latest": LATEST.year}
            )
        return value

    def mortgagor_rows(self):
        return [(self[f"name_{n}"], self[f"id_{n}"]) for n in range(1, MAX_MORTGAGORS + 1)]

    def clean(self):
        data = super().clean()
        people, refused_ids = [], False
        for n in range(1, MAX_MORTGAGORS + 1):
            name, id_number = data.get(f"name_{n}", ""), data.get(f"id_{n}", "")
            if self.has_error(f"id_{n}"):
                refused_ids = True  # the row is there; its number's error is shown on it
            elif name or id_number:
                if not (name and id_number):
                    self.add_error(f"name_{n}", _("请同时填写抵押人姓名和证件号码。"))
                people.append({"name": name, "id_number": id_number})
        if not people and not refused_ids:
            raise forms.ValidationError(_("请至少填写一名抵押人。"))
        data["mortgagors"] = people
        return data

    def filing(self) -> Filing:
        data = self.cleaned_data
        return Filing(
            unit_number=data["unit_number"],
            contract_number=data["contract_number"],
            mortgagors=data["mortgagors"],
            debtor=data["debtor"],
            kind=data["kind"],
            amount=data["amount"],
            term_start=data["term_start"],
            term_end=data["term_end"],
            identity_method=data["identity_method"],
            identity_verified_at=data["identity_verified_at"],
        )
