from django.db import connection
from django.db.utils import DatabaseError
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from yancheng.core import actions
from yancheng.core.models import ApiToken, Enterprise, Notification, Region, Unit
from yancheng.core.pagination import Page
from yancheng.core.roles import roles_of
from yancheng.core.schemas import (
    EnterpriseOut,
    ErrorOut,
    Id,
    MeOut,
    NotificationOut,
    RegionOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UnitOut,
    text,
)

router = Router(tags=["基础"])


@router.get("/health", auth=None, response={200: dict, 503: dict}, summary="健康检查（数据库可达）")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Status(503, {"status": "error", "database": "unreachable"})
    return Status(200, {"status": "ok", "database": "ok"})


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return {
        "username": user.get_username(),
        "full_name": person.full_name if person else user.get_full_name(),
        "roles": sorted(roles_of(user)),
        "unit": str(person.unit) if person and person.unit_id else None,
        "enterprise": person.enterprise.uscc if person and person.enterprise_id else None,
    }


@router.get("/regions", response=list[RegionOut], summary="行政区划")
def regions(request):
    return Region.objects.for_user(request.user)


@router.get("/units", response=list[UnitOut], summary="单位")
@paginate(Page)
def units(request):
    return Unit.objects.for_user(request.user)


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业（按权限范围）")
@paginate(Page)
def enterprises(request, q: text(100) = "", region: text(12) = "", pilot: bool | None = None):
    found = Enterprise.objects.for_user(request.user)
    if q:
        found = found.filter(name__icontains=q) | found.filter(uscc=q.upper())
    if region:
        found = found.filter(region_id=region)
    if pilot is not None:
        found = found.filter(pilot=pilot)
    return found


@router.get("/enterprises/{uscc}", response={200: EnterpriseOut, 404: ErrorOut}, summary="企业详情")
def enterprise(request, uscc: text(18)):
    return get_object_or_404(Enterprise.objects.for_user(request.user), uscc=uscc)


@router.get("/notifications", response=list[NotificationOut], summary="我的站内消息")
@paginate(Page)
def notifications(request, unread: bool = False):
    found = Notification.objects.for_user(request.user)
    return found.unread() if unread else found


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 404: ErrorOut},
    summary="标记为已读",
)
def notification_read(request, notification_id: Id):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=notification_id)
    return actions.mark_read(notification, by=request.user)


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌")
def tokens(request):
    return ApiToken.objects.for_user(request.user).filter(user=request.user)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 403: ErrorOut},
    summary="为自己创建 API 令牌（令牌只显示这一次；须登录平台，不能用令牌创建令牌）",
)
def token_create(request, data: TokenIn):
    if getattr(request, "api_token", None) is not None:
        # A leaked token must not be able to mint one that outlives its expiry or its revocation.
        raise actions.ActionRefused("API 令牌不能用来创建新令牌，请登录平台后创建。", "forbidden")
    token, secret = actions.issue_api_token(
        owner=request.user, by=request.user, name=data.name, expires_at=data.expires_at
    )
    token.token = secret
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, 404: ErrorOut}, summary="吊销令牌")
def token_revoke(request, token_id: Id):
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=token_id)
    return actions.revoke_api_token(token, by=request.user)
