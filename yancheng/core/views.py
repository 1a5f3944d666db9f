from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yancheng.core import actions, audit
from yancheng.core.forms import LoginForm, OTPConfirmForm, TokenForm
from yancheng.core.models import ApiToken, Enterprise, Notification
from yancheng.core.navigation import HOME_PANELS
from yancheng.core.roles import GOVERNMENT_ROLES, OTP_REQUIRED_ROLES, Role, has_role, role_required, roles_of
from yancheng.core.validators import normalise_lookup


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response


def admin_login(request):
    """Where the administration sends whoever lacks its rights: the platform's sign-in for someone signed
    out; for someone signed in without them, a refusal (403, audited) rather than a second login form."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied
    return LoginView.as_view()(request)


@login_required
def home(request):
    panels = [panel for panel in (make(request) for make in HOME_PANELS) if panel]
    return render(request, "core/home.html", {"panels": panels})


@login_required
def inbox(request):
    page = Paginator(Notification.objects.for_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)
    actions.mark_read(notification, by=request.user)
    if notification.link:
        return redirect(notification.link)
    return redirect("inbox")


@login_required
def tokens(request):
    new_secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = actions.issue_api_token(
                owner=request.user,
                by=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
            form = TokenForm()
        except actions.ActionRefused as refusal:
            form.add_error(None, refusal.message)
    own = ApiToken.objects.for_user(request.user).filter(user=request.user)
    return render(request, "core/tokens.html", {"form": form, "tokens": own, "new_secret": new_secret})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken.objects.for_user(request.user).filter(user=request.user), pk=token_id)
    actions.revoke_api_token(token, by=request.user)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("tokens")


@login_required
def otp_setup(request):
    """Bind an authenticator app (TOTP), or enter its code to verify this session."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    form = OTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record("otp_device_confirmed", user, actor=user)
            otp_login(request, device)
            messages.success(request, _("动态口令验证通过。"))
            return redirect("home")
        audit.record("otp_failed", user, actor=user)
        form.add_error("otp_token", _("动态口令不正确或已过期，请重新输入。"))
    context = {
        "form": form,
        "confirmed": device.confirmed,
        "required": bool(roles_of(user) & OTP_REQUIRED_ROLES),
    }
    if not device.confirmed:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "core/otp_setup.html", context)


def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever a page links (the admin links none)."""
    return redirect(static("yancheng/favicon.svg"))


def permission_denied(request, exception=None):
    """The advice names someone the person can ask: an enterprise has no unit administrator, and someone
    with no unit (a system administrator's own account, a half-made one) asks the platform's."""
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if has_role(request.user, Role.ENTERPRISE_USER):
        ask = "enterprise"
    elif person is not None and person.unit_id and not has_role(request.user, Role.ADMINISTRATOR):
        ask = "unit"
    else:
        ask = "platform"
    return render(request, "403.html", {"ask": ask}, status=403)  # audited by RequestContextMiddleware


@role_required(*GOVERNMENT_ROLES)
def enterprises(request):
    """The enterprise register as the government side reads it, searchable by name or code; where an
    import of the register ends up."""
    from yancheng.core.output.importing import importer_for

    query = request.GET.get("q", "").strip()
    rows = Enterprise.objects.for_user(request.user).select_related("region")
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(uscc=normalise_lookup(query)))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    can_import = importer_for("enterprises").allowed(request.user)
    return render(request, "core/enterprises.html", {"page": page, "query": query, "can_import": can_import})
