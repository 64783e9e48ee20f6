"""Where the server waits for SQLite's write lock: `bench/load_portal.py --sqlite-waits` (issue #15's tail).

SQLite lets one connection write at a time. A transaction begins with `BEGIN IMMEDIATE` (Django's
`transaction_mode`, config/settings.py), which takes the write lock or waits for it under the busy timeout;
a write outside a transaction (the kept values' one-statement upserts, `core.pagecache.write_values`) takes it
for that statement. A request thread that waits holds its gunicorn thread meanwhile, so the requests queued
behind it in that process wait too: waits do not cost CPU, they lengthen the tail.

Imported by bench/portal_wsgi.py when GONGKAI_BENCH_SQLITE_WAITS names a directory: each server process then
times both kinds of statement (a `BEGIN`'s wall time is all waiting; a write's also includes its own work)
and sums them by who asked (the innermost two frames of the project's code, with the library between them
and the statement when there is one: the rate limiter, sessions) and by thread (request threads, the
page-view writer), into `<dir>/waits-<pid>.json` at most once a second. Finding who asked costs a stack walk
per statement: a diagnostic, not for the runs whose throughput is reported.
"""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
from pathlib import Path

from django.db.backends.sqlite3 import base

WRITES = ("INSERT", "UPDATE", "DELETE")
LIBRARIES = ("django_ratelimit", "axes", "django/contrib/sessions")


def _who() -> str:
    """The code that asked for the statement: up to two project frames, innermost first, and a library's."""
    names: list[str] = []
    for frame in reversed(traceback.extract_stack(limit=60)[:-3]):
        path = frame.filename
        if "/gongkai/" in path:
            names.append(path.rsplit("/gongkai/", 1)[1] + ":" + frame.name)
            if len(names) == 2:
                break
        elif not names and any(name in path for name in LIBRARIES):
            names.append(path.rsplit("site-packages/", 1)[-1] + ":" + frame.name)
    thread = threading.current_thread().name
    return " < ".join(names) + ("" if thread.startswith("ThreadPoolExecutor") else f" [thread {thread}]")


class Waits:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.file = directory / f"waits-{os.getpid()}.json"
        self.sums: dict[str, list[float]] = {}  # "BEGIN ..." / "write ..." -> [statements, seconds, over 20 ms]
        self.lock = threading.Lock()
        self.written = 0.0

    def add(self, statement: str, seconds: float) -> None:
        key = f"{statement} {_who()}"
        with self.lock:
            entry = self.sums.setdefault(key, [0, 0.0, 0])
            entry[0] += 1
            entry[1] += seconds
            entry[2] += seconds > 0.020
            now = time.monotonic()
            if now - self.written >= 1.0:
                self.written = now
                part = self.file.with_suffix(".part")
                part.write_text(json.dumps(self.sums, ensure_ascii=False), encoding="utf-8")
                part.replace(self.file)


_files: dict[int, str] = {}  # id of a sqlite3 connection -> the name of its database file, when not the records'


def _file_of(connection) -> str:
    """' (cache.sqlite3)' for a statement on the shared cache's own file (core/dbrouter.py), '' for the records'."""
    if (name := _files.get(id(connection))) is None:
        path = connection.execute("PRAGMA database_list").fetchone()[2]
        name = _files[id(connection)] = "" if path.endswith("gongkai.sqlite3") else f" ({Path(path).name})"
    return name


def install(directory: str) -> None:
    waits: list[Waits] = []  # made in each worker, after the fork
    execute = base.SQLiteCursorWrapper.execute

    def timed(self, query, params=None):
        head = query.lstrip()[:6].upper()
        statement = "BEGIN" if head.startswith("BEGIN") else "write" if head in WRITES else ""
        if not statement:
            return execute(self, query, params)
        started = time.perf_counter()
        try:
            return execute(self, query, params)
        finally:
            spent = time.perf_counter() - started
            if not waits or waits[0].file.name != f"waits-{os.getpid()}.json":
                waits[:] = [Waits(Path(directory))]
            waits[0].add(statement + _file_of(self.connection), spent)

    base.SQLiteCursorWrapper.execute = timed
