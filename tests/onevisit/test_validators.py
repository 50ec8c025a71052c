"""Validators against the verified examples of DOMAIN.md section 4 and numbers broken on purpose."""

import hashlib
from datetime import date

import pytest

from onevisit.validators import (
    VALIDATORS,
    hash_holder_id,
    resident_id_birth_date,
    resident_id_check_char,
    validate_date,
    validate_phone,
    validate_region_code,
    validate_resident_id,
    validate_uscc,
)

VERIFIED_RESIDENT_IDS = ["11010519491231002X", "440524188001010014", "360426199101010071", "120103198806018241"]


@pytest.mark.parametrize("number", VERIFIED_RESIDENT_IDS)
def test_check_char_of_verified_resident_ids(number: str) -> None:
    assert resident_id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize("number", [n for n in VERIFIED_RESIDENT_IDS if n[6:8] != "18"])
def test_verified_resident_ids_are_valid(number: str) -> None:
    assert validate_resident_id(number) is None


def test_verified_id_born_in_1880_fails_the_1900_rule_only() -> None:
    # 440524188001010014 is the standard's own sample; DOMAIN.md's "not before 1900" rule rejects it.
    assert validate_resident_id("440524188001010014") == "身份证号码中的出生日期不正确"


def test_lowercase_x_is_normalised() -> None:
    assert validate_resident_id("11010519491231002x") is None


@pytest.mark.parametrize(
    ("number", "message_part"),
    [
        ("110105194912310021", "校验位"),  # check digit changed
        ("360426199101010072", "校验位"),
        ("11010519491231002", "18位"),  # too short
        ("1101051949123100X2", "18位"),  # X not last
        ("110105194902300021", "出生日期"),  # 30 February
        ("110105189912310021", "出生日期"),  # before 1900
        ("991105194912310021", "地址码"),  # unknown province
    ],
)
def test_broken_resident_ids_are_rejected(number: str, message_part: str) -> None:
    message = validate_resident_id(number)
    assert message is not None and message_part in message


def test_resident_id_born_in_the_future_is_rejected() -> None:
    # 120103198806018241 with a birth date the day after "today".
    assert validate_resident_id("120103198806018241", today=date(1988, 5, 31)) is not None
    assert validate_resident_id("120103198806018241", today=date(1988, 6, 1)) is None


def test_resident_id_that_is_not_a_string_is_rejected() -> None:
    assert validate_resident_id(11010519491231002) is not None


def test_birth_date_of_a_resident_id() -> None:
    assert resident_id_birth_date("11010519491231002x") == date(1949, 12, 31)


def test_birth_date_of_an_invalid_resident_id_raises_with_the_message() -> None:
    with pytest.raises(ValueError, match="校验位"):
        resident_id_birth_date("110105194912310021")


def test_holder_hash_is_sha256_of_the_normalised_id() -> None:
    expected = hashlib.sha256(b"11010519491231002X").hexdigest()
    assert hash_holder_id(" 11010519491231002x ") == expected


@pytest.mark.parametrize(
    "code",
    [
        "91110108551385082Q",
        "91350100M000100Y43",
        # Letter registering-authority codes, which python-stdnum wrongly rejects.
        "N2110105MF0000001U",
        "Y1110105MA0000001C",
    ],
)
def test_valid_credit_codes(code: str) -> None:
    assert validate_uscc(code) is None


@pytest.mark.parametrize(
    ("code", "message_part"),
    [
        ("91110108551385082R", "校验位"),
        ("91110108551385082", "18位"),
        ("9111010855138508IQ", "18位"),  # I is not in the charset
        ("91A10108551385082Q", "18位"),  # position 3 must be a digit
    ],
)
def test_broken_credit_codes(code: str, message_part: str) -> None:
    message = validate_uscc(code)
    assert message is not None and message_part in message


@pytest.mark.parametrize("phone", ["13800138000", "+8613800138000", "86-19212345678", "+86 17012345678"])
def test_valid_phones(phone: str) -> None:
    assert validate_phone(phone) is None


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "138001380000", "010-12345678", None])
def test_invalid_phones(phone: object) -> None:
    assert validate_phone(phone) is not None


@pytest.mark.parametrize(("code", "valid"), [("110105", True), ("820000", True), ("830000", False), ("11010", False)])
def test_region_codes(code: str, valid: bool) -> None:
    assert (validate_region_code(code) is None) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-01-31", True),
        (date(2025, 1, 31), True),
        ("2025-02-30", False),
        ("20250131", False),
        ("31/01/2025", False),
    ],
)
def test_dates(value: object, valid: bool) -> None:
    assert (validate_date(value) is None) is valid


def test_validators_are_keyed_by_format_name() -> None:
    assert set(VALIDATORS) == {"resident_id", "uscc", "phone", "region_code", "date"}
    assert VALIDATORS["uscc"]("91110108551385082Q") is None
    assert VALIDATORS["resident_id"]("bad") is not None
