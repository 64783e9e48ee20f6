"""WSGI entry point used by gunicorn in `make run` and in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

# Anonymous portal pages the full stack has served from the page cache are answered again before Django's
# request handling, still checked against the shared version tokens and counted (gongkai/portal/fastpath.py).
from gongkai.portal.fastpath import PageCacheFastPath  # noqa: E402 - needs the apps loaded

application = PageCacheFastPath(django_application)
