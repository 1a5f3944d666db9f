from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def test_clock_is_off(app_configs, **kwargs):
    if settings.TEST_CLOCK:
        return [Error("YANCHENG_TEST_CLOCK 只用于浏览器测试，生产环境必须关闭。", id="yancheng.E001")]
    return []


@register(deploy=True)
def public_address_is_set(app_configs, **kwargs):
    """Certificates are signed and the bank is notified outside any request (core.urls.public_url)."""
    if not settings.SITE_URL:
        message = "未设置 YANCHENG_SITE_URL：证明上的二维码和给银行的通知将指向 http://127.0.0.1:8000。"
        hint = "设为平台的公网地址，例如 https://yancheng.hengyang.gov.cn。"
        return [Warning(message, hint=hint, id="yancheng.W001")]
    return []
