"""The site's URLs plus three views that fail on purpose, for the error-page tests."""

from config.urls import *  # noqa: F403 - the real URLs and error handlers
from config.urls import urlpatterns as site_urlpatterns
from gongkai.portal.tests.test_errors import urlpatterns as failing

urlpatterns = failing + site_urlpatterns
