"""One rule for the public address, used by the gate poster and the certificate alike."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from yancheng.core.roles import Role
from yancheng.core.urls import public_url
from yancheng.mortgage import actions, certificate
from yancheng.mortgage.tests.conftest import filing_for, make_unit

ON_PORT_9123 = {"HTTP_HOST": "127.0.0.1:9123"}


def test_the_configured_address_wins_then_the_request_then_the_default(settings):
    request = RequestFactory().get("/", **ON_PORT_9123)
    settings.SITE_URL = "https://yancheng.hengyang.gov.cn"
    assert public_url("/mortgage/verify/", request) == "https://yancheng.hengyang.gov.cn/mortgage/verify/"
    assert public_url("/mortgage/verify/") == "https://yancheng.hengyang.gov.cn/mortgage/verify/"
    settings.SITE_URL = ""
    assert public_url("/mortgage/verify/", request) == "http://127.0.0.1:9123/mortgage/verify/"
    assert public_url("/mortgage/verify/") == "http://127.0.0.1:8000/mortgage/verify/"


@pytest.fixture
def drawn(monkeypatch):
    """The addresses handed to the poster's and the certificate's QR drawing."""
    urls = {}

    def poster(enterprise, url):
        urls["poster"] = url
        return HttpResponse(b"%PDF-poster", content_type="application/pdf")

    def issue(data):
        urls["certificate"] = data.verification_url
        return b"%PDF-certificate"

    monkeypatch.setattr("yancheng.visits.views.poster_pdf", poster)
    monkeypatch.setattr(certificate, "issue", issue)
    return urls


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:9123", "https://yancheng.hengyang.gov.cn"])
def test_the_gate_poster_and_the_certificate_point_to_the_same_address(
    client, users, hengyang, settings, drawn, site_url
):
    from yancheng.mortgage.models import Bank

    settings.SITE_URL = site_url
    client.force_login(users[Role.ENTERPRISE_USER])
    enterprise = hengyang["enterprises"]["a"]
    assert client.get(f"/visits/poster/{enterprise.pk}.pdf", **ON_PORT_9123).status_code == 200
    bank = Bank.objects.create(unit=hengyang["units"]["bank"], name="中国工商银行股份有限公司衡阳分行")
    unit = make_unit(hengyang["regions"]["zhuhui"], 1)
    actions.file_application(bank, by=users[Role.BANK_CLERK], filing=filing_for(unit))
    assert drawn["poster"].startswith(f"{site_url}/visits/e/")
    assert drawn["certificate"].startswith(f"{site_url}/mortgage/verify/?number=")
