from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

# The days a report or a list filter may ask about: far-off dates (year 1 or 9999) would overflow when
# turned into times, and no record of the platform lies outside these years.
REPORT_FIRST_DAY, REPORT_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
NOT_BEFORE_FIRST_DAY = MinValueValidator(REPORT_FIRST_DAY, _("日期不能早于 2000 年 1 月 1 日。"))
REPORT_DAY_VALIDATORS = [
    NOT_BEFORE_FIRST_DAY,
    MaxValueValidator(REPORT_LAST_DAY, _("日期不能晚于 2100 年 12 月 31 日。")),
]


class LoginForm(AuthenticationForm):
    """Name and password, plus the six-digit TOTP code for anyone who has set up a second factor."""

    otp_token = forms.CharField(
        label=_("动态口令"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("已绑定身份验证器的用户填写 6 位动态口令"),
    )
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错 %(limit)s 次将被临时锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
        "otp_required": _("该账号已绑定身份验证器，请输入 6 位动态口令。"),
        "otp_invalid": _("动态口令不正确或已过期，请重新输入。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.otp_device = None

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            token = (cleaned.get("otp_token") or "").strip()
            code = "otp_required" if not token else "otp_invalid"
            self.otp_device = match_token(user, token) if token else None
            if self.otp_device is None:
                # A wrong second factor counts as a failed sign-in, for the lockout and the audit log.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=self.request
                )
                raise forms.ValidationError(self.error_messages[code], code=code)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    expires_at = forms.DateTimeField(
        label=_("到期时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class OTPConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label=_("动态口令"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class DayInput(forms.DateInput):
    """A calendar date picker. Its value is always ISO (2026-11-30), whatever the language: the browser
    reads nothing else, and zh-hans's own first date format (2026/11/30) would show an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the view reads request.FILES.getlist."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def government_units():
    """The units a commitment or a problem can be laid on: every one but the banks and the registry."""
    from yancheng.core.models import Unit

    return Unit.objects.exclude(kind__in=Unit.NOT_GOVERNMENT).order_by("kind", "name")
