import pytest

from gongkai.agencies.selectors import forget_agency_slugs
from gongkai.analytics import services


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # Each test builds its own agencies and salts; ids cached by an earlier test must not leak into it.
    forget_agency_slugs()
    services._salt_cache.clear()
    yield
    forget_agency_slugs()
    services._salt_cache.clear()
