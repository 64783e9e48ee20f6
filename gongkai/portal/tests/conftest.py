"""The fast path's tests (test_fast_path.py, test_fast_path_kept.py) call the WSGI application itself."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from gongkai.portal.fastpath import PageCacheFastPath


class Counting:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def app():
    # As Django's test client does: the test's transaction must not be closed between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        django = Counting()
        yield PageCacheFastPath(django)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
