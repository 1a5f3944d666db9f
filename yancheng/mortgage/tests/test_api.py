"""The bank's API, end to end with a bank clerk's token: filing, reading, the signed PDF, the bank's
acknowledgement and loan release, scoping, refusals and bad input."""

import re
import subprocess
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import database_fingerprint
from yancheng.core.actions import issue_api_token
from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.mortgage.models import Application, Encumbrance
from yancheng.mortgage.tests.conftest import OWNER, SPOUSE, make_unit

URL = "/api/v1/mortgage/applications"
NUMBER = re.compile(r"^湘\(\d{4}\)衡阳市不动产证明第\d{7}号$")


def bearer(user, name="核心系统"):
    _token, secret = issue_api_token(owner=user, by=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def body(unit, **changes):
    values = {
        "unit_number": unit.number,
        "contract_number": "ICBC-HY-2026-0001",
        "mortgagors": [{"name": n, "id_number": i} for n, i in (OWNER, SPOUSE)],
        "debtor": OWNER[0],
        "kind": "ordinary",
        "amount": "600000.00",
        "term_start": "2026-12-01",
        "term_end": "2046-11-30",
        "identity_method": "face",
        "identity_verified_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
    }
    values.update(changes)
    return values


@pytest.fixture
def auth(bank, clerk):
    return bearer(clerk)


def post(client, url, data, auth):
    return client.post(url, data, content_type="application/json", **auth)


def test_a_clean_property_is_recorded_and_its_signed_pdf_downloads(
    client, auth, property_unit, tmp_path, django_capture_on_commit_callbacks
):
    data = body(property_unit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, URL, data, auth)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == "recorded" and answer["status_label"] == "已登簿"
    assert NUMBER.match(answer["certificate_number"])
    year = timezone.localdate().year  # the serial starts again each year
    assert answer["certificate_number"] == f"湘({year})衡阳市不动产证明第0000001号"
    assert len(answer["checks"]) == 10 and all(
        c["passed"] and c["code"] and c["label"] for c in answer["checks"]
    )
    assert answer["amount"] == "600000.00"
    for step in ("received_at", "reviewed_at", "recorded_at", "certificate_signed_at"):
        assert answer[step] is not None
    assert answer["bank_notified_at"] is None
    # The notice to the bank is queued once the certificate is signed, not on the commit.
    assert len(callbacks) == 0
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "yancheng.mortgage.tasks.notify_bank"
    assert queued.args_kwargs["args"] == [answer["id"]]

    pdf = client.get(urlsplit(answer["certificate_url"]).path, **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.content)
    signed = subprocess.run(["pdfsig", "-no-ocsp", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in signed.stdout
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    text = re.sub(r"\s+", "", text)
    assert "不动产登记证明" in text and "中国工商银行股份有限公司衡阳分行" in text

    # The same request again: the same application, 200, nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, URL, data, auth)
    assert again.status_code == 200 and again.json()["id"] == answer["id"]
    assert Application.objects.count() == 1 and DBTaskResult.objects.count() == 1

    listed = client.get(URL, {"limit": 1, "offset": 0}, **auth).json()
    assert listed["count"] == 1 and [a["id"] for a in listed["items"]] == [answer["id"]]
    assert (
        client.get(f"{URL}/{answer['id']}", **auth).json()
        == client.get(f"{URL}/{answer['id']}", **auth).json()
    )


def test_an_unsigned_certificate_is_signed_when_first_asked_for(client, auth, property_unit):
    from yancheng.mortgage.models import Certificate

    app_id = post(client, URL, body(property_unit), auth).json()["id"]
    Certificate.objects.filter(application_id=app_id).update(pdf=None, signed_at=None)
    response = client.get(f"{URL}/{app_id}/certificate.pdf", **auth)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert Certificate.objects.get(application_id=app_id).pdf


def test_a_failing_check_goes_to_a_person_with_its_reason(
    client, auth, property_unit, django_capture_on_commit_callbacks
):
    Encumbrance.objects.create(
        property_unit=property_unit, kind="seizure", reference="(2026)湘0405执123号", starts_on="2026-01-01"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, URL, body(property_unit), auth)
    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "to_person" and answer["certificate_number"] is None
    (failed,) = [c for c in answer["checks"] if not c["passed"]]
    assert failed["code"] == "no_encumbrance" and "查封" in failed["reason"]
    assert not callbacks and not DBTaskResult.objects.exists()
    assert client.get(f"{URL}/{answer['id']}/certificate.pdf", **auth).status_code == 404
    response = post(client, f"{URL}/{answer['id']}/loan-released", {}, auth)
    assert response.status_code == 400 and response.json()["code"] == "not_recorded"


def test_acknowledge_and_loan_released_set_their_times_once(client, auth, property_unit):
    app_id = post(client, URL, body(property_unit), auth).json()["id"]
    first = post(client, f"{URL}/{app_id}/acknowledge", {}, auth)
    assert first.status_code == 200 and first.json()["bank_acknowledged_at"]
    again = post(client, f"{URL}/{app_id}/acknowledge", {}, auth)
    assert again.json()["bank_acknowledged_at"] == first.json()["bank_acknowledged_at"]

    lent = post(client, f"{URL}/{app_id}/loan-released", {}, auth)
    assert lent.status_code == 200 and lent.json()["loan_released_at"]
    assert (
        post(client, f"{URL}/{app_id}/loan-released", {}, auth).json()["loan_released_at"]
        == lent.json()["loan_released_at"]
    )
    app = Application.objects.get(pk=app_id)
    assert app.recorded_at <= app.bank_acknowledged_at <= app.loan_released_at


@pytest.fixture
def collective(hengyang):
    """A unit the automatic review sends to a person (collective land): its application stays pending."""
    return make_unit(hengyang["regions"]["zhuhui"], 40, land_kind="collective")


def test_a_typo_is_not_answered_with_the_old_application_it_gets_409_naming_it(client, auth, collective):
    first = post(client, URL, body(collective), auth).json()
    assert first["status"] == "to_person"
    before = database_fingerprint()
    typo_fixed = post(client, URL, body(collective, amount="650000.00"), auth)
    assert typo_fixed.status_code == 409
    answer = typo_fixed.json()
    assert answer["code"] == "contract_in_use" and answer["application_id"] == first["id"]
    assert (
        f"第 {first['id']} 号申请" in answer["detail"] and f"{URL}/{first['id']}/withdraw" in answer["detail"]
    )
    assert database_fingerprint() == before


def test_the_bank_withdraws_its_pending_application_then_files_the_corrected_one(client, auth, collective):
    first = post(client, URL, body(collective), auth).json()
    withdrawn = post(client, f"{URL}/{first['id']}/withdraw", {}, auth)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["status_label"] == "已撤回"
    again = post(client, f"{URL}/{first['id']}/withdraw", {}, auth)
    assert again.status_code == 400 and again.json()["code"] == "not_pending"
    corrected = post(client, URL, body(collective, amount="650000.00"), auth)
    assert corrected.status_code == 201 and corrected.json()["id"] != first["id"]
    assert corrected.json()["amount"] == "650000.00"


def test_after_a_refusal_the_corrected_filing_is_a_new_application(client, auth, users, collective):
    from yancheng.mortgage import actions

    first = post(client, URL, body(collective), auth).json()
    actions.refuse(
        Application.objects.get(pk=first["id"]), by=users[Role.REGISTRY_OFFICIAL], reason="金额有误"
    )
    corrected = post(client, URL, body(collective, amount="650000.00"), auth)
    assert corrected.status_code == 201 and corrected.json()["id"] != first["id"]
    assert client.get(f"{URL}/{first['id']}", **auth).json()["status"] == "refused"


def test_a_recorded_application_cannot_be_withdrawn(client, auth, property_unit):
    recorded = post(client, URL, body(property_unit), auth).json()
    before = database_fingerprint()
    response = post(client, f"{URL}/{recorded['id']}/withdraw", {}, auth)
    assert response.status_code == 400 and response.json()["code"] == "not_pending"
    assert database_fingerprint() == before


def test_a_cancellation_names_the_banks_own_right(client, auth, bank, property_unit):
    recorded = post(client, URL, body(property_unit), auth).json()
    right_id = Application.objects.get(pk=recorded["id"]).mortgage_right.pk
    missing = post(client, URL, body(property_unit, operation="cancellation"), auth)
    assert missing.status_code == 400 and missing.json()["code"] == "cancels_right_required"
    unknown = post(
        client, URL, body(property_unit, operation="cancellation", cancels_right_id=right_id + 99), auth
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_right"
    response = post(
        client, URL, body(property_unit, operation="cancellation", cancels_right_id=right_id), auth
    )
    assert response.status_code == 201
    answer = response.json()
    assert answer["operation"] == "cancellation" and answer["status"] == "recorded"
    assert answer["cancels_right_id"] == right_id and answer["certificate_number"] is None


def test_another_bank_sees_none_of_this_banks_applications(client, auth, other_bank, users, property_unit):
    app_id = post(client, URL, body(property_unit), auth).json()["id"]
    other = bearer(users["other_bank"])
    for url in (f"{URL}/{app_id}", f"{URL}/{app_id}/certificate.pdf"):
        assert client.get(url, **other).status_code == 404
    for url in (f"{URL}/{app_id}/acknowledge", f"{URL}/{app_id}/loan-released", f"{URL}/{app_id}/withdraw"):
        assert post(client, url, {}, other).status_code == 404
    assert client.get(URL, **other).json() == {"count": 0, "items": []}
    assert Application.objects.get(pk=app_id).bank_acknowledged_at is None


def test_the_api_is_the_banks_and_refuses_everyone_else(assert_refused, client, auth, users, property_unit):
    app_id = post(client, URL, body(property_unit), auth).json()["id"]
    others = [
        users[Role.UNIT_OFFICIAL],
        users[Role.ENTERPRISE_USER],
        users[Role.REGISTRY_OFFICIAL],
        users[Role.ADMINISTRATOR],
        None,
    ]
    assert_refused(others, "POST", URL, body(property_unit, contract_number="OTHER-1"))
    assert_refused(others, "GET", URL)
    for suffix in ("", "/certificate.pdf"):
        assert_refused(others, "GET", f"{URL}/{app_id}{suffix}")
    for suffix in ("/acknowledge", "/loan-released", "/withdraw"):
        assert_refused(others, "POST", f"{URL}/{app_id}{suffix}")


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"amount": "六十万"}, 422, "invalid"),
        ({"amount": "-1.00"}, 422, "invalid"),
        ({"amount": "1.001"}, 422, "invalid"),
        ({"amount": "1e20"}, 422, "invalid"),
        ({"amount": "NaN"}, 422, "invalid"),
        ({"contract_number": "  "}, 422, "invalid"),
        ({"contract_number": "x" * 61}, 422, "invalid"),
        ({"debtor": "李\x00建国"}, 422, "invalid"),
        ({"mortgagors": []}, 422, "invalid"),
        ({"mortgagors": [{"name": "李建国"}]}, 422, "invalid"),
        ({"kind": "other"}, 422, "invalid"),
        ({"operation": "transfer"}, 422, "invalid"),
        ({"term_start": "2026-13-01"}, 422, "invalid"),
        ({"term_end": "not a date"}, 422, "invalid"),
        ({"term_start": "2046-12-01", "term_end": "2026-11-30"}, 400, "term_invalid"),
        ({"identity_verified_at": "2026-11-27T10:00:00"}, 422, "invalid"),  # no time zone
        ({"identity_method": "telepathy"}, 422, "invalid"),
        ({"identity_verified_at": "9999-12-31T23:59:59-12:00"}, 422, "invalid"),
        ({"term_end": "9999-12-31"}, 422, "invalid"),
        ({"cancels_right_id": 1}, 400, "cancels_right_not_allowed"),
        ({"unit_number": None}, 422, "invalid"),
    ],
)
def test_bad_input_is_a_4xx_with_a_code_and_writes_nothing(
    client, auth, property_unit, changes, status, code
):
    client.get(URL, **auth)  # the token's first use writes its last_used_at
    before = database_fingerprint()
    response = post(client, URL, body(property_unit, **changes), auth)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert database_fingerprint() == before


FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


TYPED = {
    "lower case": str.lower,
    "full-width, as a Chinese input method types it": lambda n: n.translate(FULL_WIDTH),
    "surrounding spaces, an ideographic one too": lambda n: f" {n.lower()}\u3000",
}


@pytest.mark.parametrize("why", TYPED)
def test_a_unit_number_typed_as_people_type_it_is_recorded_as_the_standard_writes_it(
    client, auth, property_unit, why
):
    typed = TYPED[why]
    first_id = OWNER[1][:-1] + OWNER[1][-1].lower()
    mortgagors = [
        {"name": OWNER[0], "id_number": first_id.translate(FULL_WIDTH)},
        {"name": SPOUSE[0], "id_number": SPOUSE[1]},
    ]
    data = body(property_unit, unit_number=typed(property_unit.number), contract_number=" ｉｃｂｃ-ｈｙ-1 ")
    response = post(client, URL, {**data, "mortgagors": mortgagors}, auth)
    assert response.status_code == 201, (why, response.content)
    answer = response.json()
    assert answer["status"] == "recorded", (why, answer["checks"])
    assert answer["unit_number"] == property_unit.number and answer["contract_number"] == "ICBC-HY-1"
    assert [m["id_number"] for m in answer["mortgagors"]] == [OWNER[1], SPOUSE[1]]


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        (
            {"unit_number": "430405001002GB00001F0001000"},
            "unit_number",
            "property_unit_length",
            "应为 28 位，当前为 27 位",
        ),
        (
            {"unit_number": "430405001002GB00001F000100011"},
            "unit_number",
            "property_unit_length",
            "当前为 29 位",
        ),
        (
            {"unit_number": "430405001002GＢ0000１F00010001 1"},
            "unit_number",
            "property_unit_length",
            "当前为 30 位",
        ),
        (
            {"unit_number": "430405001002GB0000OF00010001"},
            "unit_number",
            "property_unit_parcel_serial",
            "5 位数字",
        ),
        (
            {
                "mortgagors": [
                    {"name": OWNER[0], "id_number": OWNER[1][:-1] + ("1" if OWNER[1][-1] != "1" else "2")}
                ]
            },
            "id_number",
            "id_check",
            "校验不通过",
        ),
        (
            {"mortgagors": [{"name": OWNER[0], "id_number": OWNER[1][:15]}]},
            "id_number",
            "id_length",
            "应为 18 位",
        ),
        ({"amount": "0"}, "amount", "amount_not_positive", "须大于零"),
        ({"amount": "-600000.00"}, "amount", "amount_not_positive", "须大于零"),
    ],
)
def test_malformed_input_is_refused_with_the_fields_code_and_a_chinese_message_and_never_queued(
    client, auth, property_unit, changes, field, code, message
):
    client.get(URL, **auth)  # the token's first use writes its last_used_at
    before = database_fingerprint()
    response = post(client, URL, body(property_unit, **changes), auth)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] == "invalid"
    (error,) = answer["detail"]
    assert error["loc"][-1] == field and error["type"] == code and message in error["msg"], error
    assert database_fingerprint() == before and not Application.objects.exists()


def test_a_term_that_ends_before_it_starts_is_refused_with_a_chinese_message(client, auth, property_unit):
    response = post(client, URL, body(property_unit, term_start="2046-12-01", term_end="2026-11-30"), auth)
    assert response.status_code == 400
    assert response.json()["code"] == "term_invalid" and "截止日期早于起始日期" in response.json()["detail"]
    assert not Application.objects.exists()


def test_missing_fields_and_unparsable_bodies_are_refused_with_a_code(client, auth, property_unit):
    client.get(URL, **auth)  # the token's first use writes its last_used_at
    before = database_fingerprint()
    for field in (
        "unit_number",
        "contract_number",
        "mortgagors",
        "amount",
        "term_start",
        "identity_verified_at",
    ):
        data = body(property_unit)
        del data[field]
        response = post(client, URL, data, auth)
        assert response.status_code == 422 and response.json()["code"] == "invalid", field
    response = client.post(URL, "{not json", content_type="application/json", **auth)
    assert response.status_code == 400 and response.json()["code"] == "unparsable"
    assert database_fingerprint() == before


def test_an_unknown_unit_goes_to_a_person(client, auth, hengyang):
    unit = make_unit(hengyang["regions"]["zhuhui"], 7)
    response = post(client, URL, body(unit, unit_number="430405001002GB99999F00019999"), auth)
    assert response.status_code == 201
    failed = {c["code"] for c in response.json()["checks"] if not c["passed"]}
    assert "unit_exists" in failed and response.json()["status"] == "to_person"


def test_the_list_is_paged_in_the_database(client, auth, hengyang, django_assert_max_num_queries):
    for n in range(3):
        unit = make_unit(hengyang["regions"]["zhuhui"], 10 + n)
        assert post(client, URL, body(unit, contract_number=f"C-{n}"), auth).status_code == 201
    page = client.get(URL, {"limit": 2, "offset": 1}, **auth).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert [a["contract_number"] for a in page["items"]] == ["C-1", "C-0"]
    assert client.get(URL, {"limit": 0}, **auth).status_code == 422
    with django_assert_max_num_queries(12):
        client.get(URL, **auth)


def test_only_a_recorded_application_can_be_acknowledged(client, auth, property_unit):
    Encumbrance.objects.create(
        property_unit=property_unit, kind="seizure", reference="（2026）湘0405执保1号", starts_on="2026-01-01"
    )
    app_id = post(client, URL, body(property_unit), auth).json()["id"]
    before = database_fingerprint()
    audited = AuditEntry.objects.count()
    response = post(client, f"{URL}/{app_id}/acknowledge", {}, auth)
    assert response.status_code == 400 and response.json()["code"] == "not_recorded"
    assert database_fingerprint() == before and AuditEntry.objects.count() == audited
    assert Application.objects.get(pk=app_id).bank_acknowledged_at is None


def test_the_acknowledgement_is_written_with_its_audit_entry_or_not_at_all(
    client, auth, clerk, property_unit, monkeypatch
):
    from yancheng.mortgage import actions

    app_id = post(client, URL, body(property_unit), auth).json()["id"]

    def audit_fails(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(actions.audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        actions.acknowledge_notice(Application.objects.get(pk=app_id), by=clerk)
    assert Application.objects.get(pk=app_id).bank_acknowledged_at is None
    monkeypatch.undo()
    app = actions.acknowledge_notice(Application.objects.get(pk=app_id), by=clerk)
    assert app.bank_acknowledged_at is not None
    entry = AuditEntry.objects.get(action="mortgage_bank_acknowledged")
    assert entry.object_id == str(app_id) and entry.actor == clerk
