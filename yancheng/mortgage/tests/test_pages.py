"""The mortgage pages: the bank clerk's form and list, the registry's queue and register browser, the
mortgagor's certificate page, public verification, who may see what, and the demo register."""

import io
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yancheng.core.models import AuditEntry
from yancheng.core.roles import Role
from yancheng.mortgage.choices import ApplicationStatus
from yancheng.mortgage.models import Application, Certificate

from .conftest import OWNER, SPOUSE, filed, filing_for, make_unit


def form_data(unit, **changes):
    today = timezone.localdate()
    data = {
        "unit_number": unit.number,
        "name_1": OWNER[0],
        "id_1": OWNER[1],
        "name_2": SPOUSE[0],
        "id_2": SPOUSE[1],
        "debtor": OWNER[0],
        "kind": "ordinary",
        "amount": "600000.00",
        "term_start": today.isoformat(),
        "term_end": today.replace(year=today.year + 20).isoformat(),
        "contract_number": "ICBC-HY-FORM-0001",
        "identity_method": "face",
        "identity_verified_at": (timezone.localtime() - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return data


def test_the_form_records_a_clean_filing_and_shows_the_certificate_number(client, bank, clerk, property_unit):
    client.force_login(clerk)
    response = client.post(reverse("mortgage:apply"), form_data(property_unit), follow=True)
    app = Application.objects.get(contract_number="ICBC-HY-FORM-0001")
    assert app.status == ApplicationStatus.RECORDED
    page = response.content.decode()
    assert "已登簿" in page and "600,000.00 元" in page
    assert app.certificate.number in page
    assert app.certificate.verification_code in page
    listing = client.get(reverse("mortgage:applications")).content.decode()
    assert app.contract_number in listing and "登簿" in listing


def test_a_failing_filing_shows_each_failed_checks_reason(client, bank, clerk, property_unit):
    client.force_login(clerk)
    data = form_data(property_unit, name_2="", id_2="")  # one of the two holders is missing
    response = client.post(reverse("mortgage:apply"), data, follow=True)
    app = Application.objects.get(contract_number="ICBC-HY-FORM-0001")
    assert app.status == ApplicationStatus.TO_PERSON
    page = response.content.decode()
    assert "转登记人员人工审核" in page
    assert "抵押人须为全部现权利人" in page


def test_the_form_refuses_an_incomplete_mortgagor_row(client, bank, clerk, property_unit):
    client.force_login(clerk)
    response = client.post(reverse("mortgage:apply"), form_data(property_unit, id_2=""))
    assert response.status_code == 200
    assert "请同时填写抵押人姓名和证件号码" in response.content.decode()
    assert not Application.objects.exists()


def field_errors(page: str, name: str) -> str:
    """The text of the label that holds input `name`: its error is shown there, beside the input."""
    label = re.search(rf'<label[^>]*>(?:(?!</label>).)*name="{name}"(?:(?!</label>).)*</label>', page, re.S)
    assert label, name
    return label.group(0)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("unit_number", "430405001002GB00001F0001000", "应为 28 位，当前为 27 位"),
        ("unit_number", "430405001002GB0000OF00010001", "第 15–19 位（宗地顺序号）应为 5 位数字"),
        ("id_2", SPOUSE[1][:-1] + ("1" if SPOUSE[1][-1] != "1" else "2"), "校验不通过"),
        ("amount", "0", "须大于零"),
        ("amount", "-5.00", "须大于零"),
        ("term_end", "2020-01-01", "截止日期早于起始日期"),
    ],
)
def test_malformed_input_is_shown_on_its_field_with_the_input_kept_and_nothing_is_filed(
    client, bank, clerk, property_unit, field, typed, message
):
    client.force_login(clerk)
    response = client.post(reverse("mortgage:apply"), form_data(property_unit, **{field: typed}))
    assert response.status_code == 200
    label = field_errors(response.content.decode(), field)
    assert message in label and f'value="{typed}"' in label
    assert not Application.objects.exists()


def test_the_form_records_what_the_clerk_meant_when_typed_full_width_or_lower_case(
    client, bank, clerk, property_unit
):
    client.force_login(clerk)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    data = form_data(
        property_unit,
        unit_number=f" {property_unit.number.lower().translate(full_width)} ",
        id_1=OWNER[1].translate(full_width),
        contract_number="icbc-hy-form-0001",
    )
    client.post(reverse("mortgage:apply"), data)
    app = Application.objects.get()
    assert app.status == ApplicationStatus.RECORDED
    assert app.unit_number == property_unit.number and app.contract_number == "ICBC-HY-FORM-0001"
    assert app.mortgagors[0]["id_number"] == OWNER[1]


@pytest.fixture
def to_person(bank, clerk, hengyang):
    unit = make_unit(hengyang["regions"]["zhuhui"], 2, land_kind="collective")
    app = filed(bank, by=clerk, filing=filing_for(unit))
    assert app.status == ApplicationStatus.TO_PERSON
    return app


def test_the_clerk_withdraws_a_pending_application_from_its_page_and_files_it_again(
    client, clerk, to_person, users
):
    client.force_login(clerk)
    page_url = reverse("mortgage:application", args=[to_person.pk])
    assert "撤回申请" in client.get(page_url).content.decode()
    response = client.post(reverse("mortgage:withdraw", args=[to_person.pk]), follow=True)
    assert response.redirect_chain[-1][0] == page_url
    page = response.content.decode()
    assert "已撤回申请" in page and "已撤回" in page and "撤回申请</button>" not in page
    to_person.refresh_from_db()
    assert to_person.status == ApplicationStatus.WITHDRAWN
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    assert to_person.contract_number not in client.get(reverse("mortgage:queue")).content.decode()

    client.force_login(clerk)
    corrected = form_data(to_person.property_unit, contract_number=to_person.contract_number, amount="650000")
    client.post(reverse("mortgage:apply"), corrected)
    assert Application.objects.filter(contract_number=to_person.contract_number).count() == 2


def test_a_recorded_application_offers_no_withdrawal_and_refuses_one(client, bank, clerk, property_unit):
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    client.force_login(clerk)
    assert "撤回申请" not in client.get(reverse("mortgage:application", args=[app.pk])).content.decode()
    response = client.post(reverse("mortgage:withdraw", args=[app.pk]), follow=True)
    assert "只有尚未办结的申请可以撤回" in response.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECORDED


def test_the_same_contract_with_other_content_is_shown_on_the_contract_field(client, clerk, to_person):
    client.force_login(clerk)
    data = form_data(to_person.property_unit, contract_number=to_person.contract_number, amount="650000")
    response = client.post(reverse("mortgage:apply"), data)
    label = field_errors(response.content.decode(), "contract_number")
    assert f"第 {to_person.pk} 号申请" in label and "撤回" in label
    assert Application.objects.count() == 1


@pytest.fixture
def recorded(bank, clerk, property_unit):
    bank.webhook_url, bank.webhook_secret = "http://127.0.0.1:9/notice", "s" * 40
    bank.save()
    return filed(bank, by=clerk, filing=filing_for(property_unit))


def delivery(page: str) -> str:
    found = re.search(r'<section[^>]*id="notice".*?</section>', page, re.S)
    assert found, page
    return re.sub(r"\s+", " ", found.group(0))


def test_the_banks_page_shows_the_notice_waiting_then_each_failed_try_then_its_delivery(
    client, clerk, recorded
):
    client.force_login(clerk)
    url = reverse("mortgage:application", args=[recorded.pk])
    page = client.get(url).content.decode()
    waiting = delivery(page)
    assert "等待发送" in waiting and 'hx-trigger="every 3s"' in waiting  # the page follows it by itself
    assert re.search(r"<dt>通知银行</dt><dd>等待发送</dd>", page)  # not "—"

    tried_at = timezone.now()
    Application.objects.filter(pk=recorded.pk).update(
        bank_notice_tries=2, bank_notice_tried_at=tried_at, bank_notice_error="HTTP 503",
        bank_notice_retry_at=tried_at + timedelta(minutes=2),
    )  # fmt: skip
    retrying = delivery(client.get(reverse("mortgage:notice", args=[recorded.pk])).content.decode())
    local = timezone.localtime(tried_at)
    assert "已尝试 2 次" in retrying and "HTTP 503" in retrying and f"{local:%Y-%m-%d %H:%M:%S}" in retrying
    assert (
        f"{timezone.localtime(tried_at + timedelta(minutes=2)):%H:%M}" in retrying and "every 30s" in retrying
    )

    Application.objects.filter(pk=recorded.pk).update(
        bank_notified_at=tried_at + timedelta(minutes=2), bank_notice_tries=3, bank_notice_retry_at=None
    )
    delivered = delivery(client.get(url).content.decode())
    assert "已送达" in delivered and "第 3 次尝试" in delivered and "hx-trigger" not in delivered
    assert f"{timezone.localtime(tried_at + timedelta(minutes=2)):%Y-%m-%d %H:%M:%S}" in delivered


def test_the_banks_page_says_when_delivery_stopped_or_there_is_no_address(
    client, bank, clerk, recorded, hengyang
):
    client.force_login(clerk)
    Application.objects.filter(pk=recorded.pk).update(
        bank_notice_tries=8, bank_notice_error="URLError: refused"
    )
    stopped = delivery(client.get(reverse("mortgage:application", args=[recorded.pk])).content.decode())
    assert "已停止重试" in stopped and "URLError: refused" in stopped and "hx-trigger" not in stopped
    bank.webhook_url, bank.webhook_secret = "", ""
    bank.save()
    unit = make_unit(hengyang["regions"]["zhuhui"], 3)
    quiet = filed(bank, by=clerk, filing=filing_for(unit))
    assert "本行未设置通知地址" in delivery(
        client.get(reverse("mortgage:application", args=[quiet.pk])).content.decode()
    )


def test_the_clerk_acknowledges_the_notice_and_records_the_loan_on_the_page(client, clerk, recorded):
    client.force_login(clerk)
    url = reverse("mortgage:application", args=[recorded.pk])
    page = client.get(url).content.decode()
    assert "确认收到通知" in page and "已放款" in page
    response = client.post(reverse("mortgage:acknowledge", args=[recorded.pk]), follow=True)
    assert response.redirect_chain[-1][0] == url and "已确认收到登簿通知" in response.content.decode()
    response = client.post(reverse("mortgage:loan_released", args=[recorded.pk]), follow=True)
    assert "已登记放款" in response.content.decode()
    recorded.refresh_from_db()
    assert recorded.recorded_at <= recorded.bank_acknowledged_at <= recorded.loan_released_at
    page = response.content.decode()
    assert "确认收到通知</button>" not in page and "已放款</button>" not in page
    assert f"{timezone.localtime(recorded.loan_released_at):%Y-%m-%d %H:%M:%S}" in page
    assert (
        AuditEntry.objects.filter(action__in=["mortgage_bank_acknowledged", "mortgage_loan_released"]).count()
        == 2
    )


def test_a_pending_application_offers_neither_acknowledgement_nor_loan(client, clerk, to_person):
    client.force_login(clerk)
    page = client.get(reverse("mortgage:application", args=[to_person.pk])).content.decode()
    assert "确认收到通知</button>" not in page and "已放款</button>" not in page
    response = client.post(reverse("mortgage:loan_released", args=[to_person.pk]), follow=True)
    assert "抵押权登簿后才能登记放款" in response.content.decode()
    to_person.refresh_from_db()
    assert to_person.loan_released_at is None


def test_the_registry_official_sees_the_delivery_but_not_the_banks_buttons(client, users, recorded):
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    page = client.get(reverse("mortgage:application", args=[recorded.pk])).content.decode()
    assert "等待发送" in delivery(page) and "确认收到通知</button>" not in page


def test_the_registry_records_from_the_queue(client, users, to_person):
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    page = client.get(reverse("mortgage:queue")).content.decode()
    assert to_person.contract_number in page and "土地性质为集体建设用地" in page
    assert "600,000.00 元" in page
    response = client.post(
        reverse("mortgage:decide", args=[to_person.pk]), {"decision": "record"}, follow=True
    )
    to_person.refresh_from_db()
    assert to_person.status == ApplicationStatus.RECORDED
    assert to_person.certificate.number in response.content.decode()
    assert to_person.certificate.pdf


def test_the_registry_refuses_from_the_queue_with_a_reason(client, users, to_person):
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    url = reverse("mortgage:decide", args=[to_person.pk])
    response = client.post(url, {"decision": "refuse", "reason": ""}, follow=True)
    assert "不予登记须写明理由" in response.content.decode()
    client.post(url, {"decision": "refuse", "reason": "集体土地抵押须经村民会议同意，未见决议。"})
    to_person.refresh_from_db()
    assert to_person.status == ApplicationStatus.REFUSED
    assert to_person.refusal_reason.startswith("集体土地")


def test_the_register_browser_shows_holders_mortgages_and_entries(client, users, bank, clerk, property_unit):
    app = filed(bank, by=clerk, filing=filing_for(property_unit))
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    page = client.get(reverse("mortgage:register"), {"number": property_unit.number}).content.decode()
    assert OWNER[0] in page and SPOUSE[1] in page
    assert "第1顺位" in page and bank.name in page and "600,000.00 元" in page
    assert app.entries.get().hash in page
    missing = client.get(reverse("mortgage:register"), {"number": "430405001002GB99999F00019999"})
    assert "登记簿中没有这个不动产单元" in missing.content.decode()


@pytest.fixture
def certificate(bank, clerk, property_unit) -> Certificate:
    return filed(bank, by=clerk, filing=filing_for(property_unit)).certificate


def test_the_verification_page_confirms_a_real_certificate(client, certificate, bank, property_unit):
    query = {"number": certificate.number, "code": certificate.verification_code}
    page = client.get(reverse("mortgage:verify"), query).content.decode()
    assert "真实有效" in page
    assert certificate.number in page and property_unit.number in page and bank.name in page


@pytest.mark.parametrize("wrong", ["code", "number"])
def test_the_verification_page_refuses_a_wrong_pair_without_saying_which_part(client, certificate, wrong):
    query = {"number": certificate.number, "code": certificate.verification_code}
    query[wrong] = "ZZZZZZZZ" if wrong == "code" else certificate.number.replace("第", "第9")
    page = client.get(reverse("mortgage:verify"), query).content.decode()
    assert "真实有效" not in page
    assert "证明号与核验码不匹配" in page


def test_the_mortgagor_sees_the_certificate_and_downloads_it_signed_on_demand(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(pdf=None, signed_at=None)
    query = {"number": certificate.number, "code": certificate.verification_code.lower()}
    page = client.get(reverse("mortgage:certificate"), query).content.decode()
    assert certificate.number in page and "下载证明 PDF" in page
    response = client.get(f"{reverse('mortgage:certificate_pdf')}?{urlencode(query)}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf
    wrong = client.get(reverse("mortgage:certificate_pdf"), {**query, "code": "WRONG"})
    assert wrong.status_code == 404


def test_home_panels_show_todays_applications_and_the_queue(client, users, clerk, to_person):
    client.force_login(clerk)
    assert to_person.contract_number in client.get(reverse("home")).content.decode()
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    page = client.get(reverse("home")).content.decode()
    assert "待人工审核的抵押登记" in page and to_person.contract_number in page


def test_authorization_matrix(
    client, users, bank, other_bank, clerk, property_unit, to_person, assert_refused
):
    others = [u for k, u in users.items() if k not in (Role.BANK_CLERK, "other_bank")]
    not_registry = [u for k, u in users.items() if k not in (Role.REGISTRY_OFFICIAL, Role.ADMINISTRATOR)] + [
        None
    ]
    data = form_data(property_unit, contract_number="X-1")
    # Only bank clerks file and list their bank's applications.
    for method, url, payload in [
        ("GET", reverse("mortgage:apply"), None),
        ("GET", reverse("mortgage:applications"), None),
    ]:
        assert_refused([*others, None], method, url, payload)
    for caller in [*others, None]:
        client.logout()
        if caller is not None:
            client.force_login(caller)
        before = Application.objects.count()
        response = client.post(reverse("mortgage:apply"), data)
        assert response.status_code in (302, 403) and Application.objects.count() == before
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    # Another bank's application is not found.
    assert_refused([users["other_bank"], None], "GET", reverse("mortgage:application", args=[to_person.pk]))
    client.force_login(users["other_bank"])
    assert to_person.contract_number not in client.get(reverse("mortgage:applications")).content.decode()
    # Only the registry sees the queue, decides and browses the register.
    assert_refused(not_registry, "GET", reverse("mortgage:queue"))
    assert_refused(not_registry, "GET", reverse("mortgage:register"), {"number": property_unit.number})
    assert_refused(
        not_registry, "POST", reverse("mortgage:decide", args=[to_person.pk]), {"decision": "record"}
    )
    # Only the bank's own clerks withdraw, acknowledge and record the loan.
    assert_refused([users["other_bank"], None], "GET", reverse("mortgage:notice", args=[to_person.pk]))
    for step in ("withdraw", "acknowledge", "loan_released"):
        assert_refused(
            [*others, users["other_bank"], None], "POST", reverse(f"mortgage:{step}", args=[to_person.pk])
        )
    # Anonymous: the certificate and verification pages only.
    client.logout()
    assert client.get(reverse("mortgage:verify")).status_code == 200
    assert client.get(reverse("mortgage:certificate")).status_code == 200


def mortgage_counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("mortgage").get_models()}


def test_the_demo_loads_twice_without_duplicates(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = mortgage_counts()
    assert first["mortgage.PropertyUnit"] == 300 and first["mortgage.Bank"] == 2
    assert first["mortgage.MortgageRight"] >= 3 and first["mortgage.Encumbrance"] >= 2
    assert Application.objects.filter(status=ApplicationStatus.TO_PERSON).exists()
    assert Certificate.objects.filter(pdf__isnull=False).count() == first["mortgage.Certificate"]
    assert "可试办抵押的单元" in out.getvalue()
    call_command("load_demo", stdout=io.StringIO())
    assert mortgage_counts() == first


def test_an_address_that_keeps_guessing_codes_is_refused_for_a_while_and_it_is_audited(client, certificate):
    from yancheng.core.models import AuditEntry
    from yancheng.mortgage.actions import LOOKUP_MISSES_ALLOWED

    right = {"number": certificate.number, "code": certificate.verification_code}
    for guess in range(LOOKUP_MISSES_ALLOWED):
        page = client.get(reverse("mortgage:verify"), {**right, "code": f"ZZZZ{guess:04d}"})
        assert page.status_code == 200 and "证明号与核验码不匹配" in page.content.decode()
    assert AuditEntry.objects.filter(action="mortgage_lookup_limited").count() == 1
    for url in ("mortgage:verify", "mortgage:certificate", "mortgage:certificate_pdf"):
        refused = client.get(reverse(url), right)  # even the right pair, from this address
        assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    other = client.get(reverse("mortgage:verify"), right, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and "真实有效" in other.content.decode()


def test_the_registry_records_a_cancellation_from_the_queue(client, users, bank, clerk, property_unit):
    right = filed(bank, by=clerk, filing=filing_for(property_unit)).mortgage_right
    # A second mortgage waits for a person, so the cancellation goes to a person too.
    filed(bank, by=clerk, filing=filing_for(property_unit))
    cancellation = filed(
        bank, by=clerk, filing=filing_for(property_unit, operation="cancellation", cancels_id=right.pk)
    )
    assert cancellation.status == ApplicationStatus.TO_PERSON
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    response = client.post(
        reverse("mortgage:decide", args=[cancellation.pk]), {"decision": "record"}, follow=True
    )
    assert response.status_code == 200
    assert f"已登簿：{property_unit.number} 第1顺位抵押权已注销。" in response.content.decode()
    right.refresh_from_db()
    assert right.cancelled_at is not None


def cancel(bank, clerk, unit, certificate):
    right = certificate.application.mortgage_right
    filed(bank, by=clerk, filing=filing_for(unit, operation="cancellation", cancels_id=right.pk))
    right.refresh_from_db()
    assert right.cancelled_at is not None
    return right


def test_the_verification_page_says_when_the_mortgage_was_cancelled(
    client, certificate, bank, clerk, property_unit, django_assert_max_num_queries
):
    query = {"number": certificate.number, "code": certificate.verification_code}
    client.get(reverse("mortgage:verify"), query)  # the address's first look-up makes its miss counter
    # The counter, locked (a savepoint in a test, a transaction in production), and the certificate with
    # its right.
    with django_assert_max_num_queries(4):
        client.get(reverse("mortgage:verify"), query)
    right = cancel(bank, clerk, property_unit, certificate)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("mortgage:verify"), query).content.decode()
    assert "真实有效" not in page
    cancelled_on = timezone.localtime(right.cancelled_at).strftime("%Y年%m月%d日")
    assert "证明真实" in page and f"抵押权已于{cancelled_on}注销" in page and "请勿" in page
    assert certificate.number in page


def test_the_mortgagors_certificate_page_says_when_the_mortgage_was_cancelled(
    client, certificate, bank, clerk, property_unit
):
    right = cancel(bank, clerk, property_unit, certificate)
    query = {"number": certificate.number, "code": certificate.verification_code}
    page = client.get(reverse("mortgage:certificate"), query).content.decode()
    cancelled_on = timezone.localtime(right.cancelled_at).strftime("%Y年%m月%d日")
    assert certificate.number in page and f"抵押权已于{cancelled_on}注销" in page


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T12:00"])
def test_the_form_refuses_an_identity_check_time_out_of_range(client, bank, clerk, property_unit, when):
    client.force_login(clerk)
    response = client.post(reverse("mortgage:apply"), form_data(property_unit, identity_verified_at=when))
    assert response.status_code == 200
    assert "身份核验时间须在" in response.content.decode()
    assert not Application.objects.exists()


# PostgreSQL refuses NUL in text: core's RejectNullCharacterMiddleware answers 400 before a view can
# look such a number up (a NUL is never in a real number or code). Pinned here for the mortgage pages.
@pytest.mark.parametrize("url", ["mortgage:verify", "mortgage:certificate", "mortgage:certificate_pdf"])
@pytest.mark.parametrize("part", ["number", "code"])
def test_a_nul_in_a_certificate_lookup_is_an_invalid_request(client, certificate, url, part):
    query = {"number": certificate.number, "code": certificate.verification_code}
    query[part] += "\x00"
    response = client.get(reverse(url), query)
    assert response.status_code == 400 and "请求无效" in response.content.decode()


def test_a_nul_in_the_register_search_is_an_invalid_request(client, users, property_unit):
    client.force_login(users[Role.REGISTRY_OFFICIAL])
    response = client.get(reverse("mortgage:register"), {"number": property_unit.number + "\x00"})
    assert response.status_code == 400 and "请求无效" in response.content.decode()


def test_a_bank_changed_in_the_admin_is_audited_without_its_signing_key(client, users, bank):
    client.force_login(users[Role.ADMINISTRATOR])
    secret = "k" * 40
    form = {
        "unit": bank.unit_id,
        "name": bank.name,
        "webhook_url": "https://bank.example.cn/notice",
        "webhook_secret": secret,
    }
    response = client.post(f"/admin/mortgage/bank/{bank.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin_changed", object_type="mortgage.bank")
    assert entry.changes["webhook_url"] == ["", "https://bank.example.cn/notice"]
    old, new = entry.changes["webhook_secret"]
    assert old == "" and new.startswith("****") and secret not in str(entry.changes)
