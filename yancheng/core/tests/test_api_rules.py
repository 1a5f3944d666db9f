"""Rules every endpoint of the API keeps, checked by walking the API itself (its OpenAPI document and its
schemas) so that a new endpoint is covered the day it is added: numbers bounded by their columns, one
text type for every string, JSON only, no two schemas with one name, no copies of signed-in answers."""

import json
import re
import uuid

import pytest
from ninja import Schema

from yancheng.api import api
from yancheng.core.pagination import MAX_LIMIT
from yancheng.core.roles import Role
from yancheng.core.schemas import TEXT_VALIDATORS

TOO_BIG = 2**63  # one past the largest number PostgreSQL's bigint and SQLite's integer hold


@pytest.fixture
def document():
    return api.get_openapi_schema()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def parameter_names(operation, where):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == where}


def invalid_fields(response) -> set[str]:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] == "invalid"
    return {str(part) for error in body["detail"] for part in error["loc"]}


def test_an_id_past_its_column_in_any_path_is_a_422_naming_it(client, users, document):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    checked = 0
    for path, method, operation in operations(document):
        ids = {name for name in parameter_names(operation, "path") if name.endswith("_id")}
        if not ids:
            continue
        url = re.sub(r"\{(\w+)\}", str(TOO_BIG), path)
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert ids <= invalid_fields(response), f"{method.upper()} {path}"
        checked += 1
    assert checked >= 20


def test_every_list_bounds_its_page_and_numeric_filters(client, users, document):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    lists = [path for path, method, op in operations(document) if "limit" in parameter_names(op, "query")]
    assert len(lists) >= 6
    for path in lists:
        url = re.sub(r"\{(\w+)\}", "1", path)
        for parameter, value in [
            ("limit", TOO_BIG),
            ("offset", TOO_BIG),
            ("limit", MAX_LIMIT + 1),
            ("limit", 0),
        ]:
            assert parameter in invalid_fields(client.get(url, {parameter: value})), f"{path} {parameter}"
        assert client.get(url, {"limit": MAX_LIMIT}).status_code in (200, 403), path
    assert "unit" in invalid_fields(client.get("/api/v1/requests", {"unit": TOO_BIG}))


def input_schemas():
    """Every schema a caller sends: the request bodies and query schemas of every operation."""
    found, stack = set(), list(Schema.__subclasses__())
    while stack:
        schema = stack.pop()
        stack.extend(schema.__subclasses__())
        if schema.__module__.startswith("yancheng.") and schema.__name__.endswith("In"):
            found.add(schema)
    return found


def is_text(annotation) -> bool:
    return annotation is str or (getattr(annotation, "__args__", None) or ()) == (str, type(None))


def test_every_text_a_caller_sends_is_of_the_one_text_type():
    schemas = input_schemas()
    assert len(schemas) >= 15
    plain = [
        f"{schema.__name__}.{name}"
        for schema in schemas
        for name, field in schema.model_fields.items()
        if is_text(field.annotation)
        and not any(getattr(m, "func", None) in TEXT_VALIDATORS for m in field.metadata)
    ]
    assert plain == [], f"strings without core.schemas.text / Lines: {plain}"


def test_no_two_schemas_share_a_name(document):
    names = {}
    stack = list(Schema.__subclasses__())
    while stack:
        schema = stack.pop()
        stack.extend(schema.__subclasses__())
        if schema.__module__.startswith("yancheng."):
            names.setdefault(schema.__name__, set()).add(schema.__module__)
    shared = {name: modules for name, modules in names.items() if len(modules) > 1}
    assert shared == {}
    # And the document says what each visit endpoint really takes and answers.
    paths = document["paths"]
    rating = paths["/api/v1/visits/{visit_id}/rating"]["post"]["requestBody"]
    assert rating["content"]["application/json"]["schema"]["$ref"].endswith("/VisitRatingIn")
    check = paths["/api/v1/visits/check"]["post"]["responses"][200]
    assert check["content"]["application/json"]["schema"]["$ref"].endswith("/PassCheckOut")


def test_the_document_describes_refusals_and_the_pdf(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert 400 in responses, f"{method} {path}"
        if operation.get("parameters") or operation.get("requestBody"):
            assert 422 in responses, f"{method} {path}"
        if "requestBody" in operation and "application/json" in operation["requestBody"]["content"]:
            assert {413, 415} <= set(responses), f"{method} {path}"
    pdf = document["paths"]["/api/v1/mortgage/applications/{application_id}/certificate.pdf"]["get"]
    assert list(pdf["responses"][200]["content"]) == ["application/pdf"]


def visit_request(**changes):
    return {
        "enterprise_uscc": "914304050000000000",
        "purpose": "inspection",
        "kind": "planned",
        "starts_at": "2027-03-01T09:00:00+08:00",
        "ends_at": "2027-03-01T11:00:00+08:00",
        "visitors": [],
        "submission_key": uuid.uuid4().hex,
        **changes,
    }


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/v1/visits/requests", "items", "a\ud800b"),
        ("/api/v1/visits/requests", "items", "响铃\x07"),
        ("/api/v1/visits/requests", "trigger_note", "两行\n说明"),
        ("/api/v1/visits/requests", "submission_key", "key-\x00-12345"),
        ("/api/v1/visits/check", "token", "a\ud800b"),
        ("/api/v1/visits/check", "short_code", "AB\x1bCD"),
        ("/api/v1/requests", "subject", "a\udfffb"),
        ("/api/v1/requests", "submission_key", "line\nbreak-key"),
        ("/api/v1/mortgage/applications", "debtor", "张\ud800三"),
    ],
)
def test_a_lone_surrogate_or_control_character_is_a_422_naming_the_field(client, users, url, field, value):
    client.force_login(users[Role.UNIT_OFFICIAL])
    # Sent as the JSON text a client would send: json.dumps escapes the surrogate as \ud800.
    body = json.dumps(
        {field: value, **({} if "visits/requests" not in url else visit_request(**{field: value}))}
    )
    assert field in invalid_fields(client.post(url, body, content_type="application/json"))


def test_new_lines_and_tabs_are_kept_in_a_text_of_several_lines(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    body = {
        "kind": "demand",
        "subject": "用电",
        "text": "第一行\r\n\t第二行",
        "submission_key": uuid.uuid4().hex,
    }
    response = client.post("/api/v1/requests", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["text"] == "第一行\r\n\t第二行"


def test_a_nul_in_the_path_is_a_400_in_the_apis_form(client, users):
    client.force_login(users[Role.BUSINESS_ENVIRONMENT_OFFICE])
    response = client.get("/api/v1/enterprises/a%00b")
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    assert client.get("/visits/requests/a%00b/").status_code == 400


def test_only_json_is_accepted_on_a_json_endpoint_with_415(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    for data, content_type in [
        ({"kind": "demand", "subject": "x"}, "multipart/form-data; boundary=BoUnDaRy"),
        ("kind=demand&subject=x", "application/x-www-form-urlencoded"),
        ('{"kind": "demand"}', "text/plain"),
    ]:
        if content_type.startswith("multipart"):
            response = client.post("/api/v1/requests", data)  # the test client encodes it as multipart
        else:
            response = client.post("/api/v1/requests", data, content_type=content_type)
        assert response.status_code == 415, (content_type, response.content[:200])
        assert response.json()["code"] == "unsupported_media_type"


def test_multipart_stays_accepted_where_the_endpoint_takes_a_form(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    body = {"kind": "demand", "subject": "附件", "text": "见附件", "submission_key": uuid.uuid4().hex}
    assert client.post("/api/v1/requests/with-attachments", body).status_code == 201


def test_a_ten_megabyte_body_is_a_413_in_the_apis_form(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    body = json.dumps({"kind": "demand", "subject": "大", "text": "字" * (10 * 1024 * 1024 // 3)})
    response = client.post("/api/v1/requests", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_signed_in_answers_are_never_stored_by_a_browser_or_proxy(client, users):
    client.force_login(users[Role.UNIT_OFFICIAL])
    for url in ["/", "/api/v1/me", "/visits/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_a_broken_multipart_form_is_a_400_on_the_api_and_on_pages(client, users):
    client.force_login(users[Role.ENTERPRISE_USER])
    broken = "multipart/form-data"  # no boundary: the body cannot be split into fields
    response = client.post("/api/v1/requests/with-attachments", "x", content_type=broken)
    assert response.status_code == 400 and response.json()["code"] == "unparsable"
    assert client.post("/requests/new/", "x", content_type=broken).status_code == 400
