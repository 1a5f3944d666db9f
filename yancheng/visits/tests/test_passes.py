"""Tests for the green pass tokens and short codes: no database, keys under a temporary VAR_DIR."""

import json
import os
import re
import stat
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import hypothesis
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from jwt.utils import base64url_decode, base64url_encode

from yancheng.visits import passes
from yancheng.visits.passes import (
    PASS_AUDIENCE,
    SHORT_CODE_ALPHABET,
    PassRejected,
    format_short_code,
    key_id,
    new_short_code,
    normalize_short_code,
    public_jwks,
    reset_key_cache,
    sign_pass,
    verify_pass,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_BEFORE = datetime(2026, 5, 12, 9, 0, tzinfo=SHANGHAI)
EXPIRES = datetime(2026, 5, 12, 12, 0, tzinfo=SHANGHAI)
INSIDE = datetime(2026, 5, 12, 10, 30, tzinfo=SHANGHAI)
USCC = "9144030071526726XG"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

fast = hypothesis.settings(max_examples=200, deadline=None, database=None)


@pytest.fixture
def keys(settings, tmp_path, monkeypatch):
    """A fresh VAR_DIR and no configured keys, so every test starts from a generated key."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(passes.SIGNING_KEY_ENV, raising=False)
    monkeypatch.delenv(passes.OLD_PUBLIC_KEYS_ENV, raising=False)
    reset_key_cache()
    yield tmp_path
    reset_key_cache()


def sign(**overrides) -> str:
    fields = {
        "pass_id": 41,
        "visit_id": 7,
        "visitor_user_id": 1203,
        "enterprise_uscc": USCC,
        "not_before": NOT_BEFORE,
        "expires": EXPIRES,
    } | overrides
    return sign_pass(**fields)


def rejection(token: str, now: datetime = INSIDE) -> str:
    with pytest.raises(PassRejected) as excinfo:
        verify_pass(token, now=now)
    return excinfo.value.code


def generated_key_file(var_dir: Path) -> Path:
    return var_dir / "keys" / passes.GENERATED_KEY_NAME


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def server_key(var_dir: Path) -> Ed25519PrivateKey:
    """The generated signing key, read back from its file: to sign tokens sign_pass would not make."""
    return serialization.load_pem_private_key(generated_key_file(var_dir).read_bytes(), password=None)


def signed_by_server(var_dir: Path, claims: dict) -> str:
    """A token with the server's own key and kid, but claims that sign_pass would never write."""
    kid = public_jwks()["keys"][0]["kid"]
    return jwt.encode(claims, server_key(var_dir), algorithm="EdDSA", headers={"kid": kid})


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def is_canonical(segment: str) -> bool:
    """Whether a base64url segment is the one encoding of its bytes (no stray bits in the last char)."""
    return base64url_encode(base64url_decode(segment)).decode() == segment


# --- A good pass ------------------------------------------------------------------------------


def test_signed_pass_verifies_inside_its_window(keys):
    claims = verify_pass(sign(), now=INSIDE)
    assert claims == {
        "aud": PASS_AUDIENCE,
        "iss": "yancheng",
        "jti": "41",
        "vis": 7,
        "sub": "1203",
        "ent": USCC,
        "nbf": int(NOT_BEFORE.timestamp()),
        "exp": int(EXPIRES.timestamp()),
        "iat": claims["iat"],
    }
    assert abs(claims["iat"] - timezone.now().timestamp()) < 60


def test_header_names_the_key_and_nothing_more(keys):
    token = sign()
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": public_jwks()["keys"][0]["kid"]}


@pytest.mark.parametrize(
    "now",
    [
        NOT_BEFORE,
        NOT_BEFORE - timedelta(seconds=60),  # a scanner clock a minute fast
        EXPIRES - timedelta(seconds=1),
        EXPIRES + timedelta(seconds=59),  # a scanner clock a minute slow
        INSIDE.astimezone(ZoneInfo("UTC")),  # the same instant in another zone
    ],
)
def test_window_edges_with_a_minute_of_leeway(keys, now):
    assert verify_pass(sign(), now=now)["jti"] == "41"


def test_before_the_window_is_not_yet_valid(keys):
    token = sign()
    with pytest.raises(PassRejected) as excinfo:
        verify_pass(token, now=NOT_BEFORE - timedelta(seconds=61))
    assert excinfo.value.code == "not_yet_valid"
    assert excinfo.value.message.startswith("未到访企时段")
    # The signature was good, so the scanner may show the booked window.
    assert excinfo.value.claims["nbf"] == int(NOT_BEFORE.timestamp())


def test_after_the_window_is_expired(keys):
    token = sign()
    assert rejection(token, now=EXPIRES + timedelta(seconds=60)) == "expired"
    assert rejection(token, now=EXPIRES + timedelta(days=1)) == "expired"


def test_now_defaults_to_the_current_time(keys):
    current = timezone.now()
    assert verify_pass(sign(not_before=current - timedelta(minutes=5), expires=current + timedelta(hours=1)))
    expected = "expired" if current >= INSIDE else "not_yet_valid"  # the fixed window is past or to come
    assert rejection(sign(), now=None) == expected


def test_surrounding_whitespace_from_a_scanner_is_ignored(keys):
    assert verify_pass(f" {sign()}\r\n", now=INSIDE)["vis"] == 7


def test_token_stays_short_enough_for_a_dense_free_qr_code(keys):
    token = sign(pass_id=2_147_483_647, visit_id=2_147_483_647, visitor_user_id=2_147_483_647)
    assert len(token) < 400


@pytest.mark.parametrize(
    "window",
    [
        {"not_before": datetime(2026, 5, 12, 9, 0)},
        {"expires": datetime(2026, 5, 12, 12, 0)},
        {"expires": NOT_BEFORE},
        {"expires": NOT_BEFORE - timedelta(hours=1)},
    ],
)
def test_sign_refuses_naive_or_empty_windows(keys, window):
    with pytest.raises(ValueError):
        sign(**window)


# --- Tampering and forgery --------------------------------------------------------------------


def test_any_flipped_bit_in_payload_or_signature_is_tampered(keys):
    header, payload, signature = sign().split(".")
    for segment_index, segment in ((1, payload), (2, signature)):
        data = base64url_decode(segment)
        for position in range(len(data)):
            for bit in range(8):
                changed = bytearray(data)
                changed[position] ^= 1 << bit
                parts = [header, payload, signature]
                parts[segment_index] = base64url_encode(bytes(changed)).decode()
                assert rejection(".".join(parts)) == "tampered", (segment_index, position, bit)


def test_any_changed_character_in_payload_or_signature_is_rejected(keys):
    """Each character replaced by every other base64url character.

    The bytes then differ, so the signature fails (tampered); only in a segment's last character can
    the new character leave stray bits that no encoder produces, which is refused before the
    signature check (malformed).
    """
    token = sign()
    payload_start = token.index(".") + 1
    seen = set()
    for position in range(payload_start, len(token)):
        if token[position] == ".":
            continue
        for char in BASE64URL:
            if char == token[position]:
                continue
            changed = token[:position] + char + token[position + 1 :]
            segment = changed[changed.rindex(".", 0, position) + 1 :].split(".")[0]
            expected = "tampered" if is_canonical(segment) else "malformed"
            assert rejection(changed) == expected, (position, char)
            seen.add(expected)
    assert seen == {"tampered", "malformed"}


def expected_for_header(segment: str, kid: str) -> str:
    if not is_canonical(segment):
        return "malformed"
    try:
        header = json.loads(base64url_decode(segment))
    except ValueError:
        return "malformed"
    if not isinstance(header, dict) or not isinstance(header.get("kid", ""), str):
        return "malformed"
    # Same key named: the signature covers the header too, so any other change is tampering.
    return "tampered" if header.get("kid") == kid else "unknown_key"


def test_any_changed_character_in_the_header_is_rejected(keys):
    token = sign()
    header, rest = token.split(".", 1)
    kid = jwt.get_unverified_header(token)["kid"]
    seen = set()
    for position in range(len(header)):
        for char in BASE64URL:
            if char == header[position]:
                continue
            changed = header[:position] + char + header[position + 1 :]
            expected = expected_for_header(changed, kid)
            assert rejection(f"{changed}.{rest}") == expected, (position, char)
            seen.add(expected)
    assert seen == {"tampered", "malformed", "unknown_key"}


@pytest.mark.parametrize("char", ["!", "=", ".", "%", "+", "/", " ", "é"])
def test_characters_outside_the_token_alphabet_are_malformed(keys, char):
    token = sign()
    assert rejection(token[:100] + char + token[101:]) == "malformed"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "a.b.c",
        "...",
        "https://yancheng.example/visits/p/41",
        "eyJhbGciOiJFZERTQSJ9",
        "7K3M-QX9P",
    ],
)
def test_things_that_are_no_token_are_malformed(keys, text):
    assert rejection(text) == "malformed"


def test_another_key_with_the_same_kid_is_tampered(keys):
    genuine = sign()
    forger = Ed25519PrivateKey.generate()
    forged = jwt.encode(
        claims_of(genuine),
        forger,
        algorithm="EdDSA",
        headers=jwt.get_unverified_header(genuine) | {"typ": None},
    )
    assert jwt.get_unverified_header(forged) == jwt.get_unverified_header(genuine)
    assert rejection(forged) == "tampered"


def test_another_key_under_its_own_kid_is_unknown(keys):
    forger = Ed25519PrivateKey.generate()
    kid = key_id(forger.public_key())
    forged = jwt.encode(claims_of(sign()), forger, algorithm="EdDSA", headers={"kid": kid})
    assert rejection(forged) == "unknown_key"
    assert rejection(jwt.encode(claims_of(sign()), forger, algorithm="EdDSA")) == "unknown_key"  # no kid


def test_other_algorithms_under_our_kid_are_tampered(keys):
    token = sign()
    kid = jwt.get_unverified_header(token)["kid"]
    claims = claims_of(token)
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    # The classic confusion: an HMAC keyed with the published public key.
    x = public_jwks()["keys"][0]["x"]
    hmac = jwt.encode(claims, base64url_decode(x), algorithm="HS256", headers={"kid": kid})
    assert rejection(unsigned) == "tampered"
    assert rejection(hmac) == "tampered"


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "yancheng:login"},
        {"aud": [PASS_AUDIENCE, "yancheng:login"]},
        {"aud": [PASS_AUDIENCE]},
        {"iss": "someone-else"},
    ],
)
def test_a_token_for_another_purpose_is_wrong_purpose(keys, change):
    claims = claims_of(sign()) | change
    token = signed_by_server(keys, claims)
    assert rejection(token) == "wrong_purpose"


@pytest.mark.parametrize("missing", passes.REQUIRED_CLAIMS)
def test_every_claim_is_required(keys, missing):
    claims = claims_of(sign())
    del claims[missing]
    token = signed_by_server(keys, claims)
    assert rejection(token) == "malformed"


@pytest.mark.parametrize(
    "change",
    [
        {"vis": "7"},
        {"vis": True},
        {"nbf": "1778547600"},
        {"exp": 1.5e9},
        {"ent": 914403},
        {"jti": 41},
        {"sub": 1203},
    ],
)
def test_claims_of_the_wrong_type_are_malformed(keys, change):
    claims = claims_of(sign()) | change
    token = signed_by_server(keys, claims)
    assert rejection(token) == "malformed"


def test_every_rejection_has_a_chinese_message(keys):
    for code, message in PassRejected.MESSAGES.items():
        error = PassRejected(code)
        assert (error.code, error.message, str(error)) == (code, str(message), str(message))
        assert re.search(r"[\u4e00-\u9fff]", str(message))
    assert PassRejected.MESSAGES["malformed"].startswith("无法识别的通行码")
    assert PassRejected.MESSAGES["tampered"].startswith("通行码签名无效，可能被篡改")
    assert PassRejected.MESSAGES["expired"].startswith("访企时段已过，通行码已失效")


# --- Offline verification -----------------------------------------------------------------------


def test_an_offline_verifier_needs_only_the_published_keys(keys):
    current = timezone.now()
    token = sign(not_before=current - timedelta(minutes=1), expires=current + timedelta(hours=2))
    published = json.loads(json.dumps(public_jwks()))  # as served by the API

    # What a gate tablet does, with PyJWT alone: pick the key by kid, check signature, purpose, time.
    by_kid = {jwk["kid"]: jwt.PyJWK(jwk) for jwk in published["keys"]}
    key = by_kid[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=PASS_AUDIENCE, issuer="yancheng")
    assert claims["jti"] == "41"

    forged = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": key.key_id})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key, algorithms=["EdDSA"], audience=PASS_AUDIENCE, issuer="yancheng")


def test_published_keys_are_public_ed25519_jwks(keys):
    (jwk,) = public_jwks()["keys"]
    assert set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", jwk["x"])  # 32 bytes, unpadded base64url
    assert re.fullmatch(r"[0-9a-f]{16}", jwk["kid"])
    assert jwk["kid"] == key_id(server_key(keys).public_key())
    assert "d" not in jwk  # never the private part


# --- Key management ------------------------------------------------------------------------------


def test_generated_key_is_private_and_reused(keys):
    first_kid = jwt.get_unverified_header(sign())["kid"]
    key_file = generated_key_file(keys)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    pem = key_file.read_bytes()

    reset_key_cache()  # as a restarted process would
    token = sign()
    assert jwt.get_unverified_header(token)["kid"] == first_kid
    assert key_file.read_bytes() == pem
    assert os.listdir(key_file.parent) == [key_file.name]  # no temp files left behind
    assert verify_pass(token, now=INSIDE)


def test_key_is_loaded_once_per_process(keys, monkeypatch):
    sign()
    loads = []
    real_load = serialization.load_pem_private_key
    monkeypatch.setattr(
        serialization, "load_pem_private_key", lambda *a, **k: loads.append(1) or real_load(*a, **k)
    )
    for _ in range(5):
        verify_pass(sign(), now=INSIDE)
    assert loads == []


def test_two_processes_generating_at_once_end_up_with_one_key(keys, monkeypatch):
    """Another process links its key in between our existence check and our link: its key wins."""
    winner = Ed25519PrivateKey.generate()
    key_file = generated_key_file(keys)
    real_link = os.link

    def link_after_the_other_process(source, target):
        key_file.write_bytes(private_pem(winner))
        return real_link(source, target)

    monkeypatch.setattr(passes.os, "link", link_after_the_other_process)
    assert jwt.get_unverified_header(sign())["kid"] == key_id(winner.public_key())
    assert os.listdir(key_file.parent) == [key_file.name]


def test_a_configured_signing_key_is_used(keys, monkeypatch):
    configured = Ed25519PrivateKey.generate()
    key_file = keys / "configured.pem"
    key_file.write_bytes(private_pem(configured))
    monkeypatch.setenv(passes.SIGNING_KEY_ENV, str(key_file))
    reset_key_cache()

    token = sign()
    assert jwt.get_unverified_header(token)["kid"] == key_id(configured.public_key())
    assert verify_pass(token, now=INSIDE)["jti"] == "41"
    assert [jwk["kid"] for jwk in public_jwks()["keys"]] == [key_id(configured.public_key())]
    assert not generated_key_file(keys).exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"not a key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"],
)
def test_an_unreadable_configured_key_is_a_configuration_error(keys, monkeypatch, content):
    key_file = keys / "configured.pem"
    key_file.write_bytes(content)
    monkeypatch.setenv(passes.SIGNING_KEY_ENV, str(key_file))
    reset_key_cache()
    with pytest.raises(ImproperlyConfigured):
        sign()


def test_a_configured_key_of_another_type_is_a_configuration_error(keys, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import ec

    key_file = keys / "configured.pem"
    key_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    monkeypatch.setenv(passes.SIGNING_KEY_ENV, str(key_file))
    reset_key_cache()
    with pytest.raises(ImproperlyConfigured, match="Ed25519"):
        sign()


def test_an_old_public_key_still_verifies_its_passes(keys, monkeypatch):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (keys / "old.pem").write_bytes(private_pem(old))
    (keys / "new.pem").write_bytes(private_pem(new))
    monkeypatch.setenv(passes.SIGNING_KEY_ENV, str(keys / "old.pem"))
    reset_key_cache()
    old_pass = sign()

    # Rotation: the new key signs, the old one's public half stays for verification only.
    monkeypatch.setenv(passes.SIGNING_KEY_ENV, str(keys / "new.pem"))
    reset_key_cache()
    assert rejection(old_pass) == "unknown_key"

    retired = Ed25519PrivateKey.generate()
    (keys / "retired.pem").write_bytes(public_pem(retired) + b"\n" + public_pem(old))
    monkeypatch.setenv(passes.OLD_PUBLIC_KEYS_ENV, str(keys / "retired.pem"))
    reset_key_cache()
    assert verify_pass(old_pass, now=INSIDE)["jti"] == "41"
    new_pass = sign()
    assert jwt.get_unverified_header(new_pass)["kid"] == key_id(new.public_key())
    assert verify_pass(new_pass, now=INSIDE)
    assert [jwk["kid"] for jwk in public_jwks()["keys"]] == [
        key_id(new.public_key()),
        key_id(retired.public_key()),
        key_id(old.public_key()),
    ]


def test_old_keys_file_may_be_empty_or_repeat_the_current_key(keys, monkeypatch):
    current_kid = public_jwks()["keys"][0]["kid"]
    old_file = keys / "old.pem"
    monkeypatch.setenv(passes.OLD_PUBLIC_KEYS_ENV, str(old_file))

    old_file.write_bytes(b"")
    reset_key_cache()
    assert [jwk["kid"] for jwk in public_jwks()["keys"]] == [current_kid]

    old_file.write_bytes(public_pem(server_key(keys)))
    reset_key_cache()
    assert [jwk["kid"] for jwk in public_jwks()["keys"]] == [current_kid]


def test_a_private_key_in_the_old_keys_file_is_refused(keys, monkeypatch):
    old_file = keys / "old.pem"
    old_file.write_bytes(private_pem(Ed25519PrivateKey.generate()))
    monkeypatch.setenv(passes.OLD_PUBLIC_KEYS_ENV, str(old_file))
    reset_key_cache()
    with pytest.raises(ImproperlyConfigured, match="PUBLIC KEY"):
        public_jwks()


# --- Short codes -------------------------------------------------------------------------------

raw_codes = st.text(alphabet=SHORT_CODE_ALPHABET, min_size=8, max_size=8)


def test_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(SHORT_CODE_ALPHABET.upper())
    assert SHORT_CODE_ALPHABET.isupper()
    assert len(set(SHORT_CODE_ALPHABET)) == len(SHORT_CODE_ALPHABET)


def test_new_short_codes_are_formatted_for_reading_out():
    codes = {new_short_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert re.fullmatch(rf"[{SHORT_CODE_ALPHABET}]{{4}}-[{SHORT_CODE_ALPHABET}]{{4}}", code)
        assert normalize_short_code(code) == code


@fast
@given(raw_codes)
def test_normalize_undoes_format(raw):
    assert normalize_short_code(format_short_code(raw)) == format_short_code(raw)


@fast
@given(raw_codes, st.data())
def test_normalize_accepts_how_people_type_it(raw, data):
    code = format_short_code(raw)
    typed = data.draw(
        st.sampled_from(
            [
                code.lower(),
                raw,
                raw.lower(),
                f"  {raw[:4]} {raw[4:]} ",
                f"{raw[:4]} - {raw[4:]}",
                f"{raw[:4]}—{raw[4:]}",
                "".join(chr(ord(c) + 0xFEE0) for c in raw),  # full-width, from a Chinese IME
                f"{raw[:4]}\u3000{raw[4:]}",  # ideographic space
                " ".join(raw),
            ]
        )
    )
    assert normalize_short_code(typed) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ABCD-EFG",
        "ABCD-EFGHJ",
        "ABCD-EFG0",
        "ABCD-EFGO",
        "1234-5678",
        "ABCD_EFGH",
        "ABCD.EFGH",
        "ABCDéFGH",
    ],
)
def test_normalize_refuses_what_cannot_be_a_code(text):
    with pytest.raises(ValueError):
        normalize_short_code(text)
