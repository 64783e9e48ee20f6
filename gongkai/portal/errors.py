"""The error pages (400, 403, 404, 500 and the CSRF failure) in the portal's layout and in Chinese.

They never show a framework hint or a stack trace. Each offers the way home, and a signed-in member of staff
also the way back to the work. The 500 page must render even when the database is what failed, so everything
it reads from the database is optional.
"""

import logging

from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Posted fields never shown back on the CSRF failure page: secrets, tokens and the honeypot.
_NEVER_ECHOED = ("password", "csrfmiddlewaretoken", "token", "secret", "website", "captcha", "code")


def _site_context() -> dict:
    """The home agency and its footer identity, or nothing when the database cannot be read."""
    try:
        from gongkai.agencies.selectors import portal_home_agency, site_identity_agency
        from gongkai.core.registry import portal_nav_items

        agency = portal_home_agency()
        return {"agency": agency, "site_agency": site_identity_agency(agency), "nav_items": portal_nav_items(agency)}
    except Exception:  # noqa: BLE001 - the error page must render whatever else is broken
        logger.warning("error page rendered without the site's identity", exc_info=True)
        return {}


def _is_staff(request) -> bool:
    try:
        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and user.is_active)
    except Exception:  # noqa: BLE001 - a broken session store must not turn a 404 into a 500
        return False


def _render(request, status: int, title: str, message: str, *, database: bool = True, **extra) -> HttpResponse:
    context = {
        **(_site_context() if database else {}),
        "status": status,
        "error_title": title,
        "error_message": message,
        "show_staff_link": _is_staff(request) if database else request.path.startswith("/staff/"),
        "request": request,
        **extra,
    }
    try:
        body = render_to_string("portal/error.html", context, request=request)
    except Exception:  # noqa: BLE001 - last resort: a plain Chinese page rather than the server's default
        logger.exception("error page template failed")
        body = f'<!DOCTYPE html><html lang="zh-CN"><title>{title}</title><h1>{title}</h1><p>{message}</p><p><a href="/">返回首页</a></p>'
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    """A BadRequest raised by gongkai.core.params names the field in Chinese; say that, else the general text."""
    named = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    return _render(
        request,
        400,
        _("请求有误"),
        named or _("网址中的参数不正确（例如年份、页码或日期超出范围），本站无法处理。请检查网址，或从首页重新进入。"),
    )


def permission_denied(request, exception=None):
    return _render(
        request,
        403,
        _("没有访问权限"),
        _("您没有查看或操作这个页面的权限。工作人员请确认已切换到有权限的机关，或联系本机关管理员。"),
    )


def page_not_found(request, exception=None):
    return _render(
        request,
        404,
        _("页面不存在"),
        _("您要找的页面不存在，可能已被移动、删除或尚未公开。可以从首页进入，或使用信息检索查找。"),
        show_search=True,
    )


def server_error(request):
    return _render(
        request,
        500,
        _("系统暂时出现问题"),
        _("很抱歉，系统处理您的请求时出错，我们已记录此问题。请稍后再试；如急需办理，请拨打页面底部的联系电话。"),
        database=False,
    )


def _same_site(request) -> bool:
    """Whether the failed form came from a page of this site (a forged post from elsewhere gets nothing back)."""
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(origin) and url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: tell the visitor in plain Chinese why, and give back what they typed.

    A form fails the check mostly because the page stayed open too long or cookies are blocked. When the post
    came from this site's own page, the text fields are shown (escaped, never re-submitted) so nothing typed is
    lost; passwords, tokens and uploads never are.
    """
    typed = []
    if request.method == "POST" and _same_site(request):
        for name, values in request.POST.lists():
            if any(word in name.lower() for word in _NEVER_ECHOED):
                continue
            text = "\n".join(v for v in values if v.strip())
            if text:
                typed.append((name, text[:5000]))
    referer = request.headers.get("Referer", "")
    back = referer if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else ""
    return _render(
        request,
        403,
        _("页面已过期，请重新提交"),
        _(
            "为保护您的信息安全，本站要求表单从本站页面提交，并且页面打开的时间不能过长。"
            "您的表单没有通过这项校验，因此没有保存任何内容。请返回表单页面，刷新后重新填写提交；"
            "如果反复出现，请确认浏览器允许本站使用 Cookie。"
        ),
        typed=typed,
        back=back,
    )
