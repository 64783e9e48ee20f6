import pytest

from gongkai.analytics import middleware, services


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # Each test builds its own agencies and salts; ids cached by an earlier test must not leak into it.
    middleware._slug_cache.clear()
    services._salt_cache.clear()
    yield
    middleware._slug_cache.clear()
    services._salt_cache.clear()
