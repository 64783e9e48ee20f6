"""The SQLite set-up's second database file: the shared cache (rate-limit and look-up counters) on its own.

SQLite lets one writer at a time hold a database file. In the records' file, the rate limiter's counter of the
online application form (django-ratelimit's `add` and `incr`, three short write transactions a submission) waited
for the write lock behind the applications' own transactions and the page-view writer: 34 ms a submission on
average under issue #15's load, 0.68 s of waiting every second (docs/benchmarks.md). The counters need no
transaction with the records, so `config/settings.py` gives the default cache (table `gongkai_cache`) a file of
its own, `var/cache.sqlite3` (database alias `cache`), where its writers wait only for each other.

Only that cache moves. The page cache (table `gongkai_page_cache`) stays in the records' file, so a page's
version token is written in the same transaction as the change that makes the page old
(`core.pagecache.written_with_the_change`). With PostgreSQL, or with Redis, there is no `cache` alias and this
router decides nothing.

The file holds nothing that must be kept: a lost or deleted `cache.sqlite3` is made again, with its table
(`ensure_shared_cache_table`), by the next connection; only counters within their hour start again at zero.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError

CACHE_DB_ALIAS = "cache"
SHARED_CACHE_TABLE = "gongkai_cache"


def _has_cache_database() -> bool:
    return CACHE_DB_ALIAS in settings.DATABASES


def _is_shared_cache(model: Any) -> bool:
    """DatabaseCache's model of the shared cache's table (each DatabaseCache has a model of its own)."""
    meta = getattr(model, "_meta", None)
    return meta is not None and meta.app_label == "django_cache" and meta.db_table == SHARED_CACHE_TABLE


class SharedCacheRouter:
    """Reads and writes of the shared cache's table go to the `cache` database; nothing else is migrated there."""

    def db_for_read(self, model, **hints) -> str | None:
        # Asked for every query of every model: the model's label first, the settings only for the cache's.
        return CACHE_DB_ALIAS if _is_shared_cache(model) and _has_cache_database() else None

    db_for_write = db_for_read

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        if not _has_cache_database():
            return None
        shared = _is_shared_cache(hints.get("model"))
        if db == CACHE_DB_ALIAS:
            return shared
        return False if shared else None


def ensure_shared_cache_table(sender, connection, **kwargs) -> None:
    """On each new connection to the `cache` database (the `connection_created` signal): create the table if the
    file is new, with Django's own `createcachetable` statements (one look-up when it exists). So the file needs
    no `migrate` of its own, and a deleted file comes back by itself."""
    if connection.alias != CACHE_DB_ALIAS:
        return
    from django.core.management.commands.createcachetable import Command as CreateCacheTable

    command = CreateCacheTable()
    command.verbosity = 0
    try:
        command.create_table(CACHE_DB_ALIAS, SHARED_CACHE_TABLE, dry_run=False)
    except (CommandError, DatabaseError):  # createcachetable reports the database's error as a CommandError
        # Another process made it between the look-up and the statement (the first requests on a new file).
        if SHARED_CACHE_TABLE not in connection.introspection.table_names():
            raise
