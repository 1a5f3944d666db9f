"""Tests for the national-identifier validators: plain functions, no database."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from yancheng.core.validators import (
    USCC_ALPHABET,
    PropertyUnitNumber,
    id_check_char,
    is_valid_id_number,
    is_valid_property_unit_number,
    is_valid_uscc,
    make_id_number,
    make_property_unit_number,
    make_uscc,
    mask_id_number,
    normalise_code,
    old_id_number_to_new,
    org_code_check_char,
    parse_property_unit_number,
    uscc_check_char,
    validate_id_number,
    validate_property_unit_number,
    validate_registered_id_number,
    validate_uscc,
)

fast = settings(max_examples=200, deadline=None, database=None)

REAL_USCCS = ["9144030071526726XG", "914403001922038216"]
ID_ALPHABET = "0123456789X"
GB11643_EXAMPLE = "11010519491231002X"  # the worked example in GB 11643-1999
HOUSE_ON_HOMESTEAD = "430408001002JC00017F00010001"


def error_code(validate, value) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate(value)
    return excinfo.value.code


def substitutions(value: str, alphabet: str):
    """Every string that differs from ``value`` in exactly one position, by a character of ``alphabet``."""
    for i, original in enumerate(value):
        for c in alphabet:
            if c != original:
                yield value[:i] + c + value[i + 1 :]


def digit_string(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# --- 统一社会信用代码 ------------------------------------------------------------------------

usccs = st.builds(
    make_uscc,
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    digit_string(6),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_pass(code):
    validate_uscc(code)
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_every_single_substitution_of_a_real_uscc_fails(code):
    changed = list(substitutions(code, USCC_ALPHABET))
    # 18 positions x 30 other characters: proves the loop really ran over every case.
    assert len(changed) == 18 * 30 == len(set(changed))
    assert [c for c in changed if is_valid_uscc(c)] == []


def test_org_code_check_char_special_cases():
    assert org_code_check_char("71526726") == "X"  # C = 10
    assert org_code_check_char("00000000") == "0"  # C = 11
    assert org_code_check_char("19220382") == "1"


@fast
@given(usccs)
def test_generated_uscc_passes(code):
    assert len(code) == 18
    validate_uscc(code)


@fast
@given(usccs, st.data())
def test_single_substitution_of_generated_uscc_fails(code, data):
    i = data.draw(st.integers(0, 17))
    c = data.draw(st.sampled_from(USCC_ALPHABET.replace(code[i], "")))
    assert not is_valid_uscc(code[:i] + c + code[i + 1 :])


@pytest.mark.parametrize("value", [None, "", REAL_USCCS[0][:17], REAL_USCCS[0] + "0", REAL_USCCS[0][:15]])
def test_uscc_wrong_length_fails(value):
    assert error_code(validate_uscc, value) == "uscc_length"


def test_uscc_with_letters_where_the_region_code_stands_fails_even_with_good_check_characters():
    org_body = "MA4L0001"
    first17 = "91" + "43A400" + org_body + org_code_check_char(org_body)
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(first17 + uscc_check_char(first17))
    assert excinfo.value.code == "uscc_region" and "行政区划代码" in excinfo.value.messages[0]


def test_uscc_lowercase_fails_with_a_message_saying_uppercase():
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(REAL_USCCS[0].lower())
    assert excinfo.value.code == "uscc_lowercase"
    assert "大写" in excinfo.value.messages[0]


@pytest.mark.parametrize("letter", "IOZSV")
@pytest.mark.parametrize("position", [0, 9, 17])
def test_uscc_forbidden_letters_fail(letter, position):
    code = REAL_USCCS[1]
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code[:position] + letter + code[position + 1 :])
    assert excinfo.value.code == "uscc_character"
    assert letter in excinfo.value.messages[0]


def test_uscc_names_the_failing_check():
    code = REAL_USCCS[1]  # organisation code 19220382-1
    assert error_code(validate_uscc, code[:8] + "2" + code[9:]) == "uscc_org_code_check"
    # 0 -> B adds 11 to one organisation-code value, so only the overall check can catch it.
    assert code[12] == "0"
    assert error_code(validate_uscc, code[:12] + "B" + code[13:]) == "uscc_check"
    assert error_code(validate_uscc, code[:17] + "7") == "uscc_check"


def test_make_uscc_builds_enough_distinct_codes_for_demo_data():
    codes = {make_uscc("9", "1", "430400", f"MA4L{n:04d}") for n in range(200)}
    assert len(codes) == 200
    assert all(is_valid_uscc(c) for c in codes)


@pytest.mark.parametrize(
    "parts",
    [("9", "1", "4304", "MA4L0001"), ("9", "1", "430400", "MA4I0001"), ("91", "", "430400", "MA4L0001")],
)
def test_make_uscc_rejects_bad_parts(parts):
    with pytest.raises(ValueError):
        make_uscc(*parts)


# --- 居民身份证号码 --------------------------------------------------------------------------

LATEST_SAFE_BIRTH = date.today() - timedelta(days=2)  # "today" in Asia/Shanghai may differ from here
id_numbers = st.builds(
    make_id_number, digit_string(6), st.dates(date(1900, 1, 1), LATEST_SAFE_BIRTH), digit_string(3)
)


def id_with_birth(yyyymmdd: str) -> str:
    first17 = "430405" + yyyymmdd + "123"
    return first17 + id_check_char(first17)


def test_standard_example_id_passes():
    validate_id_number(GB11643_EXAMPLE)
    assert id_check_char(GB11643_EXAMPLE[:17]) == "X"


def test_every_single_substitution_of_an_id_fails():
    changed = list(substitutions(GB11643_EXAMPLE, ID_ALPHABET))
    assert len(changed) == 18 * 10
    assert [c for c in changed if is_valid_id_number(c)] == []


@fast
@given(digit_string(6), st.dates(date(1900, 1, 1), LATEST_SAFE_BIRTH), digit_string(3))
def test_generated_id_passes(region, birth, seq):
    number = make_id_number(region, birth, seq)
    validate_id_number(number)
    assert number[6:14] == birth.strftime("%Y%m%d")


@fast
@given(id_numbers, st.data())
def test_single_substitution_of_generated_id_fails(number, data):
    i = data.draw(st.integers(0, 17))
    c = data.draw(st.sampled_from(ID_ALPHABET.replace(number[i], "")))
    assert not is_valid_id_number(number[:i] + c + number[i + 1 :])


@pytest.mark.parametrize("value", [None, "", "430405900517123", GB11643_EXAMPLE[:17], GB11643_EXAMPLE + "1"])
def test_id_wrong_length_fails(value):
    assert error_code(validate_id_number, value) == "id_length"


def test_id_lowercase_x_fails():
    assert error_code(validate_id_number, GB11643_EXAMPLE.lower()) == "id_lowercase"


def test_id_non_digit_fails():
    assert error_code(validate_id_number, "A" + GB11643_EXAMPLE[1:]) == "id_character"
    assert error_code(validate_id_number, GB11643_EXAMPLE[:17] + "Y") == "id_character"


@pytest.mark.parametrize(
    "yyyymmdd",
    ["19000229", "20230230", "19991301", "19990431", "20000000", "00000101", "18991231", "99991231"],
)
def test_impossible_birth_dates_fail(yyyymmdd):
    assert error_code(validate_id_number, id_with_birth(yyyymmdd)) == "id_birth_date"


def test_birth_date_boundaries():
    from django.utils import timezone

    today = timezone.localdate()
    validate_id_number(id_with_birth("19000101"))
    validate_id_number(id_with_birth("20000229"))
    validate_id_number(id_with_birth(today.strftime("%Y%m%d")))
    tomorrow = today + timedelta(days=1)
    assert error_code(validate_id_number, id_with_birth(tomorrow.strftime("%Y%m%d"))) == "id_birth_date"


def test_make_id_number_rejects_bad_parts():
    with pytest.raises(ValueError):
        make_id_number("43040", date(1990, 1, 1), "123")
    with pytest.raises(ValueError):
        make_id_number("430405", date(1899, 12, 31), "123")
    with pytest.raises(ValueError):
        make_id_number("430405", date(1990, 1, 1), "12a")


# GB 11643-1999's own example of a 15-digit number issued before 1999, and its 18-digit form.
OLD_ID, NEW_ID = "340524800101001", "34052419800101001X"


def test_a_15_digit_id_becomes_its_18_digit_form():
    assert old_id_number_to_new(OLD_ID) == NEW_ID
    validate_id_number(NEW_ID)
    assert old_id_number_to_new(NEW_ID) == NEW_ID  # an 18-digit number is already new
    assert old_id_number_to_new("34052480010100") == "34052480010100"  # not an ID number: left as given


@fast
@given(digit_string(6), st.dates(date(1900, 1, 1), date(1999, 12, 31)), digit_string(3))
def test_every_old_id_number_converts_to_the_new_one_of_the_same_person(region, birth, seq):
    old = f"{region}{birth:%y%m%d}{seq}"
    assert old_id_number_to_new(old) == make_id_number(region, birth, seq)


def test_a_masked_id_number_hides_the_birth_date():
    assert mask_id_number(NEW_ID) == "340524********001X"
    assert mask_id_number(OLD_ID) == "340524*****1001"


def test_the_register_may_hold_a_15_digit_id_number_the_application_may_not():
    validate_registered_id_number(OLD_ID)
    validate_registered_id_number(NEW_ID)
    assert error_code(validate_id_number, OLD_ID) == "id_length"
    assert error_code(validate_registered_id_number, "340524801331001") == "id_birth_date"
    assert error_code(validate_registered_id_number, "3405248001010O1") == "id_character"
    assert error_code(validate_registered_id_number, NEW_ID[:-1] + "1") == "id_check"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("４３０４０８００１００２ＪＣ０００１７Ｆ０００１０００１", HOUSE_ON_HOMESTEAD),
        (" 430408001002jc00017f00010001\u3000", HOUSE_ON_HOMESTEAD),  # an ideographic space too
        ("11010519491231002x", GB11643_EXAMPLE),
        ("ｉｃｂｃ－ｈｙ－２０２６－０００１", "ICBC-HY-2026-0001"),
        (None, ""),
    ],
)
def test_a_code_is_normalised_to_what_the_person_meant(typed, meant):
    assert normalise_code(typed) == meant


def test_normalising_keeps_what_is_not_unambiguous():
    # Inner spaces and a letter O for a zero are mistakes to be shown, not guesses to be made.
    assert normalise_code("430408 001002") == "430408 001002"
    assert normalise_code("43O408") == "43O408"


# --- 不动产单元号 ----------------------------------------------------------------------------

uppercase = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
fixtures = st.one_of(
    st.tuples(st.just("W"), st.just("00000000")),
    st.tuples(st.sampled_from("FLQ"), digit_string(8)),
)
unit_parts = st.tuples(
    digit_string(6), digit_string(6), st.sampled_from("GJZ"), uppercase, digit_string(5), fixtures
).map(lambda t: (*t[:5], *t[5]))


@fast
@given(unit_parts)
def test_generated_property_unit_number_passes(parts):
    value = make_property_unit_number(*parts)
    assert len(value) == 28
    unit = parse_property_unit_number(value)
    assert unit == PropertyUnitNumber(*parts)
    assert str(unit) == value
    assert unit.parcel_code == value[:19]
    assert unit.is_collective == (parts[2] == "J")
    assert is_valid_property_unit_number(value)


@fast
@given(unit_parts, st.data())
def test_letter_in_a_digit_field_of_a_unit_number_fails(parts, data):
    value = make_property_unit_number(*parts)
    digit_positions = [i for i in range(28) if i not in (12, 13, 19)]
    i = data.draw(st.sampled_from(digit_positions))
    assert not is_valid_property_unit_number(value[:i] + data.draw(uppercase) + value[i + 1 :])


def test_parse_house_on_homestead():
    unit = parse_property_unit_number(HOUSE_ON_HOMESTEAD)
    assert unit == PropertyUnitNumber("430408", "001002", "J", "C", "00017", "F", "00010001")
    assert unit.parcel_code == "430408001002JC00017"
    assert unit.is_homestead and unit.is_collective
    state_land = parse_property_unit_number("430408001002GB00003W00000000")
    assert not state_land.is_homestead and not state_land.is_collective


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "property_unit_length"),
        (HOUSE_ON_HOMESTEAD[:27], "property_unit_length"),
        (HOUSE_ON_HOMESTEAD + "0", "property_unit_length"),
        (HOUSE_ON_HOMESTEAD.lower(), "property_unit_lowercase"),
        ("43040A001002JC00017F00010001", "property_unit_county"),
        ("430408001A02JC00017F00010001", "property_unit_zone"),
        ("430408001002AC00017F00010001", "property_unit_ownership"),
        ("4304080010021C00017F00010001", "property_unit_ownership"),
        ("430408001002J100017F00010001", "property_unit_parcel_kind"),
        ("430408001002JC0001AF00010001", "property_unit_parcel_serial"),
        ("430408001002JC00017X00010001", "property_unit_fixture_kind"),
        ("430408001002JC00017F0001000A", "property_unit_fixture_serial"),
        ("430408001002JC00017W00010001", "property_unit_fixture_serial"),
    ],
)
def test_bad_property_unit_numbers_name_the_bad_part(value, code):
    assert error_code(validate_property_unit_number, value) == code
    assert not is_valid_property_unit_number(value)


def test_make_property_unit_number_rejects_shifted_parts():
    with pytest.raises(ValueError):
        make_property_unit_number("43040", "8001002", "J", "C", "00017", "F", "00010001")
    with pytest.raises(ValueError):
        make_property_unit_number("430408", "001002", "J", "C", "00017", "W", "00010001")
