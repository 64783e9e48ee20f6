"""Reading numbers from the query string: a value out of range or malformed is a 400, never a 500.

`?year=99999` once reached the database as a date range Python cannot build; every public page that reads a
year, month or page from the address goes through here.
"""

from django.core.exceptions import BadRequest

YEAR_MIN, YEAR_MAX = 1949, 2100


def query_int(request, name: str, *, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """The integer parameter `name`, `default` when absent or empty; BadRequest (400) when not an integer in range."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} is not a number") from None
    if not minimum <= value <= maximum:
        raise BadRequest(f"{name} is out of range")
    return value


def query_year(request, name: str = "year") -> int | None:
    return query_int(request, name, minimum=YEAR_MIN, maximum=YEAR_MAX)
