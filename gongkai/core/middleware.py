"""Security headers that Django 5.2 does not set by itself, the language, and the sessions' sliding expiry."""

import time

from django.conf import settings
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings on every response (no inline script is allowed)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ChineseFirstLocaleMiddleware:
    """Serve Chinese unless the visitor chose another language with the switcher (the language cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would show a Chinese
    government portal in English to anyone whose browser is set up in English; a citizen expects Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SlidingSessionMiddleware:
    """An idle session ends SESSION_COOKIE_AGE after its last use; an active one does not (sliding expiry).

    Django's SESSION_SAVE_EVERY_REQUEST slides it by writing the session on every request: on SQLite each of a
    clerk's page views took the database's write lock for it. Here a session in use is written again only when
    GONGKAI_SESSION_TOUCH_SECONDS have passed since it was last written, so its end is at most that much earlier
    than with a write per request. Listed after SessionMiddleware, so the session it marks is saved on the way out.
    """

    KEY = "_gk_touched"

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = settings.GONGKAI_SESSION_TOUCH_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not (session.session_key or session.modified):
            return response
        now = int(time.time())
        # A session written anyway (logging in, a form kept...) notes when; one in use is written once a while.
        if session.modified or now - session.get(self.KEY, 0) >= self.every:
            session[self.KEY] = now  # modified: SessionMiddleware writes it with a new expiry
        return response
