"""Every link a demo user is shown answers: no page offers a way in that the user's role refuses, and no link
leads to a missing record. Crawling the running demo found both kinds (an imported item's history link, a 404
for everyone; the 文书模板 and 批量导入 buttons shown to clerks, whom the pages refuse); this keeps them out."""

import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

# Files and exports (their own tests read them), leaving, and the language switch are not followed.
NOT_FOLLOWED = re.compile(r"(/logout/|/download|/export|\.(pdf|docx|xlsx|csv|json|zip|png|svg)$)")
LINK = re.compile(r'href="(/[^"#?]*)"')


def _crawl(client: Client, start: str, prefix: str, limit: int) -> tuple[int, list[tuple[str, int, str]]]:
    """Breadth-first from `start` over the links under `prefix`: how many pages were read, and each link that
    answered 4xx or 5xx with the page that showed it."""
    seen: set[str] = set()
    queue = deque([(start, "")])
    failures = []
    while queue and len(seen) < limit:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 400:
            failures.append((url, response.status_code, shown_on))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            if link.startswith(prefix) and link not in seen and not NOT_FOLLOWED.search(link):
                queue.append((link, url))
    return len(seen), failures


@pytest.fixture
def demo(db):
    call_command("demo_load", "--quiet-logins")


@pytest.mark.parametrize("username", ["clerk", "supervisor", "siteadmin"])
def test_every_back_office_link_a_user_is_shown_answers(demo, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    read, failures = _crawl(client, "/staff/", "/staff/", limit=150)
    assert read > 50 and failures == []


def test_every_portal_link_answers(demo):
    read, failures = _crawl(Client(), "/", "/", limit=200)
    assert read > 100 and failures == []
