"""The electronic registration certificate (不动产登记证明) of a recorded mortgage: a signed one-page PDF.

``issue(data)`` draws the certificate (A4, Chinese, the CJK font embedded, a QR code to the public
verification page) and signs it with the registry's key as a PAdES signature (``/ETSI.CAdES.detached``)
that carries the certificate chain, so any PDF reader can check that the document is unchanged and
who issued it.

Keys: production names its own PEM files in ``YANCHENG_REGISTRY_SIGNING_KEY_FILE`` and
``YANCHENG_REGISTRY_SIGNING_CERT_FILE`` (and, optionally, the issuing CAs in
``YANCHENG_REGISTRY_SIGNING_CHAIN_FILE``). Without them a demo CA and a signing certificate for the
registry are created once under ``VAR_DIR/keys/registry`` and kept; verifiers that should trust the demo
certificates trust ``demo_root_certificate_path()``.

Works on a plain ``CertificateData``, not on the app's models, so it can be used (and tested) alone.
"""

import contextlib
import functools
import io
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from yancheng.core.output.pdf import draw_qr, register_font
from yancheng.core.templatetags.yancheng import amount as format_amount  # the pages' amount filter

SIGNING_KEY_ENV = "YANCHENG_REGISTRY_SIGNING_KEY_FILE"
SIGNING_CERT_ENV = "YANCHENG_REGISTRY_SIGNING_CERT_FILE"
SIGNING_CHAIN_ENV = "YANCHENG_REGISTRY_SIGNING_CHAIN_FILE"

SIGNATURE_FIELD = "registry"
SIGNATURE_REASON = "不动产登记电子证明"
SIGNATURE_LOCATION = "衡阳市"

DEMO_ROOT_NAME = "雁城演示根证书 Yancheng Demo Root CA"
DEMO_SIGNER_NAME = "衡阳市不动产登记中心"
DEMO_KEY_DIR_NAME = "registry"
ROOT_CERT_FILE = "demo-root-ca.pem"
SIGNING_KEY_FILE = "signing-key.pem"
SIGNING_CERT_FILE = "signing-cert.pem"

TITLE = "不动产登记证明"
# The date on a Hengyang certificate is the date in Hengyang, wherever the server's clock is set.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

# Page geometry, in points from the bottom left. The QR code's place is public so that a test can find
# it on a rendered page; segno's matrix has no quiet zone, so nothing is drawn within QR_QUIET of it.
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TABLE_TOP = PAGE_HEIGHT - 56 * mm
TABLE_BOTTOM_LIMIT = 82 * mm
LABEL_WIDTH = 40 * mm
QR_SIZE = 34 * mm
QR_X = MARGIN + 6 * mm
QR_TOP = 72 * mm
QR_QUIET = 7 * mm  # four modules of the smallest code (21 modules in QR_SIZE) and then some

MIN_ROW_HEIGHT = 14 * mm
MIN_LONG_ROW_HEIGHT = 40 * mm  # 其他 and 附记: the official form leaves them room
VALUE_FONT_SIZES = (11, 10, 9, 8)  # the first one with which everything fits on the page


@dataclass(frozen=True)
class CertificateData:
    """What a certificate shows; the caller takes it from the registration it certifies."""

    number: str  # 湘(2026)衡阳市不动产证明第0000001号
    kind_label: str  # 证明权利或事项: 抵押权 / 抵押权注销
    registry_name: str  # 衡阳市不动产登记中心
    mortgagee: str  # 权利人: the bank
    mortgagors: list[str]  # 义务人: the owners who mortgage the property
    debtor: str
    property_unit_number: str  # 不动产单元号, 28 characters
    location: str  # 坐落
    secured_amount: Decimal  # 元
    mortgage_kind_label: str  # 一般抵押 / 最高额抵押
    term_start: date
    term_end: date
    recorded_at: datetime  # aware
    verification_code: str
    verification_url: str  # absolute, with the number and the code in the query


# --- Amounts -----------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿")
_FEN = Decimal("0.01")
_LIMIT = Decimal(10) ** 12  # up to 9999亿; a mortgage is never larger


def amount_in_words(amount: Decimal | int | str) -> str:
    """The amount in Chinese capital numerals as written on bank and registry documents (人民币大写).

    Follows the People's Bank's rules for writing amounts (支付结算办法, 附件一): "整" after 元 and
    nothing after 角 or 分, "壹拾" rather than "拾", one "零" for any run of zeros inside the number
    (6,007.14 → 陆仟零柒元壹角肆分; also where the rules make it optional, across an empty 万 place:
    107,000.53 → 壹拾万零柒仟元伍角叁分), a "零" between 元 and 分 when there are no 角
    (1.05 → 壹元零伍分), and none before 角 (1,680.32 → 壹仟陆佰捌拾元叁角贰分, the optional one
    left out). Without the prefix "人民币". Refuses negative amounts and fractions of a fen.
    """
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    if not value.is_finite() or value < 0:
        raise ValueError(f"not an amount: {amount!r}")
    if value != value.quantize(_FEN):
        raise ValueError(f"{amount} has a fraction of a fen")
    if value >= _LIMIT:
        raise ValueError(f"{amount} is too large")
    fen_total = int(value * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)

    words = ""
    digits = str(yuan) if yuan else ""
    zero_pending = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            zero_pending = True
        else:
            if zero_pending:
                words += "零"
            words += _DIGITS[digit] + _PLACES[position % 4]
            zero_pending = False
        if position % 4 == 0:
            group = digits[max(0, index - 3) : index + 1]
            if int(group):
                words += _GROUPS[position // 4]
    if yuan:
        words += "元"

    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def format_date(day: date) -> str:
    """2026-11-27 → "2026年11月27日", as on the official forms (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- Drawing -----------------------------------------------------------------------------------


def render_pdf(data: CertificateData) -> bytes:
    """The certificate as an unsigned one-page A4 PDF, with the CJK font embedded (subset)."""
    if data.recorded_at.tzinfo is None or data.recorded_at.utcoffset() is None:
        raise ValueError("recorded_at must be timezone-aware")
    font = register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=font)
    page.setTitle(f"{TITLE} {data.number}")
    page.setAuthor(data.registry_name)
    page.setSubject(f"{data.kind_label} {data.property_unit_number}")
    page.setCreator("雁城 · 不动产智慧抵押登记")

    page.setFont(font, 26)
    _draw_spaced_centred(page, PAGE_WIDTH / 2, PAGE_HEIGHT - 32 * mm, TITLE, spacing=6)
    page.setFont(font, 11)
    page.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 48 * mm, data.number)

    table = _table(data, font)
    _, table_height = table.wrapOn(page, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT)
    table.drawOn(page, MARGIN, TABLE_TOP - table_height)

    # Bottom left: the QR code to the verification page, the code to type there under it.
    draw_qr(page, data.verification_url, x=QR_X, top=QR_TOP, size=QR_SIZE)
    centre = QR_X + QR_SIZE / 2
    page.setFont(font, 10)
    # The baseline a font size below the quiet zone, so the tallest glyph stays out of it.
    page.drawCentredString(centre, QR_TOP - QR_SIZE - QR_QUIET - 10, f"验证码：{data.verification_code}")
    page.setFont(font, 8)
    page.drawCentredString(centre, QR_TOP - QR_SIZE - QR_QUIET - 22, "扫码核验本证明")

    # Bottom right: the registry and the date, where the seal goes on the paper form.
    right = PAGE_WIDTH - MARGIN - 8 * mm
    page.setFont(font, 13)
    page.drawRightString(right, 58 * mm, f"登记机构：{data.registry_name}")
    page.setFont(font, 12)
    page.drawRightString(right, 48 * mm, format_date(data.recorded_at.astimezone(LOCAL_ZONE).date()))
    page.setFont(font, 8)
    page.drawRightString(right, 38 * mm, "本证明经登记机构电子签名，与纸质证明具有同等效力。")

    page.setFont(font, 8)
    page.drawString(MARGIN, 14 * mm, "可扫描二维码或登录登记机构网站，输入证明号和验证码核验本证明的真实性。")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _draw_spaced_centred(page, x: float, y: float, text: str, *, spacing: float) -> None:
    """A centred title with space between the characters, like the printed form."""
    # The character spacing is part of the PDF graphics state and would outlive the text object.
    page.saveState()
    text_object = page.beginText()
    text_object.setCharSpace(spacing)
    width = page.stringWidth(text) + spacing * (len(text) - 1)
    text_object.setTextOrigin(x - width / 2, y)
    text_object.textOut(text)
    page.drawText(text_object)
    page.restoreState()


def _rows(data: CertificateData) -> list[tuple[str, list[str]]]:
    maximum = data.mortgage_kind_label == "最高额抵押"
    amount_label = "最高债权额" if maximum else "被担保主债权数额"
    term_label = "债权确定期间" if maximum else "债务履行期限"
    recorded = data.recorded_at.astimezone(LOCAL_ZONE)
    return [
        ("证明权利或事项", [data.kind_label]),
        ("权利人（申请人）", [data.mortgagee]),
        ("义务人", ["、".join(data.mortgagors)]),
        ("坐落", [data.location]),
        ("不动产单元号", [data.property_unit_number]),
        (
            "其他",
            [
                f"{amount_label}：人民币{format_amount(data.secured_amount)}元",
                f"（大写：人民币{amount_in_words(data.secured_amount)}）",
                f"债务人：{data.debtor}",
            ],
        ),
        (
            "附记",
            [
                f"抵押方式：{data.mortgage_kind_label}",
                f"{term_label}：{format_date(data.term_start)}起至{format_date(data.term_end)}止",
                f"登记时间：{format_date(recorded.date())} {recorded:%H:%M}",
            ],
        ),
    ]


def _table(data: CertificateData, font: str) -> Table:
    """The bordered two-column table, in the largest font size with which it fits above the QR code."""
    value_width = PAGE_WIDTH - 2 * MARGIN - LABEL_WIDTH
    available = TABLE_TOP - TABLE_BOTTOM_LIMIT
    rows = _rows(data)
    for size in VALUE_FONT_SIZES:
        label_style = ParagraphStyle(
            "label",
            fontName=font,
            bulletFontName=font,
            fontSize=12,
            leading=16,
            alignment=TA_CENTER,
            wordWrap="CJK",
        )
        value_style = ParagraphStyle(
            "value", fontName=font, bulletFontName=font, fontSize=size, leading=size * 1.6, wordWrap="CJK"
        )
        cells, needed, preferred = [], [], []
        for label, lines in rows:
            value = Paragraph("<br/>".join(escape(line) for line in lines), value_style)
            _, height = value.wrap(value_width - 12, available)
            minimum = MIN_LONG_ROW_HEIGHT if len(lines) > 1 else MIN_ROW_HEIGHT
            cells.append([Paragraph(escape(label), label_style), value])
            needed.append(height + 12)
            preferred.append(max(minimum, height + 12))
        if sum(needed) <= available:
            break
    else:
        raise ValueError("the certificate's text does not fit on one page")
    # Rows as tall as the form has them; if long text leaves no room for that, the spare room goes to
    # the rows in proportion to what they lack.
    if sum(preferred) <= available:
        heights = preferred
    else:
        spare = (available - sum(needed)) / (sum(preferred) - sum(needed))
        heights = [low + (high - low) * spare for low, high in zip(needed, preferred, strict=True)]
    table = Table(cells, colWidths=[LABEL_WIDTH, value_width], rowHeights=heights)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),  # else the cells set Helvetica, unembedded
                ("BOX", (0, 0), (-1, -1), 1.2, (0, 0, 0)),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


# --- Keys --------------------------------------------------------------------------------------


# The server's threads share the signer. pyHanko reads values from it that asn1crypto builds lazily on
# first use (the subject's `Name.native` among them), and a thread reading one while another builds it
# sees it half-built: 2 of 200 concurrent filings on a fresh server failed with KeyError 'common_name'.
# So the signer is made under this lock, and a first signature is made with it before anyone else gets
# it, which builds everything signing reads; after that the threads only read.
_signer_lock = threading.Lock()


def signer() -> signers.SimpleSigner:
    """The registry's signer: the configured key and certificate, or else the demo ones (made once).

    Cached per process: loading and parsing the PEM files is the slow part of signing a small PDF.
    """
    with _signer_lock:
        return _shared_signer()


def reset_signer_cache() -> None:
    """Forget the loaded signer (tests, or after the key files changed)."""
    with _signer_lock:
        _shared_signer.cache_clear()


@functools.cache
def _shared_signer() -> signers.SimpleSigner:
    key_file = os.environ.get(SIGNING_KEY_ENV)
    cert_file = os.environ.get(SIGNING_CERT_ENV)
    if key_file or cert_file:
        if not (key_file and cert_file):
            raise ImproperlyConfigured(f"set both {SIGNING_KEY_ENV} and {SIGNING_CERT_ENV}, or neither")
        chain_file = os.environ.get(SIGNING_CHAIN_ENV)
        loaded = _load_signer(Path(key_file), Path(cert_file), Path(chain_file) if chain_file else None)
    else:
        directory = _demo_key_directory()
        loaded = _load_signer(
            directory / SIGNING_KEY_FILE, directory / SIGNING_CERT_FILE, directory / ROOT_CERT_FILE
        )
    _sign(_blank_pdf(), loaded)  # builds, in this thread alone, all a signature reads (its name too)
    return loaded


def demo_root_certificate_path() -> Path:
    """The demo root CA's certificate (PEM), created with the demo keys if need be: trust it to verify."""
    return _demo_key_directory() / ROOT_CERT_FILE


def _load_signer(key_file: Path, cert_file: Path, chain_file: Path | None) -> signers.SimpleSigner:
    for path in (key_file, cert_file, chain_file):
        if path is not None and not path.is_file():
            raise ImproperlyConfigured(f"{path}: no such file")
    # pyHanko logs the reason and returns None when it cannot read the files.
    loaded = signers.SimpleSigner.load(
        key_file=str(key_file),
        cert_file=str(cert_file),
        ca_chain_files=(str(chain_file),) if chain_file else None,
    )
    if loaded is None:
        raise ImproperlyConfigured(f"{key_file} / {cert_file}: not a readable key and certificate")
    return loaded


def _demo_key_directory() -> Path:
    """``VAR_DIR/keys/registry`` with the demo root CA and the registry's key and certificate.

    All three files are written into a private temporary directory first, which is then renamed into
    place in one step: a process never sees a key without its certificate, and when two processes start
    together the first rename wins and the other's keys are thrown away. The root CA's private key is
    never written anywhere: it signs the registry's certificate and is gone, so nobody can mint another
    certificate under the demo root. When the registry's certificate expires (after five years), delete
    the directory to get a new pair, and trust the new root.
    """
    directory = Path(settings.VAR_DIR) / "keys" / DEMO_KEY_DIR_NAME
    if (directory / SIGNING_CERT_FILE).is_file():
        return directory
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".registry-", suffix=".tmp"))  # 0700
    try:
        for name, content in _demo_pems().items():
            # The key for this process alone; the certificates are public (the directory is 0700).
            _write_file(temporary / name, content, mode=0o600 if name == SIGNING_KEY_FILE else 0o644)
        with contextlib.suppress(OSError):  # the directory exists already: another process was first
            os.rename(temporary, directory)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    if not (directory / SIGNING_CERT_FILE).is_file():
        raise ImproperlyConfigured(f"{directory}: exists without {SIGNING_CERT_FILE}; remove it")
    return directory


def _write_file(path: Path, content: bytes, *, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _demo_pems() -> dict[str, bytes]:
    """A new demo root CA (10 years) and the registry's signing certificate issued by it (5 years)."""
    now = datetime.now(UTC).replace(microsecond=0)
    # Back-dated a little, so that a verifier whose clock is slightly behind accepts a fresh certificate.
    not_before = now - timedelta(hours=1)

    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "雁城演示"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME),
        ]
    )
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + timedelta(days=3652))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )

    signing_key = ec.generate_private_key(ec.SECP256R1())
    signing_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "湖南省"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "衡阳市"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_SIGNER_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SIGNER_NAME),
        ]
    )
    signing_cert = (
        x509.CertificateBuilder()
        .subject_name(signing_name)
        .issuer_name(root_name)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + timedelta(days=1826))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signing_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    return {
        ROOT_CERT_FILE: root_cert.public_bytes(pem),
        SIGNING_CERT_FILE: signing_cert.public_bytes(pem),
        SIGNING_KEY_FILE: signing_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    }


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,  # a.k.a. nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


# --- Signing -----------------------------------------------------------------------------------


def sign_pdf(pdf: bytes) -> bytes:
    """``pdf`` with the registry's PAdES signature (B-B) in an invisible field named "registry"."""
    return _sign(pdf, signer())


def _sign(pdf: bytes, with_signer: signers.SimpleSigner) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=SIGNATURE_REASON,
        location=SIGNATURE_LOCATION,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=with_signer).getvalue()


def _blank_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.showPage()
    page.save()
    return buffer.getvalue()


def issue(data: CertificateData) -> bytes:
    """The signed certificate: what the bank and the mortgagors download."""
    return sign_pdf(render_pdf(data))
