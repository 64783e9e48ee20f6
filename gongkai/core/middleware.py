"""Security headers that Django 5.2 does not set by itself."""

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
