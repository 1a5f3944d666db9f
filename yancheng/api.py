"""The HTTP API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from yancheng.commitments.api import router as commitments_router
from yancheng.core.actions import ActionRefused
from yancheng.core.api import router as core_router
from yancheng.core.auth import api_auth
from yancheng.core.schemas import ErrorOut
from yancheng.enterprise_requests.api import router as requests_router
from yancheng.monitoring.api import router as monitoring_router
from yancheng.mortgage.api import router as mortgage_router
from yancheng.observations.api import router as observations_router
from yancheng.performance.api import router as performance_router
from yancheng.problems.api import router as problems_router
from yancheng.projects.api import router as projects_router
from yancheng.supervision.api import router as supervision_router
from yancheng.visits.api import router as visits_router


class NotJson(Exception):
    pass


class JsonParser(Parser):
    """The API's bodies are JSON. Anything else is refused before it is read as JSON (a form's fields,
    or bytes that happen to parse), with 415 rather than a parse error."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise NotJson
        return super().parse_body(request)


class InvalidOut(Schema):
    code: str = Field(..., description="invalid")
    detail: list[dict] = Field(..., description="每个不合格字段：位置（loc）、原因（msg）和类型（type）")


# The answers every operation can give before its own code runs, documented once for all of them.
COMMON_ANSWERS = {
    422: ("参数或请求内容不合格（逐项说明）", "InvalidOut"),
    400: ("请求内容无法解析，或含有不允许的字符", "ErrorOut"),
    413: ("请求内容过大", "ErrorOut"),
    415: ("请求内容不是 JSON", "ErrorOut"),
}


class YanchengAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        components = schema["components"]["schemas"]
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        components["InvalidOut"] = InvalidOut.model_json_schema()
        for path in schema["paths"].values():
            for operation in path.values():
                _document_common_answers(operation)
        return schema


def _document_common_answers(operation: dict) -> None:
    takes_json = "application/json" in operation.get("requestBody", {}).get("content", {})
    codes = [400]  # a NUL in the path or the query can reach any operation
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append(422)
    if takes_json:
        codes += [413, 415]
    for code in codes:
        description, component = COMMON_ANSWERS[code]
        ref = {"$ref": f"#/components/schemas/{component}"}
        operation["responses"].setdefault(
            code, {"description": description, "content": {"application/json": {"schema": ref}}}
        )


api = YanchengAPI(
    parser=JsonParser(),
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


def not_json(request, exc=None):
    detail = "该接口只接受 JSON（Content-Type: application/json）。"
    return error(request, 415, "unsupported_media_type", detail)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, NotJson):  # ninja wraps every failure of the parser in a 400
        return not_json(request)
    if exc.status_code == 400:  # ninja raises this when the body is not JSON
        return error(request, 400, "unparsable", "请求内容无法解析，请提交合法的 JSON。")
    return error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


# A form sent to a JSON endpoint: its body was read as a form (by the CSRF check of a signed-in caller)
# before ninja came to read it as JSON.
api.add_exception_handler(RawPostDataException, not_json)


@api.exception_handler(MultiPartParserError)
def bad_form(request, exc):
    return error(request, 400, "unparsable", "表单内容无法解析（multipart 格式不正确）。")


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return error(request, 413, "too_large", f"请求内容过大（JSON 不超过 {limit:g} MB；附件请按表单上传）。")


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
api.add_router("/projects", projects_router)
api.add_router("/observations", observations_router)
api.add_router("/commitments", commitments_router)
api.add_router("/problems", problems_router)
api.add_router("/supervision", supervision_router)
api.add_router("/performance", performance_router)
api.add_router("/monitoring", monitoring_router)
