"""Signing the certificate after the recording: a failure there never turns a recorded filing into an
error; the certificate is signed when it is next asked for."""

import logging
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from yancheng.mortgage import certificate
from yancheng.mortgage.models import Application, Certificate

from .test_api import URL, bearer, body, post


@pytest.fixture
def broken_signer(monkeypatch):
    """The registry's key cannot be read (a file gone, a hardware module down …) until `mend()`."""

    def unreadable():
        raise OSError("registry key unreadable")

    monkeypatch.setattr(certificate, "signer", unreadable)
    return lambda: monkeypatch.undo()


def test_a_signing_failure_after_the_recording_still_answers_the_recorded_application(
    client, bank, clerk, property_unit, broken_signer, caplog
):
    auth = bearer(clerk)
    with caplog.at_level(logging.ERROR, logger="yancheng.mortgage.actions"):
        response = post(client, URL, body(property_unit), auth)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == "recorded" and answer["certificate_number"]
    assert answer["certificate_signed_at"] is None
    app = Application.objects.get(pk=answer["id"])
    assert app.status == "recorded" and app.certificate.pdf is None
    assert "not signed" in caplog.text and answer["certificate_number"] in caplog.text

    pdf_url = f"{URL}/{app.pk}/certificate.pdf"
    still_broken = client.get(pdf_url, **auth)
    assert still_broken.status_code == 503
    assert still_broken.json()["code"] == "certificate_not_signed"
    query = urlencode({"number": app.certificate.number, "code": app.certificate.verification_code})
    page = client.get(f"{reverse('mortgage:certificate_pdf')}?{query}")
    assert page.status_code == 503 and "稍后" in page.content.decode()

    broken_signer()  # mended: the next request signs it
    signed = client.get(pdf_url, **auth)
    assert signed.status_code == 200 and signed.content.startswith(b"%PDF")
    assert Certificate.objects.get(pk=app.certificate.pk).pdf
    assert Application.objects.get(pk=app.pk).certificate_signed_at is not None
