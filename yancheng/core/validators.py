"""Validators for the national identifiers the platform stores.

Each identifier has ``is_valid_*`` (bool), ``validate_*`` (raises ``ValidationError`` with a
Chinese message that names the bad part and says what to do) and ``make_*`` (builds a valid
value, for the demo data and the tests). ``make_*`` and the check-character helpers raise
``ValueError`` on malformed parts: that is a programming error, not user input.

A code as a person types it goes through ``normalise_code`` first, then its validator.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

_DIGITS = {
    n: re.compile(rf"[0-9]{{{n}}}") for n in (3, 5, 6, 8, 15, 17)
}  # ASCII only: str.isdigit() accepts "²"


def _is_digits(value: str, n: int) -> bool:
    return _DIGITS[n].fullmatch(value) is not None


def normalise_code(value: str | None) -> str:
    """A code (ID number, property unit number, contract number …) as the person meant it: NFKC, so the
    full-width digits and letters a Chinese input method types become ASCII; no surrounding spaces
    (an ideographic one included); letters in upper case, as the standards write them. Nothing that
    could be a mistake (an inner space, a letter O for a zero) is guessed: the validator names it."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def normalise_lookup(value: str | None) -> str:
    """A code typed to look something up (a certificate number, a pass's short code): as
    ``normalise_code``, and spaces anywhere dropped, since a look-up refuses nothing and a miss counts."""
    return "".join(normalise_code(value).split())


# --- 统一社会信用代码, GB 32100-2015 ---------------------------------------------------------

# I, O, Z, S, V are left out so they cannot be misread as 1, 0, 2, 5, U; a character's value is its index.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY = re.compile(r"[0-9A-Z]{8}")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError(f"need 17 characters from {USCC_ALPHABET!r}, got {first17!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714-1997) whose first 8 are given."""
    if not _ORG_CODE_BODY.fullmatch(first8):
        raise ValueError(f"need 8 digits or uppercase letters, got {first8!r}")
    # int(c, 36) is 0-9 for digits and A=10 … Z=35, exactly the values GB 11714 assigns.
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(value: str) -> None:
    value = value or ""
    if len(value) != 18:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，当前为 {len(value)} 位，请对照营业执照或登记证书重新输入。",
            code="uscc_length",
        )
    if any(c.islower() for c in value):
        raise ValidationError(
            "统一社会信用代码中的字母必须大写（国家标准规定），请把小写字母改成大写后重新输入。",
            code="uscc_lowercase",
        )
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        shown = "、".join(f"“{c}”" for c in bad)
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符 {shown}：代码只由数字和大写字母组成，且不使用 I、O、Z、S、V"
            "（常见错误是把数字 0、1 写成字母 O、I），请核对后重新输入。",
            code="uscc_character",
        )
    # Chars 3-8 are the registering authority's administrative division code (GB/T 2260): six digits.
    if not _is_digits(value[2:8], 6):
        raise ValidationError(
            "统一社会信用代码第 3–8 位是登记管理机关的行政区划代码，应为 6 位数字，请核对后重新输入。",
            code="uscc_region",
        )
    # Chars 9-17 are the organisation code, which carries its own check character (char 17).
    if org_code_check_char(value[8:16]) != value[16]:
        raise ValidationError(
            "统一社会信用代码第 9–17 位（组织机构代码）校验不通过，通常是这几位中有字符抄错，请核对后重新输入。",
            code="uscc_org_code_check",
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(
            "统一社会信用代码校验不通过（第 18 位校验码与前 17 位不符），通常是有字符抄错，请核对后重新输入。",
            code="uscc_check",
        )


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    return True


def make_uscc(registration_dept: str, org_type: str, region_code: str, org_body8: str) -> str:
    """Build a valid USCC, e.g. ``make_uscc("9", "1", "430400", "MA4L0001")`` for a Hengyang company.

    ``registration_dept``: 1 机构编制, 5 民政, 9 市场监管, Y 其他 …; ``org_type`` depends on it
    (under 9: 1 企业, 2 个体工商户, 3 农民专业合作社); ``region_code`` is the GB/T 2260 code.
    """
    if len(registration_dept) != 1 or len(org_type) != 1 or not _is_digits(region_code, 6):
        raise ValueError(
            f"need one-character dept and type and a 6-digit region, got {registration_dept!r}, {org_type!r}, {region_code!r}"
        )
    if len(org_body8) != 8 or any(c not in USCC_ALPHABET for c in org_body8):
        raise ValueError(f"org_body8 needs 8 characters from {USCC_ALPHABET!r}, got {org_body8!r}")
    first17 = registration_dept + org_type + region_code + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)


# --- 居民身份证号码, GB 11643-1999 -------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11
_EARLIEST_BIRTH = date(1900, 1, 1)


def _today() -> date:
    # "Not in the future" means the calendar date in China (settings.TIME_ZONE), not in UTC.
    return timezone.localdate()


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    if not _is_digits(first17, 17):
        raise ValueError(f"need 17 digits, got {first17!r}")
    return _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _parse_yyyymmdd(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def validate_id_number(value: str) -> None:
    value = value or ""
    if len(value) != 18:
        raise ValidationError(
            f"居民身份证号码应为 18 位，当前为 {len(value)} 位；15 位的旧号码请按新身份证填写 18 位号码。",
            code="id_length",
        )
    if not _is_digits(value[:17], 17):
        raise ValidationError("居民身份证号码前 17 位只能是数字，请核对后重新输入。", code="id_character")
    if value[17] == "x":
        raise ValidationError("居民身份证号码末位的 x 必须大写，请改成大写 X。", code="id_lowercase")
    if value[17] not in "0123456789X":
        raise ValidationError("居民身份证号码末位只能是数字或大写 X，请核对后重新输入。", code="id_character")
    birth = _parse_yyyymmdd(value[6:14])
    if birth is None:
        raise ValidationError(
            f"居民身份证号码第 7–14 位的出生日期 {value[6:14]} 不是有效日期，请核对后重新输入。",
            code="id_birth_date",
        )
    if birth < _EARLIEST_BIRTH:
        raise ValidationError(
            f"居民身份证号码中的出生日期 {birth:%Y-%m-%d} 早于 1900 年，请核对第 7–14 位。",
            code="id_birth_date",
        )
    if birth > _today():
        raise ValidationError(
            f"居民身份证号码中的出生日期 {birth:%Y-%m-%d} 晚于今天，请核对第 7–14 位。",
            code="id_birth_date",
        )
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            "居民身份证号码校验不通过（末位校验码与前 17 位不符），通常是有数字抄错，请对照身份证核对。",
            code="id_check",
        )


def old_id_number_to_new(value: str) -> str:
    """The 18-digit number of a person registered with a 15-digit one (issued before GB 11643-1999: a
    two-digit birth year and no check character): "19" goes before the year and the check character
    is added. Anything else is returned as given."""
    if not _is_digits(value or "", 15):
        return value
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_char(first17)


def mask_id_number(value: str) -> str:
    """An ID number as a page or a reason may show it: region and last four, the birth date hidden."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else value


def validate_registered_id_number(value: str) -> None:
    """An ID number as a register may hold it: 18 characters, or 15 digits from before 1999."""
    value = value or ""
    if len(value) != 15:
        validate_id_number(value)
        return
    if not _is_digits(value, 15):
        raise ValidationError("15 位的旧居民身份证号码只能是数字，请核对后重新输入。", code="id_character")
    if _parse_yyyymmdd("19" + value[6:12]) is None:
        raise ValidationError(
            f"15 位的旧居民身份证号码第 7–12 位的出生日期 {value[6:12]} 不是有效日期，请核对后重新输入。",
            code="id_birth_date",
        )


def is_valid_id_number(value: str) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


def make_id_number(region6: str, birth: date, seq3: str) -> str:
    """Build a valid ID number; an odd ``seq3`` means male, even female."""
    if not _is_digits(region6, 6) or not _is_digits(seq3, 3):
        raise ValueError(f"need a 6-digit region and a 3-digit sequence, got {region6!r}, {seq3!r}")
    if not _EARLIEST_BIRTH <= birth <= _today():
        raise ValueError(f"birth date {birth} is before 1900 or in the future")
    first17 = f"{region6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq3}"
    return first17 + id_check_char(first17)


# --- 不动产单元号, GB/T 37346-2019 -------------------------------------------------------------
# 6 county (GB/T 2260) + 6 cadastral zone and subzone + 7 parcel (ownership letter, feature letter,
# 5-digit serial) + 9 fixture (kind letter, 8-digit serial). No check character.

PARCEL_OWNERSHIPS = {"G": "国家土地所有权", "J": "集体土地所有权", "Z": "土地所有权未确定或有争议"}
# Any uppercase letter is accepted as the feature code (the table has grown between editions);
# these are the ones the standard lists.
PARCEL_KINDS = {
    "A": "集体土地所有权宗地",
    "B": "建设用地使用权宗地（地表）",
    "S": "建设用地使用权宗地（地上）",
    "X": "建设用地使用权宗地（地下）",
    "C": "宅基地使用权宗地",
    "D": "土地承包经营权宗地（耕地）",
    "E": "土地承包经营权宗地（林地）",
    "F": "土地承包经营权宗地（草地）",
    "H": "海域使用权宗海",
    "G": "无居民海岛使用权",
    "W": "使用权未确定或有争议的土地",
    "Y": "其他使用权土地",
}
FIXTURE_KINDS = {"F": "房屋等建筑物、构筑物", "L": "森林、林木", "Q": "其他定着物", "W": "无定着物"}
_UPPER = re.compile(r"[A-Z]")


@dataclass(frozen=True)
class PropertyUnitNumber:
    county_code: str
    cadastral_zone: str
    parcel_ownership: str
    parcel_kind: str
    parcel_serial: str
    fixture_kind: str
    fixture_serial: str

    @property
    def parcel_code(self) -> str:
        """The 19-character 宗地代码 (county + zone + parcel), shared by every unit on the parcel."""
        return (
            self.county_code
            + self.cadastral_zone
            + self.parcel_ownership
            + self.parcel_kind
            + self.parcel_serial
        )

    @property
    def is_homestead(self) -> bool:
        return self.parcel_kind == "C"  # 宅基地使用权宗地 per the standard's table (S is 地上 space)

    @property
    def is_collective(self) -> bool:
        return self.parcel_ownership == "J"

    def __str__(self) -> str:
        return self.parcel_code + self.fixture_kind + self.fixture_serial


def _unit_error(message: str, code: str) -> ValidationError:
    return ValidationError(f"不动产单元号{message}", code=code)


def parse_property_unit_number(value: str) -> PropertyUnitNumber:
    value = value or ""
    if len(value) != 28:
        raise _unit_error(
            f"应为 28 位，当前为 {len(value)} 位，请对照不动产权证书重新输入。", "property_unit_length"
        )
    if any(c.islower() for c in value):
        raise _unit_error(
            "中的字母必须大写（国家标准规定），请把小写字母改成大写。", "property_unit_lowercase"
        )
    unit = PropertyUnitNumber(
        county_code=value[0:6],
        cadastral_zone=value[6:12],
        parcel_ownership=value[12],
        parcel_kind=value[13],
        parcel_serial=value[14:19],
        fixture_kind=value[19],
        fixture_serial=value[20:28],
    )
    if not _is_digits(unit.county_code, 6):
        raise _unit_error("第 1–6 位（县级行政区划代码）应为 6 位数字。", "property_unit_county")
    if not _is_digits(unit.cadastral_zone, 6):
        raise _unit_error("第 7–12 位（地籍区、地籍子区代码）应为 6 位数字。", "property_unit_zone")
    if unit.parcel_ownership not in PARCEL_OWNERSHIPS:
        raise _unit_error(
            "第 13 位（宗地所有权类型）应为 G（国家）、J（集体）或 Z（未确定或有争议）。",
            "property_unit_ownership",
        )
    if not _UPPER.fullmatch(unit.parcel_kind):
        raise _unit_error("第 14 位（宗地特征码）应为大写字母，如 B、C。", "property_unit_parcel_kind")
    if not _is_digits(unit.parcel_serial, 5):
        raise _unit_error("第 15–19 位（宗地顺序号）应为 5 位数字。", "property_unit_parcel_serial")
    if unit.fixture_kind not in FIXTURE_KINDS:
        raise _unit_error(
            "第 20 位（定着物特征码）应为 F（房屋等建筑物）、L（森林林木）、Q（其他定着物）或 W（无定着物）。",
            "property_unit_fixture_kind",
        )
    if not _is_digits(unit.fixture_serial, 8):
        raise _unit_error("第 21–28 位（定着物单元编号）应为 8 位数字。", "property_unit_fixture_serial")
    # A bare parcel has no fixture to number, so the standard fixes the serial at all zeros.
    if unit.fixture_kind == "W" and unit.fixture_serial != "00000000":
        raise _unit_error(
            "第 20 位为 W（无定着物）时，第 21–28 位应为 00000000。", "property_unit_fixture_serial"
        )
    return unit


def validate_property_unit_number(value: str) -> None:
    parse_property_unit_number(value)


def is_valid_property_unit_number(value: str) -> bool:
    try:
        parse_property_unit_number(value)
    except ValidationError:
        return False
    return True


def make_property_unit_number(
    county_code: str,
    cadastral_zone: str,
    parcel_ownership: str,
    parcel_kind: str,
    parcel_serial: str,
    fixture_kind: str = "W",
    fixture_serial: str = "00000000",
) -> str:
    """Build a valid unit number, e.g. a house on a homestead: ``("430408", "001002", "J", "C", "00017", "F", "00010001")``."""
    parts = (
        county_code,
        cadastral_zone,
        parcel_ownership,
        parcel_kind,
        parcel_serial,
        fixture_kind,
        fixture_serial,
    )
    try:
        unit = parse_property_unit_number("".join(parts))
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from exc
    # Parts of the wrong length can still add up to 28 valid characters, shifted into the wrong fields.
    if unit != PropertyUnitNumber(*parts):
        raise ValueError(f"parts have the wrong lengths: {parts!r}")
    return str(unit)


# --- 投资项目代码, GB/T 40058-2021 ------------------------------------------------------------
# 24 characters in five segments: time (4, the year the code was given), region (6, GB/T 2260), the
# central department guiding the work (2), the project type (2), a random number (5) and a check digit
# (1), e.g. 2024-430405-39-03-012345. What is checked and from where is in the README: the separators,
# the digits, the year (no code is older than the national platform, none from a later year) and that
# the region exists. Not checked: the department and type lists and the check digit, whose rule is in
# the standard's text, which is not published openly; a rule we cannot confirm would refuse good codes.

_PROJECT_CODE = re.compile(r"([0-9]{4})-([0-9]{6})-([0-9]{2})-([0-9]{2})-([0-9]{6})")
# The national online approval platform (全国投资项目在线审批监管平台) began giving codes in 2015.
FIRST_PROJECT_CODE_YEAR = 2015


def validate_project_code(value: str) -> None:
    from yancheng.core.reference.regions import region_exists

    value = value or ""
    if len(value) != 24:
        raise ValidationError(
            f"项目代码应为 24 位（含 4 个“-”），当前为 {len(value)} 位，请对照投资项目在线审批监管平台赋予的代码重新输入。",
            code="project_code_length",
        )
    match = _PROJECT_CODE.fullmatch(value)
    if match is None:
        raise ValidationError(
            "项目代码格式应为“年份-行政区划-部门-类型-六位码”，如 2024-430405-39-03-012345：除 4 个“-”外均为数字，请核对后重新输入。",
            code="project_code_format",
        )
    year, region = int(match[1]), match[2]
    if not FIRST_PROJECT_CODE_YEAR <= year <= _today().year:
        raise ValidationError(
            f"项目代码前 4 位是赋码年份，{year} 年不在 {FIRST_PROJECT_CODE_YEAR} 年至今年之间，请核对后重新输入。",
            code="project_code_year",
        )
    if not region_exists(region):
        raise ValidationError(
            f"项目代码第 6–11 位 {region} 不是有效的行政区划代码（GB/T 2260），请核对后重新输入。",
            code="project_code_region",
        )


def is_valid_project_code(value: str) -> bool:
    try:
        validate_project_code(value)
    except ValidationError:
        return False
    return True


def make_project_code(year: int, region: str, serial: int, department: str = "39", kind: str = "03") -> str:
    """A well-formed project code for the demo and tests; the last digit is just the serial's last digit
    (the real check digit's rule is not public)."""
    if not _is_digits(region, 6) or not 0 <= serial < 1_000_000:
        raise ValueError(f"need a 6-digit region and a serial below 1,000,000, got {region!r}, {serial!r}")
    return f"{year:04d}-{region}-{department}-{kind}-{serial:06d}"
