"""The ceiling of bench/load_portal.py: Django with no middleware, no database, one view answering "ok".

Served by the same gunicorn configuration (config/gunicorn.py) as the portal, so the difference between the two
runs is the portal's own work: middleware, sessions, queries, templates.
"""

from django.conf import settings

settings.configure(
    DEBUG=False, ALLOWED_HOSTS=["127.0.0.1", "localhost"], ROOT_URLCONF=__name__, SECRET_KEY="bench-only",  # noqa: S106
    MIDDLEWARE=[], INSTALLED_APPS=[], USE_I18N=False,
)  # fmt: skip

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
