"""Locust users for bench/portal_load.py: the public mix, and a static file as the ceiling.

The URLs come from the file named by GONGKAI_BENCH_URLS (written by portal_load.py from the demo data), so the
mix reads real agencies, items and reports. Run through portal_load.py, not directly.
"""

import json
import os
import random

from locust import HttpUser, constant, task

URLS = json.loads(open(os.environ["GONGKAI_BENCH_URLS"], encoding="utf-8").read())  # noqa: SIM115
# A browser's User-Agent, so every view is recorded in the visit statistics like a citizen's; set
# GONGKAI_BENCH_UA to a crawler's to measure the same mix without the recording.
BROWSER = os.environ.get(
    "GONGKAI_BENCH_UA",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
)


class PortalVisitor(HttpUser):
    """A citizen reading the portal: each task one page, in the proportions of a portal's traffic."""

    wait_time = constant(0)
    headers = {"User-Agent": BROWSER}

    def _get(self, kind: str) -> None:
        url = random.choice(URLS[kind])  # noqa: S311 - picking a page, not a secret
        self.client.get(url, headers=self.headers, name=kind)

    @task(10)
    def home(self):
        self._get("home")

    @task(15)
    def agency(self):
        self._get("agency")

    @task(20)
    def browse(self):
        self._get("browse")

    @task(30)
    def item(self):
        self._get("item")

    @task(10)
    def search(self):
        self._get("search")

    @task(5)
    def annual_report(self):
        self._get("annual_report")

    @task(5)
    def guide(self):
        self._get("guide")


class StaticFile(HttpUser):
    """The same gunicorn serving one static file (WhiteNoise): what the server can deliver at best."""

    wait_time = constant(0)

    @task
    def stylesheet(self):
        self.client.get(URLS["static"][0], name="static")
