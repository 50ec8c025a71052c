"""Validators for the identifiers citizens and companies type into forms (DOMAIN.md section 4).

Each validator takes a raw form value and returns a Chinese message for the applicant, or None
when the value is valid, so a caller can collect every problem of a form at once (一次反馈).
`VALIDATORS` maps the field formats of the catalog's data dictionary to them.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")

# A bundle's code, its key in every URL (/v1/bundles/B01): services that take one from a caller
# check it against this before building a catalog URL with it.
BUNDLE_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{0,49}$"

# Only the province part of an address code is checked: ID numbers keep the code of the place
# at issuance, which may since have been abolished, so a full GB/T 2260 check would reject them.
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"]
)
# Residence permits of Hong Kong, Macao and Taiwan residents use 810000 / 820000 / 830000 with
# the same algorithm; 83 is not a region code, so it is accepted in ID numbers only.
RESIDENT_ID_PROVINCE_CODES = PROVINCE_CODES | {"83"}

RESIDENT_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
RESIDENT_ID_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# GB 32100: 31 characters, no I O S V Z; a character's value is its index.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Positions 1-2 (registering authority, organisation type) may be letters; 3-8 are the region code.
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31

# Pragmatic on purpose: carrier segment lists churn and number portability makes them useless.
PHONE_PATTERN = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
REGION_CODE_PATTERN = re.compile(r"^\d{6}$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalise_resident_id(value: str) -> str:
    """The form in which ID numbers are compared and hashed: no surrounding spaces, upper-case X."""
    return value.strip().upper()


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def _parse_compact_date(yyyymmdd: str) -> date | None:
    try:
        return datetime.strptime(yyyymmdd, "%Y%m%d").date()
    except ValueError:
        return None


def _today_in_china() -> date:
    return datetime.now(CHINA_TZ).date()


def validate_resident_id(value: Any, *, today: date | None = None) -> str | None:
    """Check an 18-digit 公民身份号码 (GB 11643); `today` is for tests."""
    if not isinstance(value, str):
        return "请填写身份证号码"
    number = normalise_resident_id(value)
    if not RESIDENT_ID_PATTERN.match(number):
        return "身份证号码应为18位，前17位为数字，最后一位为数字或X"
    if number[:2] not in RESIDENT_ID_PROVINCE_CODES:
        return "身份证号码的地址码不正确"
    birth = _parse_compact_date(number[6:14])
    if birth is None or birth < EARLIEST_BIRTH_DATE or birth > (today or _today_in_china()):
        return "身份证号码中的出生日期不正确"
    if resident_id_check_char(number[:17]) != number[17]:
        return "身份证号码校验位不正确，请核对后重新填写"
    return None


def resident_id_birth_date(value: str) -> date:
    """Birth date of a valid resident ID; raises ValueError with the Chinese message otherwise."""
    problem = validate_resident_id(value)
    if problem:
        raise ValueError(problem)
    return datetime.strptime(normalise_resident_id(value)[6:14], "%Y%m%d").date()


def hash_holder_id(value: str) -> str:
    """SHA-256 hex of a normalised ID number or credit code.

    Licence verification (`/v1/licences/{number}/verify?holder=`) compares these hashes, so the
    ID number itself never travels in a URL or lands in an access log.
    """
    return hashlib.sha256(normalise_resident_id(value).encode("ascii")).hexdigest()


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character of the first 17 characters."""
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: Any) -> str | None:
    """Check an 18-character 统一社会信用代码 (GB 32100)."""
    if not isinstance(value, str):
        return "请填写统一社会信用代码"
    code = value.strip().upper()
    if not USCC_PATTERN.match(code):
        return "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）"
    if uscc_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对后重新填写"
    return None


def validate_phone(value: Any) -> str | None:
    """Check a mainland mobile number, optionally with +86."""
    if not isinstance(value, str) or not PHONE_PATTERN.match(value.strip()):
        return "请填写正确的11位手机号码"
    return None


def validate_region_code(value: Any) -> str | None:
    """Check a 6-digit 行政区划代码; only the province part, as codes change every year."""
    if not isinstance(value, str) or not REGION_CODE_PATTERN.match(value.strip()):
        return "行政区划代码应为6位数字"
    if value.strip()[:2] not in PROVINCE_CODES:
        return "行政区划代码的省级代码不正确"
    return None


def validate_date(value: Any) -> str | None:
    """Check an ISO 8601 calendar date, YYYY-MM-DD (a `date` object is accepted too)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return None
    # The pattern first: fromisoformat on 3.11 also accepts forms like 20250101 and 2025-W01-1.
    if not isinstance(value, str) or not ISO_DATE_PATTERN.match(value):
        return "日期格式应为YYYY-MM-DD，例如2025-01-31"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "日期不存在，请核对年月日"
    return None


VALIDATORS: dict[str, Callable[[Any], str | None]] = {
    "resident_id": validate_resident_id,
    "uscc": validate_uscc,
    "phone": validate_phone,
    "region_code": validate_region_code,
    "date": validate_date,
}
