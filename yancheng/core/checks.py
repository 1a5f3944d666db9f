from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def test_clock_is_off(app_configs, **kwargs):
    if settings.TEST_CLOCK:
        return [Error("YANCHENG_TEST_CLOCK 只用于浏览器测试，生产环境必须关闭。", id="yancheng.E001")]
    return []
