"""Check characters of the national identifiers the platform validates, and masking for display.

GB 32100-2015: the 18-character unified social credit code (统一社会信用代码).
GB 11643-1999: the 18-digit citizen identity number (公民身份号码) of a mainland resident ID card.
"""

import datetime as dt
import re

# GB 32100: the alphabet leaves out I, O, Z, S and V so that they are not mistaken for digits.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given (GB 32100 §4.3)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = (code or "").strip().upper()
    return bool(CREDIT_CODE_RE.match(code)) and credit_code_check_char(code[:17]) == code[17]


def resident_id_check_char(first17: str) -> str:
    """The check character of a citizen identity number (GB 11643 §5, ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def resident_id_birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid_resident_id(number: str, *, today: dt.date | None = None) -> bool:
    """True for an 18-digit number with a real birth date (not in the future) and the right check digit."""
    number = (number or "").strip().upper()
    if not ID_RE.match(number):
        return False
    birth = resident_id_birth_date(number)
    if birth is None or birth.year < 1900 or (today is not None and birth > today):
        return False
    return resident_id_check_char(number[:17]) == number[17]


def mask_resident_id(number: str) -> str:
    """Keep the region code's first 3 and the last 4 characters: 522***********123X."""
    number = (number or "").strip()
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number, hide the middle."""
    digits = (number or "").strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
