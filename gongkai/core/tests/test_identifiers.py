import datetime as dt

import pytest

from gongkai.core.identifiers import (
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_resident_id,
    mask_phone,
    mask_resident_id,
    resident_id_check_char,
)


@pytest.mark.parametrize(
    "code",
    ["9144030071526726XG", "91330100716105852F", "91110108551385082Q", "9144030071526726xg"],
)
def test_real_credit_codes_pass_the_gb32100_check(code):
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XA",  # wrong check character
        "9144030071526726X",  # 17 characters
        "9144030071526726XGG",  # 19 characters
        "914403007152672IXG",  # I is not in the alphabet
        "",
    ],
)
def test_malformed_credit_codes_fail(code):
    assert not is_valid_credit_code(code)


def test_credit_code_check_char_can_be_zero():
    # The (31 - sum % 31) % 31 step maps a remainder of 0 to '0', not to an index past the alphabet.
    for n in range(2000):
        first17 = f"11522600{n:09d}"
        assert len(credit_code_check_char(first17)) == 1


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x"])
def test_the_standards_example_identity_number_is_valid(number):
    assert is_valid_resident_id(number, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    "number,why",
    [
        ("110105194912310021", "wrong check digit"),
        ("110105194902300021", "30 February"),
        ("11010519491231002", "17 digits"),
        ("1101051949123100XX", "letter inside"),
        ("110105189912310027", "born before 1900"),
    ],
)
def test_bad_identity_numbers_fail(number, why):
    assert not is_valid_resident_id(number, today=dt.date(2026, 1, 1)), why


def test_an_identity_number_born_in_the_future_fails():
    first17 = "11010520300101001"
    number = first17 + resident_id_check_char(first17)
    assert not is_valid_resident_id(number, today=dt.date(2026, 1, 1))
    assert is_valid_resident_id(number, today=dt.date(2031, 1, 1))


def test_masking_hides_the_middle_of_identity_and_phone_numbers():
    assert mask_resident_id("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("123") == "***"
