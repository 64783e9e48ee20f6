"""`{% pager page %}`: first, previous, numbered, next and last page links, and a box to jump to a page number.

The links keep every other query parameter of the current request (year, category, q...), so paging never loses
what the visitor chose.
"""

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context, page, param: str = "page"):
    request = context.get("request")
    kept = [(k, v) for k, v in (request.GET.lists() if request else []) if k != param]
    flat = [(k, value) for k, values in kept for value in values]
    prefix = urlencode(flat) + "&" if flat else ""
    paginator = page.paginator
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return {
        "page": page,
        "param": param,
        "prefix": prefix,
        "kept": flat,
        "numbers": numbers,
        "ellipsis": paginator.ELLIPSIS,
        "last": paginator.num_pages,
    }
