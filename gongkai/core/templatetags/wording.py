"""Small words that differ between the interface's languages without being a sentence to translate."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width in Chinese (申请人：张三), a colon and a space in English (Applicant: 张三).

    An official document (a letter, the annual report) is Chinese whatever the reader's language and keeps its
    own "：".
    """
    return "：" if (get_language() or "zh-hans").startswith("zh") else ": "


# Chinese punctuation between a sentence's translated parts, and what English puts there.
ENGLISH_PUNCTUATION = {"。": ". ", "，": ", ", "；": "; ", "：": ": ", "、": ", "}


@register.simple_tag
def punct(mark: str) -> str:
    """A full-width mark that joins translated parts of a sentence (，；。): itself in Chinese, the English mark and
    a space in English."""
    if (get_language() or "zh-hans").startswith("zh"):
        return mark
    return ENGLISH_PUNCTUATION.get(mark, mark)
