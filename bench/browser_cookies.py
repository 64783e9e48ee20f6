"""One simulated browser's cookies for the single plain-HTTP host a load benchmark drives (bench/load_portal.py).

Locust's `FastHttpUser` keeps cookies in the standard library's `http.cookiejar`, whose policy checks (domains,
ports, RFC 2965, the lock) cost about a tenth of locust's CPU in issue #15's mix, and locust shares the server's
two cores: what it spends there is taken from the server it measures. `BrowserCookies` sends exactly the Cookie
header `http.cookiejar` sends for this case (checked: tests/bench/test_browser_cookies.py, and
`load_portal.py --check-cookies` under the full mix) with only what the case needs:

- one host, plain HTTP: a `Secure` cookie is never sent (and one set replaces nothing that is sent);
- a cookie's path from its `Path` attribute, else the request's directory (RFC 6265 section 5.1.4, as
  `http.cookiejar` does for a Netscape cookie), sent when the request's path matches it (section 5.1.4);
- `Max-Age` over `Expires` whatever their order; an expired one or `Max-Age=0` deletes the cookie;
- sent longest path first, then in the order they were first set, as `name=value` pairs joined by "; ".

Standard library only: the test suite imports it without locust (which patches the standard library for gevent
on import).
"""

from __future__ import annotations

import email.utils
import time


class BrowserCookies:
    def __init__(self) -> None:
        # (path, name) -> (value, expiry in seconds since the epoch or None for the browser's session)
        self.kept: dict[tuple[str, str], tuple[str, float | None]] = {}

    def clear(self) -> None:
        self.kept.clear()

    def header_for(self, path: str) -> str | None:
        """The Cookie header a request for `path` carries, or None if it carries none."""
        path = path or "/"
        now = time.time()
        sent = []
        for (cookie_path, name), (value, expires) in self.kept.items():
            if expires is not None and expires <= now:
                continue
            if path == cookie_path or (
                path.startswith(cookie_path) and (cookie_path.endswith("/") or path[len(cookie_path)] == "/")
            ):
                sent.append((len(cookie_path), f"{name}={value}"))
        if not sent:
            return None
        sent.sort(key=lambda pair: -pair[0])  # stable: the same path keeps the order of setting
        return "; ".join(text for _length, text in sent)

    def keep(self, set_cookie_headers: list[str], request_path: str) -> None:
        """Take in the Set-Cookie headers of an answer to a request for `request_path`."""
        for header in set_cookie_headers:
            pair, *attributes = header.split(";")
            name, _, value = pair.partition("=")
            path = None
            expires = None
            max_age = None
            secure = False
            for attribute in attributes:
                key, _, argument = attribute.strip().partition("=")
                key = key.lower()
                if key == "path" and argument.startswith("/"):
                    path = argument
                elif key == "max-age":
                    max_age = int(argument)
                elif key == "expires":
                    expires = email.utils.parsedate_to_datetime(argument).timestamp()
                elif key == "secure":
                    secure = True
            if max_age is not None:
                expires = time.time() + max_age
            if path is None:
                request_path = request_path or "/"
                path = request_path[: request_path.rfind("/")] or "/"
            key = (path, name.strip())
            if secure or (expires is not None and expires <= time.time()):
                self.kept.pop(key, None)
            else:
                self.kept[key] = (value.strip(), expires)

    # The two methods geventhttpclient's UserAgent calls on its cookie jar.

    def add_cookie_header(self, request) -> None:
        header = self.header_for(request.url_split.path)
        if header is not None and "cookie" not in request.headers:
            request.headers.add("Cookie", header)

    def extract_cookies(self, response, request) -> None:
        if response.headers:
            self.keep(response.headers.getlist("set-cookie"), request.url_split.path)
