"""Green passes for 赋码入企: a signed token in the QR code and a short code to read out.

The token is a compact JWT signed with Ed25519 (PyJWT, ``alg`` EdDSA). A public-key signature lets
a verifier at the gate check a pass offline with nothing but the keys from ``public_jwks()``; the
server alone can issue passes. Revocation lives in the database, not in the token.
"""

import contextlib
import functools
import hashlib
import os
import re
import secrets
import tempfile
from datetime import datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwt.utils import base64url_encode

from yancheng.core.validators import normalise_lookup

# Purpose binding: a token signed by the same key for anything else must not open a gate.
PASS_AUDIENCE = "yancheng:visit-pass"  # noqa: S105 -- a claim value, not a password
PASS_ISSUER = "yancheng"  # noqa: S105
ALGORITHM = "EdDSA"
# Scanner phones and gate tablets keep their own clocks; a minute either way is not worth a refusal.
LEEWAY_SECONDS = 60
REQUIRED_CLAIMS = ("aud", "iss", "jti", "vis", "sub", "ent", "nbf", "exp", "iat")

SIGNING_KEY_ENV = "YANCHENG_PASS_SIGNING_KEY_FILE"
OLD_PUBLIC_KEYS_ENV = "YANCHENG_PASS_OLD_PUBLIC_KEYS_FILE"
GENERATED_KEY_NAME = "pass-signing-ed25519.pem"

# Without 0/O and 1/I/L, so a code read out over the phone or copied by hand cannot be misread.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)
# What people type between the two halves: spaces (also the full-width one) and all sorts of dashes.
_SHORT_CODE_SEPARATORS = re.compile(r"[\-‐‑‒–—―−]+")


# --- Keys -------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """The ``kid``: derived from the key itself, so the same key always has the same id everywhere."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@functools.cache
def _signing_key() -> Ed25519PrivateKey:
    # Cached: reading and parsing a PEM file on every request would sit on the hot path of every scan.
    configured = os.environ.get(SIGNING_KEY_ENV)
    if configured:
        return _load_private_key(Path(configured))
    return _load_private_key(_generated_key_file())


@functools.cache
def _verification_keys() -> dict[str, Ed25519PublicKey]:
    """The keys a pass may be signed with, by kid: the current one, then the retired ones."""
    current = _signing_key().public_key()
    keys = {key_id(current): current}
    for old in _old_public_keys():
        keys.setdefault(key_id(old), old)
    return keys


def reset_key_cache() -> None:
    """Forget the loaded keys (tests, or after the key files changed)."""
    _signing_key.cache_clear()
    _verification_keys.cache_clear()


def _load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as error:
        raise ImproperlyConfigured(f"{path}: not a readable PEM private key ({error})") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path}: the pass signing key must be Ed25519")
    return key


def _generated_key_file() -> Path:
    """The development/demo key under VAR_DIR, generated on first use and kept from then on."""
    path = Path(settings.VAR_DIR) / "keys" / GENERATED_KEY_NAME
    if path.exists():
        return path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Write the whole key to a private temp file first (mkstemp creates it 0600), then hard-link it
    # into place. The link fails if the file already exists, so when two processes start together
    # exactly one key wins and nobody ever reads a half-written file.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".pass-signing-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(pem)
            temp.flush()
            os.fsync(temp.fileno())
        # If another process was first, its key stands; the caller reads back whichever won.
        with contextlib.suppress(FileExistsError):
            os.link(temp_name, path)
    finally:
        os.unlink(temp_name)
    return path


def _old_public_keys() -> list[Ed25519PublicKey]:
    """Retired keys that still verify (no longer sign), so passes issued before a rotation keep working."""
    file_name = os.environ.get(OLD_PUBLIC_KEYS_ENV)
    if not file_name:
        return []
    keys = []
    for block in _PEM_BLOCK.finditer(Path(file_name).read_bytes()):
        # Refuse anything but public keys: a private key in a file meant to be shared is a leak.
        if block[1] != b"PUBLIC KEY":
            raise ImproperlyConfigured(f"{file_name}: only PUBLIC KEY blocks belong here, found {block[1]!r}")
        key = serialization.load_pem_public_key(block[0])
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured(f"{file_name}: old pass keys must be Ed25519")
        keys.append(key)
    return keys


def public_jwks() -> dict:
    """The verification keys as a JWK Set (RFC 7517/8037): all an offline verifier needs."""
    return {"keys": [_jwk(kid, key) for kid, key in _verification_keys().items()]}


def _jwk(kid: str, key: Ed25519PublicKey) -> dict:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64url_encode(raw).decode("ascii")
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


# --- Signing and verifying ---------------------------------------------------------------------


def sign_pass(
    *,
    pass_id: int,
    visit_id: int,
    visitor_user_id: int,
    enterprise_uscc: str,
    not_before: datetime,
    expires: datetime,
) -> str:
    """The token for the QR code: valid from ``not_before`` until ``expires`` (aware datetimes)."""
    # A naive datetime would be read in the server's local zone, not Asia/Shanghai: refuse it.
    if timezone.is_naive(not_before) or timezone.is_naive(expires):
        raise ValueError("not_before and expires must be timezone-aware")
    if expires <= not_before:
        raise ValueError("expires must be after not_before")
    key = _signing_key()
    # Short claim names and nothing extra: every byte makes the QR code denser and harder to scan.
    claims = {
        "aud": PASS_AUDIENCE,
        "iss": PASS_ISSUER,
        "jti": str(pass_id),
        "vis": visit_id,
        "sub": str(visitor_user_id),
        "ent": enterprise_uscc,
        "nbf": int(not_before.timestamp()),
        "exp": int(expires.timestamp()),
        "iat": int(timezone.now().timestamp()),
    }
    # "typ": None drops the default "typ":"JWT" header, which no verifier here needs.
    headers = {"kid": key_id(key.public_key()), "typ": None}
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers=headers)


class PassRejected(Exception):
    """Why a pass does not open the gate; ``message`` is shown on the scanner's red screen."""

    MESSAGES = {
        "malformed": _("无法识别的通行码。请访客在手机上重新打开通行码再扫，或改为输入短码核验。"),
        "tampered": _(
            "通行码签名无效，可能被篡改。请勿放行，请访客重新打开本人的通行码，或改为输入短码核验。"
        ),
        "unknown_key": _("无法核验此通行码的签发密钥。核验设备请联网更新公钥后重扫，或改为输入短码核验。"),
        "wrong_purpose": _("这不是访企通行码。请访客出示本次访企的绿色通行码。"),
        "not_yet_valid": _("未到访企时段，通行码尚未生效。请在预约的时段内再核验。"),
        "expired": _("访企时段已过，通行码已失效。如需再次访企，请重新申请。"),
    }

    def __init__(self, code: str, claims: dict | None = None):
        self.code = code
        self.message = str(self.MESSAGES[code])  # in the language active when the scan is judged
        # Set only when the signature was good (wrong time), so the screen can show the visit window.
        self.claims = claims
        super().__init__(self.message)


def verify_pass(token: str, *, now: datetime | None = None) -> dict:
    """The claims of a genuine pass that is valid at ``now``, or ``PassRejected``.

    Checks the signature (with the key named by ``kid``), the purpose (``aud``/``iss``), that every
    claim is present, and the visit window with a leeway of a minute. Revocation is *not* checked
    here: a revoked pass still carries a good signature, so the caller must also look the pass up
    (``jti``) in the database. An offline verifier cannot know about revocations.
    """
    token = token.strip()  # scanners often append a newline
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise PassRejected("malformed") from error
    key = _verification_keys().get(header.get("kid"))
    if key is None:
        raise PassRejected("unknown_key")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # fixed here, never taken from the token
            audience=PASS_AUDIENCE,
            issuer=PASS_ISSUER,
            # Time is checked below against ``now``, which PyJWT cannot take.
            options={
                "require": list(REQUIRED_CLAIMS),
                "strict_aud": True,
                "verify_nbf": False,
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError) as error:
        raise PassRejected("tampered") from error
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as error:
        raise PassRejected("wrong_purpose") from error
    except jwt.InvalidTokenError as error:
        raise PassRejected("malformed") from error
    if not _claim_types_ok(claims):
        raise PassRejected("malformed")
    moment = (now or timezone.now()).timestamp()
    if moment < claims["nbf"] - LEEWAY_SECONDS:
        raise PassRejected("not_yet_valid", claims)
    if moment >= claims["exp"] + LEEWAY_SECONDS:
        raise PassRejected("expired", claims)
    return claims


def _claim_types_ok(claims: dict) -> bool:
    # Signed by us, so this only fails after a bug; still, callers index and compare these safely.
    def is_int(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    numbers = all(is_int(claims[name]) for name in ("vis", "nbf", "exp", "iat"))
    texts = all(isinstance(claims[name], str) for name in ("jti", "sub", "ent"))
    return numbers and texts


# --- Short codes -------------------------------------------------------------------------------


def new_short_code() -> str:
    """A random code like ``7K3M-QX9P`` (about 40 bits); the database's unique index catches a clash."""
    chars = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
    return format_short_code(chars)


def format_short_code(chars: str) -> str:
    """Two groups of four: easier to read out and to type than eight in a row."""
    half = SHORT_CODE_LENGTH // 2
    return f"{chars[:half]}-{chars[half:]}"


def normalize_short_code(text: str) -> str:
    """The stored form ``XXXX-XXXX`` of what someone typed, or ``ValueError`` if it cannot be a code.

    Accepts lower case, spaces, a missing dash, and the full-width characters of a Chinese keyboard.
    """
    chars = _SHORT_CODE_SEPARATORS.sub("", normalise_lookup(text))
    if len(chars) != SHORT_CODE_LENGTH or any(char not in SHORT_CODE_ALPHABET for char in chars):
        raise ValueError("短码应为 8 位字母和数字，例如 7K3M-QX9P")
    return format_short_code(chars)
