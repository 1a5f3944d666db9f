"""The HTTP API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.conf import settings
from django.http import Http404
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from yancheng.core.actions import ActionRefused
from yancheng.core.api import router as core_router
from yancheng.core.auth import api_auth
from yancheng.enterprise_requests.api import router as requests_router
from yancheng.mortgage.api import router as mortgage_router
from yancheng.visits.api import router as visits_router

api = NinjaAPI(
    title="雁城 Yancheng API",
    version="1",
    description="衡阳市数字治理平台接口。认证：已登录的会话（附 CSRF），或 `Authorization: Bearer <令牌>`。",
    auth=api_auth,
    urls_namespace="api-v1",
    # Swagger UI (served from the platform's own static files) sets inline styles from its script.
    docs_decorator=csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}),
)


def error(request, status: int, code: str, detail):
    return api.create_response(request, {"code": code, "detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return error(
        request, 401, "unauthenticated", "请先登录，或提供有效的 API 令牌（Authorization: Bearer …）。"
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return error(request, 422, "invalid", exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400:  # ninja raises this when the body is not JSON
        return error(request, 400, "unparsable", "请求内容无法解析，请提交合法的 JSON。")
    return error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", "没有找到该记录，或您无权查看。")


@api.exception_handler(ActionRefused)
def refused(request, exc):
    status = 403 if exc.code == "forbidden" else 400
    body = {"code": exc.code, "detail": exc.message}
    if hasattr(exc, "violations"):  # every rule that failed, each with its code and Chinese message
        body["violations"] = [{"code": v.code, "message": v.message} for v in exc.violations]
    return api.create_response(request, body, status=status)


api.add_router("/", core_router)
api.add_router("/visits", visits_router)
api.add_router("/requests", requests_router)
api.add_router("/mortgage", mortgage_router)
