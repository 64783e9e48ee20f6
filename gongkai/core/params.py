"""Query-string values with bounds: an out-of-range year, date or id answers 400 with a Chinese message.

Python's dates end at year 9999 and SQLite's integers at 2**63 - 1; a value past either used to reach the
database or the date arithmetic and answer 500. Views read bounded values through these helpers, and a value
outside the bounds raises `BadRequest`, which Django turns into the 400 page (`portal.errors.bad_request`),
naming the field.
"""

import datetime as dt

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# Years anything in the platform can be about: the Regulations date from 2008, records from before are
# imported; beyond 2100 is a typing error. Date arithmetic on these never leaves Python's range.
YEAR_MIN, YEAR_MAX = 1900, 2100
# The largest primary key the databases can hold (BigAutoField).
ID_MAX = 2**63 - 1


def out_of_range(label: str) -> BadRequest:
    return BadRequest(_("“%(field)s”的值超出允许范围，请检查后重试。") % {"field": label})


def query_int(request, name: str, *, label: str, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """The integer in request.GET[name]; `default` when absent or empty, 400 when not a number or out of range."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(_("“%(field)s”应为数字，请检查后重试。") % {"field": label}) from None
    if not minimum <= value <= maximum:
        raise out_of_range(label)
    return value


def query_year(request, name: str = "year", *, label: str | None = None, default: int | None = None) -> int | None:
    return query_int(request, name, label=label or _("年份"), minimum=YEAR_MIN, maximum=YEAR_MAX, default=default)


def query_id(request, name: str, *, label: str) -> int | None:
    """A record id from the query string: None when absent, 400 when malformed or no record can have it."""
    return query_int(request, name, label=label, minimum=1, maximum=ID_MAX)


def check_year(value: int, label: str) -> int:
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise out_of_range(label)
    return value


def date_in_range(value: dt.date) -> bool:
    return YEAR_MIN <= value.year <= YEAR_MAX
