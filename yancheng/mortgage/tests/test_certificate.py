"""The signed registration certificate: its text, font, QR code and PAdES signature, checked from outside.

Poppler's tools (pdfinfo, pdftotext, pdffonts, pdfsig, pdftoppm) read the PDFs as a user's software
would; pyHanko's validator checks the signature against the demo root. No database: the keys go to a
temporary VAR_DIR.
"""

import concurrent.futures
import dataclasses
import io
import re
import shutil
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import segno
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from yancheng.mortgage import certificate
from yancheng.mortgage.certificate import (
    CertificateData,
    amount_in_words,
    demo_root_certificate_path,
    format_amount,
    issue,
    render_pdf,
    reset_signer_cache,
    sign_pdf,
    signer,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "https://yancheng.example.cn/mortgage/verify/?number=%E6%B9%98%282026%29%E8%A1%A1%E9%98%B3%E5%B8%82%E4%B8%8D%E5%8A%A8%E4%BA%A7%E8%AF%81%E6%98%8E%E7%AC%AC0000001%E5%8F%B7&code=7K3M-QX9P"
CAPITALS = "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"

DATA = CertificateData(
    number="湘(2026)衡阳市不动产证明第0000001号",
    kind_label="抵押权",
    registry_name="衡阳市不动产登记中心",
    mortgagee="中国工商银行股份有限公司衡阳分行",
    mortgagors=["张三", "李四"],
    debtor="衡阳甲电子科技有限公司",
    property_unit_number="430405001001GB00001F00010001",
    location="衡阳市珠晖区东风路88号阳光花园3栋2单元1201室",
    secured_amount=Decimal("123456789.12"),
    mortgage_kind_label="一般抵押",
    term_start=date(2026, 11, 27),
    term_end=date(2031, 11, 26),
    # 17:30 in UTC is already the next day in Hengyang: the certificate shows the local date.
    recorded_at=datetime(2026, 11, 26, 17, 30, tzinfo=UTC),
    verification_code="7K3M-QX9P",
    verification_url=URL,
)

ENV_NAMES = (certificate.SIGNING_KEY_ENV, certificate.SIGNING_CERT_ENV, certificate.SIGNING_CHAIN_ENV)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path, monkeypatch):
    """A fresh VAR_DIR, no configured keys, and no signer cached from an earlier test."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    reset_signer_cache()
    yield settings.VAR_DIR
    reset_signer_cache()


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory) -> tuple[bytes, Path]:
    """One certificate, issued with demo keys in their own VAR_DIR, and that VAR_DIR's root certificate.

    Module-scoped, so the slower checks (rendering, pdfsig) share it; the keys stay in their directory.
    """
    var = tmp_path_factory.mktemp("issued")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "VAR_DIR", var)
        for name in ENV_NAMES:
            patch.delenv(name, raising=False)
        reset_signer_cache()
        try:
            pdf = issue(DATA)
        finally:
            reset_signer_cache()
    return pdf, var / "keys" / "registry" / "demo-root-ca.pem"


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, f"{command[0]} failed: {result.stderr}"
    return result.stdout


def write(tmp_path: Path, pdf: bytes, name: str = "certificate.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return str(path)


def text_of(tmp_path: Path, pdf: bytes) -> str:
    """pdftotext's reading of the page, without whitespace (it breaks table cells and spaces CJK)."""
    # -raw: in drawing order, so a cell's wrapped lines stay together instead of mixing with the labels.
    return re.sub(r"\s+", "", run("pdftotext", "-raw", "-enc", "UTF-8", write(tmp_path, pdf), "-"))


def pdfsig(path: str) -> dict[str, str]:
    """pdfsig's "  - Key: value" lines for the first signature (no network: -no-ocsp)."""
    output = run("pdfsig", "-no-ocsp", path)
    return dict(re.findall(r"^\s+- ([^:\n]+): (.*)$", output, re.MULTILINE)) | {"_raw": output}


def pyhanko_status(pdf: bytes, root_file: Path | None):
    reader = PdfFileReader(io.BytesIO(pdf))
    [embedded] = reader.embedded_signatures
    roots = [load_cert_from_pemder(str(root_file))] if root_file else []
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return embedded, validate_pdf_signature(embedded, context)


def tamper(pdf: bytes) -> bytes:
    """One byte changed inside the signed range, in the header comment, so the file still parses."""
    marker = b"ReportLab Generated"
    assert pdf.index(marker) < 100
    return pdf.replace(marker, b"ReportLaB Generated", 1)


# --- The page ----------------------------------------------------------------------------------


def test_one_a4_page(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    info = run("pdfinfo", write(tmp_path, pdf))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert re.search(r"^Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info, re.MULTILINE)


def test_text_is_there_in_chinese(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    text = text_of(tmp_path, pdf)
    for expected in (
        "不动产登记证明",
        DATA.number,
        "证明权利或事项",
        "抵押权",
        "权利人（申请人）",
        DATA.mortgagee,
        "义务人",
        "张三、李四",
        "坐落",
        DATA.location,
        "不动产单元号",
        DATA.property_unit_number,
        "被担保主债权数额：人民币123,456,789.12元",
        f"（大写：人民币{CAPITALS}）",
        "债务人：衡阳甲电子科技有限公司",
        "附记",
        "抵押方式：一般抵押",
        "债务履行期限：2026年11月27日起至2031年11月26日止",
        "登记机构：衡阳市不动产登记中心",
        "验证码：7K3M-QX9P",
    ):
        assert expected in text, expected
    # The date under the registry's name is the date in Hengyang (01:30 on the 27th), not in UTC.
    assert text.count("2026年11月27日") >= 3
    assert "2026年11月26日" not in text


def test_maximum_amount_mortgage_wording(tmp_path):
    data = dataclasses.replace(DATA, mortgage_kind_label="最高额抵押", secured_amount=Decimal("5000000"))
    text = text_of(tmp_path, render_pdf(data))
    assert "最高债权额：人民币5,000,000.00元" in text
    assert "（大写：人民币伍佰万元整）" in text
    assert "债权确定期间：2026年11月27日起至2031年11月26日止" in text
    assert "被担保主债权数额" not in text


def test_cjk_font_embedded_and_no_other_font(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    output = run("pdffonts", write(tmp_path, pdf))
    fonts = output.splitlines()[2:]  # after the header and the dashes
    assert fonts, output
    assert any("WenQuanYiZenHei" in line for line in fonts), output
    for line in fonts:
        # Columns: name type encoding emb sub uni object ID; an unembedded Helvetica would show "no".
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_long_text_shrinks_to_fit_and_too_long_is_refused(tmp_path):
    long = dataclasses.replace(DATA, location="衡阳市珠晖区东风路" * 30, mortgagors=["张三"] * 40)
    pdf = render_pdf(long)
    assert re.search(r"^Pages:\s+1$", run("pdfinfo", write(tmp_path, pdf)), re.MULTILINE)
    assert ("衡阳市珠晖区东风路" * 30) in text_of(tmp_path, pdf)
    with pytest.raises(ValueError, match="one page"):
        render_pdf(dataclasses.replace(DATA, location="衡阳市" * 2000))


def test_naive_recorded_at_is_refused():
    with pytest.raises(ValueError, match="aware"):
        render_pdf(dataclasses.replace(DATA, recorded_at=datetime(2026, 11, 27, 10, 0)))


# --- The QR code -------------------------------------------------------------------------------


def qr_modules_on_page(pdf: bytes, tmp_path: Path, modules: int, *, dpi: int = 200) -> list[list[bool]]:
    """Rasterise the page (pdftoppm) and read the module grid where the QR code is drawn.

    Each module is sampled at its centre. A sample that is neither clearly dark nor clearly light
    means the grid does not sit on the drawn code, and fails the test rather than guessing.
    """
    prefix = tmp_path / "page"
    run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", write(tmp_path, pdf), str(prefix))
    image = Image.open(f"{prefix}.png").convert("L")
    scale = dpi / 72
    size = certificate.QR_SIZE / modules
    grid = []
    for row in range(-4, modules + 4):  # with the quiet zone of four modules all round
        line = []
        for column in range(-4, modules + 4):
            x = (certificate.QR_X + (column + 0.5) * size) * scale
            y = (certificate.PAGE_HEIGHT - certificate.QR_TOP + (row + 0.5) * size) * scale
            value = image.getpixel((round(x), round(y)))
            assert value < 64 or value > 192, f"module ({row}, {column}) is grey ({value})"
            line.append(value < 128)
        grid.append(line)
    return grid


def test_qr_code_on_the_page_encodes_the_verification_url(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    expected = [[bool(dark) for dark in line] for line in segno.make(URL, error="q").matrix]
    n = len(expected)
    grid = qr_modules_on_page(pdf, tmp_path, n)
    symbol = [line[4:-4] for line in grid[4:-4]]
    assert symbol == expected
    # The quiet zone a scanner needs is blank: nothing else on the page comes near the code.
    border = grid[:4] + grid[-4:] + [line[:4] + line[-4:] for line in grid[4:-4]]
    assert not any(any(line) for line in border)
    # And it is this URL's code, not any code: another URL of the same length gives another matrix.
    other = URL.replace("7K3M-QX9P", "7K3M-QX9Q")
    assert [[bool(d) for d in line] for line in segno.make(other, error="q").matrix] != symbol


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools not installed")
def test_qr_code_decodes_with_zbar(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    prefix = tmp_path / "page"
    run("pdftoppm", "-r", "200", "-png", "-singlefile", write(tmp_path, pdf), str(prefix))
    decoded = run("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png")
    assert decoded.strip() == URL


# --- The signature -----------------------------------------------------------------------------


def test_pdfsig_reports_the_signature_valid(signed_pdf, tmp_path):
    pdf, _ = signed_pdf
    report = pdfsig(write(tmp_path, pdf))
    print(report["_raw"])
    assert report["Signature Validation"] == "Signature is Valid."
    assert report["Signature Field Name"] == "registry"
    assert report["Signature Type"] == "ETSI.CAdES.detached"
    assert report["Signer Certificate Common Name"] == "衡阳市不动产登记中心"
    assert report["Signing Hash Algorithm"] == "SHA-256"
    assert "Total document signed" in report["_raw"]
    # pdfsig checks the certificate against NSS's trust store, which does not hold the demo root:
    # with poppler 22.12 it says "Certificate issuer isn't Trusted." That is about the chain, not
    # the signature; pyHanko with the demo root as trust anchor says trusted (next test).
    assert report["Certificate Validation"] in {
        "Certificate issuer isn't Trusted.",
        "Certificate is Trusted.",
    }


def test_pyhanko_reports_intact_valid_and_trusted(signed_pdf):
    pdf, root_file = signed_pdf
    embedded, status = pyhanko_status(pdf, root_file)
    assert embedded.field_name == "registry"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "不动产登记电子证明"
    assert embedded.sig_object["/Location"] == "衡阳市"
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "衡阳市不动产登记中心"
    # The chain travels with the signature: the registry's certificate and the root that issued it.
    signed_data: cms.SignedData = embedded.signed_data
    names = {c.chosen.subject.native["common_name"] for c in signed_data["certificates"]}
    assert names == {"衡阳市不动产登记中心", certificate.DEMO_ROOT_NAME}


def test_pyhanko_without_the_demo_root_is_valid_but_not_trusted(signed_pdf):
    pdf, _ = signed_pdf
    _, status = pyhanko_status(pdf, None)
    assert status.intact and status.valid
    assert not status.trusted
    assert not status.bottom_line


def test_a_byte_changed_after_signing_is_caught(signed_pdf, tmp_path):
    pdf, root_file = signed_pdf
    changed = tamper(pdf)
    report = pdfsig(write(tmp_path, changed, "changed.pdf"))
    print(report["_raw"])
    assert report["Signature Validation"] != "Signature is Valid."
    assert report["Signature Validation"] == "Digest Mismatch."
    _, status = pyhanko_status(changed, root_file)
    # pyHanko: the document digest no longer matches ("intact" false). Its "valid" means the signature
    # over the signed attributes, which is untouched and still checks out; the verdict is INVALID.
    assert not status.intact
    assert not status.bottom_line
    assert status.summary() == "INVALID"


def test_signature_is_an_incremental_update():
    unsigned = render_pdf(DATA)
    signed = sign_pdf(unsigned)
    assert signed.startswith(unsigned)  # the rendered bytes untouched, the signature appended
    _, status = pyhanko_status(signed, demo_root_certificate_path())
    assert status.bottom_line


# --- Keys --------------------------------------------------------------------------------------


def test_demo_keys_created_once_and_reused(var_dir):
    first = signer()
    directory = var_dir / "keys" / "registry"
    files = {path.name: path for path in directory.iterdir()}
    assert set(files) == {"demo-root-ca.pem", "signing-cert.pem", "signing-key.pem"}
    assert stat.S_IMODE(files["signing-key.pem"].stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    contents = {name: path.read_bytes() for name, path in files.items()}
    # No temporary directory is left behind.
    assert [path.name for path in (var_dir / "keys").iterdir()] == ["registry"]

    assert signer() is first  # cached in the process
    reset_signer_cache()
    again = signer()
    assert again is not first
    assert again.signing_cert.dump() == first.signing_cert.dump()  # read back, not made anew
    assert {name: path.read_bytes() for name, path in files.items()} == contents


def test_demo_certificates_are_what_was_asked(var_dir):
    root = x509.load_pem_x509_certificate(demo_root_certificate_path().read_bytes())
    leaf = x509.load_pem_x509_certificate((var_dir / "keys" / "registry" / "signing-cert.pem").read_bytes())
    key = serialization.load_pem_private_key(
        (var_dir / "keys" / "registry" / "signing-key.pem").read_bytes(), password=None
    )
    assert (
        root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        == "雁城演示根证书 Yancheng Demo Root CA"
    )
    assert root.issuer == root.subject
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)
    assert root.public_key().curve.name == "secp256r1"
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert (
        timedelta(days=3650) <= root.not_valid_after_utc - root.not_valid_before_utc <= timedelta(days=3654)
    )

    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "衡阳市不动产登记中心"
    assert leaf.issuer == root.subject
    leaf.verify_directly_issued_by(root)
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert leaf.public_key().curve.name == "secp256r1"
    assert key.public_key() == leaf.public_key()
    assert (
        timedelta(days=1825) <= leaf.not_valid_after_utc - leaf.not_valid_before_utc <= timedelta(days=1828)
    )


def test_processes_starting_together_end_with_one_key(var_dir):
    """Eight threads creating the demo keys at once: one set wins, all of them read that one."""
    barrier = threading.Barrier(8)

    def create() -> bytes:
        barrier.wait()
        return (certificate._demo_key_directory() / "signing-cert.pem").read_bytes()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        certificates = set(pool.map(lambda _: create(), range(8)))
    assert len(certificates) == 1
    assert [path.name for path in (var_dir / "keys").iterdir()] == ["registry"]


def test_threads_sharing_a_new_signer_all_read_its_name(var_dir):
    """The server's threads share one signer; the first filings after a start read its subject name at
    once. asn1crypto builds `Name.native` lazily, and a thread reading it half-built got a KeyError
    (2 of 200 concurrent filings answered 500). Measured without the fix: 10 to 17 rounds in 300 fail, the
    first within 3 to 76 rounds, with the switch interval below (at Python's default, 0 in 2,000)."""
    signer()  # the demo keys exist: each round only loads them
    rounds, threads = 200, 8
    failed = []

    def read(barrier):
        barrier.wait()
        try:
            assert signer().subject_name == "衡阳市不动产登记中心"
        except Exception as error:  # noqa: BLE001 (counted below)
            failed.append(repr(error))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads switch often, as on a busy server
    try:
        for _round in range(rounds):
            reset_signer_cache()
            barrier = threading.Barrier(threads)
            readers = [threading.Thread(target=read, args=(barrier,)) for _n in range(threads)]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
    finally:
        sys.setswitchinterval(interval)
    assert failed == []


def make_ca_and_signer(directory: Path, name: str) -> tuple[Path, Path, Path]:
    """An operator's own CA and registry certificate, as PEM files: key, certificate, chain."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP384R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA384())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        # pyHanko's validator (like Adobe's) wants nonRepudiation on a document signing certificate.
        .add_extension(certificate._key_usage(digital_signature=True, content_commitment=True), critical=True)
        .sign(ca_key, hashes.SHA384())
    )
    pem = serialization.Encoding.PEM
    key_file, cert_file, chain_file = directory / "key.pem", directory / "cert.pem", directory / "chain.pem"
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    )
    cert_file.write_bytes(leaf.public_bytes(pem))
    chain_file.write_bytes(ca.public_bytes(pem))
    return key_file, cert_file, chain_file


def test_configured_key_is_used(var_dir, tmp_path, monkeypatch):
    key_file, cert_file, chain_file = make_ca_and_signer(tmp_path, "生产登记签名")
    monkeypatch.setenv(certificate.SIGNING_KEY_ENV, str(key_file))
    monkeypatch.setenv(certificate.SIGNING_CERT_ENV, str(cert_file))
    monkeypatch.setenv(certificate.SIGNING_CHAIN_ENV, str(chain_file))
    reset_signer_cache()

    pdf = issue(DATA)
    embedded, status = pyhanko_status(pdf, chain_file)
    assert status.signing_cert.subject.native["common_name"] == "生产登记签名"
    assert status.intact and status.valid and status.trusted
    names = {c.chosen.subject.native["common_name"] for c in embedded.signed_data["certificates"]}
    assert names == {"生产登记签名", "生产登记签名 CA"}
    assert not (var_dir / "keys" / "registry").exists()  # no demo keys made
    assert pdfsig(write(tmp_path, pdf))["Signature Validation"] == "Signature is Valid."


def test_configured_key_without_chain(tmp_path, monkeypatch):
    key_file, cert_file, _ = make_ca_and_signer(tmp_path, "无链签名")
    monkeypatch.setenv(certificate.SIGNING_KEY_ENV, str(key_file))
    monkeypatch.setenv(certificate.SIGNING_CERT_ENV, str(cert_file))
    assert signer().signing_cert.subject.native["common_name"] == "无链签名"


def test_misconfigured_keys_are_refused(tmp_path, monkeypatch):
    key_file, cert_file, _ = make_ca_and_signer(tmp_path, "错配")
    monkeypatch.setenv(certificate.SIGNING_KEY_ENV, str(key_file))
    with pytest.raises(ImproperlyConfigured, match="both"):
        signer()
    monkeypatch.setenv(certificate.SIGNING_CERT_ENV, str(tmp_path / "missing.pem"))
    with pytest.raises(ImproperlyConfigured, match="no such file"):
        signer()
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    monkeypatch.setenv(certificate.SIGNING_CERT_ENV, str(garbage))
    with pytest.raises(ImproperlyConfigured, match="not a readable"):
        signer()


def test_time_to_issue_one_certificate(var_dir):
    started = time.perf_counter()
    issue(DATA)  # creates the demo keys and loads the signer
    cold = time.perf_counter() - started
    timings = []
    for number in range(5):
        data = dataclasses.replace(DATA, number=f"湘(2026)衡阳市不动产证明第{number:07d}号")
        started = time.perf_counter()
        issue(data)
        timings.append(time.perf_counter() - started)
    print(
        f"\nissue(): first {cold * 1000:.0f} ms (with key creation), then {min(timings) * 1000:.0f}-{max(timings) * 1000:.0f} ms"
    )


# --- Amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.5", "伍角"),
        ("10", "壹拾元整"),
        ("101", "壹佰零壹元整"),
        ("1000000", "壹佰万元整"),
        ("123456789.12", CAPITALS),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("1.05", "壹元零伍分"),
        ("1000.50", "壹仟元伍角"),
        ("15", "壹拾伍元整"),
        ("110000", "壹拾壹万元整"),
        ("10010", "壹万零壹拾元整"),
        ("1000100", "壹佰万零壹佰元整"),
        ("100000001", "壹亿零壹元整"),
        ("100010000", "壹亿零壹万元整"),
        ("2000000.00", "贰佰万元整"),
        # The People's Bank's own examples (零 where it is optional: written inside, left out after 元).
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("107000.53", "壹拾万零柒仟元伍角叁分"),
        ("3005000", "叁佰万零伍仟元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "1.005", "1000000000000", "NaN", "Infinity", "abc"])
def test_amount_in_words_refuses(amount):
    with pytest.raises(ValueError):
        amount_in_words(amount)


_VALUES = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
_PLACE_VALUES = {"拾": 10, "佰": 100, "仟": 1000}


def read_words(words: str) -> int:
    """Capital numerals back to fen: an independent reading, to check the writing against."""
    fen = 0
    words = words.removesuffix("整")
    yuan_part, _, small = words.rpartition("元") if "元" in words else ("", "", words)
    total = section = digit = 0
    for char in yuan_part:
        if char in _VALUES:
            digit = _VALUES[char]
        elif char in _PLACE_VALUES:
            section += digit * _PLACE_VALUES[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {words}")
    fen += (total + section + digit) * 100
    for number, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", small):
        fen += _VALUES[number] * (10 if unit == "角" else 1)
    return fen


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_amount_in_words_reads_back(fen):
    amount = Decimal(fen) / 100
    words = amount_in_words(amount)
    assert read_words(words) == fen
    # The writing rules: one 零 for a run of zeros, never before a unit or at the end, 整 only after 元.
    assert "零零" not in words
    if fen:
        assert not re.search(r"零[元万亿角]|零$|零整", words)
    assert words.endswith("整") == (fen % 100 == 0)
    assert not words.startswith("零") or words == "零元整"
    assert not re.search(r"(?<![壹贰叁肆伍陆柒捌玖])拾", words)  # always 壹拾, never a bare 拾


def test_format_amount():
    assert format_amount(Decimal("1234567.8")) == "1,234,567.80"
    assert format_amount(Decimal("0")) == "0.00"
    assert format_amount(Decimal("100000000")) == "100,000,000.00"
