"""Masking personal data that members of the public type into comments and free-text answers.

Name and contact fields are never shown; this covers what people write in the text itself (a phone number
in a comment, an identity number in an answer), using the catalogue's detectors and the core masks.
"""

from gongkai.catalogue.checks import CARD_RE, ID_RE, MOBILE_RE, luhn_valid, mask_bank_card
from gongkai.core.identifiers import mask_phone, mask_resident_id


def mask_personal_data(text: str) -> str:
    """The text with identity, mobile and bank-card numbers masked (522***********123X, 138****5678)."""
    text = ID_RE.sub(lambda m: mask_resident_id(m.group(1)), text or "")
    text = CARD_RE.sub(
        lambda m: (
            mask_bank_card(m.group(1)) if luhn_valid(m.group(1).replace(" ", "").replace("-", "")) else m.group(1)
        ),
        text,
    )
    return MOBILE_RE.sub(lambda m: mask_phone(m.group(1).replace(" ", "").replace("-", "")), text)
