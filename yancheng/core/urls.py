"""The platform's public address: one rule for every link that leaves it (the QR codes on the gate
poster and on certificates, the links in the bank's notices). Not a URLconf: the routes are in
yancheng/urls.py."""

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def public_url(path: str, request=None) -> str:
    """`path` (absolute, as reverse() gives it) at the address people reach the platform at.

    YANCHENG_SITE_URL when it is set. It is the only address there is outside a request, and a
    certificate is signed outside one (by `load_demo`, after the filing's commit, or later on demand) and
    the bank's notice is sent by the worker; behind a proxy the request may name an internal host. So
    production sets it, and `make demo` sets it from its HOST and PORT. Without it: the address of the
    request being answered, else http://127.0.0.1:8000 (the demo's default).
    """
    if settings.SITE_URL:
        return f"{settings.SITE_URL}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{DEFAULT_SITE_URL}{path}"
