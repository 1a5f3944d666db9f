from functools import wraps

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from yancheng.core import audit
from yancheng.core.audit import current_request
from yancheng.core.auth import bearer_token, record_token_use
from yancheng.core.roles import OTP_REQUIRED_ROLES, roles_of

# Functions () -> {directive: [sources]} an app adds to the policy (the media servers its pages play
# from); read for the responses whose view set ``request.needs_extra_sources`` (needs_extra_sources()).
EXTRA_CSP_SOURCES: list = []


def needs_extra_sources(request) -> None:
    """Say that this response's page loads from the apps' extra sources (a page with a video player)."""
    request.needs_extra_sources = True


class ExtraCspSourcesMiddleware:
    """Widens the Content-Security-Policy by the sources the apps declare (placed below Django's CSP
    middleware, so the policy it builds is the widened one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only a page that asked (``needs_extra_sources``) reads them: others cost no query.
        if not getattr(request, "needs_extra_sources", False):
            return response
        extra = [sources() for sources in EXTRA_CSP_SOURCES]
        if any(extra) and not hasattr(response, "_csp_config"):
            policy = {directive: list(values) for directive, values in settings.SECURE_CSP.items()}
            for part in extra:
                for directive, values in part.items():
                    policy.setdefault(directive, [*settings.SECURE_CSP.get("default-src", [])])
                    policy[directive] += [v for v in values if v not in policy[directive]]
            response._csp_config = policy
        return response


class RequestContextMiddleware:
    """Makes the request known to the audit log for the time of the request, records every refused
    permission (any 403 answer, page or API) there, and the use of an API token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            record_token_use(request)
            if response.status_code == 403:
                audit.record(
                    "permission_denied",
                    changes={"path": [None, request.path], "method": [None, request.method]},
                )
            return response
        finally:
            current_request.reset(token)


class NoStoreWhenSignedInMiddleware:
    """What a signed-in person sees is theirs: no browser, proxy or shared office PC may keep a copy
    (Cache-Control: no-store) that the next person at the desk could bring back with the back button."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or getattr(request, "api_token", None) is not None:
            add_never_cache_headers(response)
        return response


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNullCharacterMiddleware:
    """No text the platform stores or looks up may hold a NUL character: PostgreSQL refuses it, so a view
    reading a parameter as it came would answer 500. Refused here once, with 400, for every path, query
    and page form. The API's bodies are checked by its schemas: reading a body here as a form would
    keep the API from reading it at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        queries = [request.GET]
        if not api and request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            try:
                queries.append(request.POST)
            except MultiPartParserError:  # a form no browser sends (no boundary, a broken part)
                return render(request, "400.html", status=400)
        if "\x00" in request.path or any(_holds_nul(query) for query in queries):
            if api:
                detail = "请求含有不允许的字符（NUL）。"
                return JsonResponse({"code": "invalid_characters", "detail": detail}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _holds_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class RequireOTPMiddleware:
    """Administrators and leaders must have passed a second factor (when REQUIRE_OTP is on): until they
    have, every page sends them to set up or enter their TOTP code."""

    allowed_prefixes = ("/account/otp/", "/account/logout/", "/static/", "/i18n/", "/api/v1/health")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.must_verify(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "otp_required", "detail": "请先完成动态口令验证"}, status=403)
            return redirect(reverse("otp_setup"))
        return self.get_response(request)

    def must_verify(self, request) -> bool:
        user = request.user
        if (
            not settings.REQUIRE_OTP
            or not user.is_authenticated
            or request.path.startswith(self.allowed_prefixes)
        ):
            return False
        # A valid bearer token is a system's credential, checked on its own; OTP guards browser sessions.
        # Only a token that really authenticates counts: any "Bearer" text beside a session must not do.
        if request.path.startswith("/api/") and bearer_token(request) is not None:
            return False
        return bool(roles_of(user) & OTP_REQUIRED_ROLES) and not user.is_verified()


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except for views marked `leaves_session_unsaved`: an import's progress, polled every
    second while the worker's one transaction holds SQLite's write lock. Saving the session (which
    SESSION_SAVE_EVERY_REQUEST does on every request) would wait for that lock, so the bar would stand
    still until the import ends. A poll is not the person's activity either: it should not keep an idle
    session alive."""

    def process_response(self, request, response):
        if getattr(request, "leaves_session_unsaved", False):
            return response
        return super().process_response(request, response)


def leaves_session_unsaved(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.leaves_session_unsaved = True
        return view(request, *args, **kwargs)

    return wrapper
