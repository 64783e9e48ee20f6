"""The daily 待办 e-mail: each staff member who asked for it gets their inbox, across their agencies, once a day.

Run by the `inbox_digest` job (docs/jobs.md). The digest is an outbox notice keyed by person and day
(`inbox.digest:<user>:<date>`), so a second run the same day, a retry or two workers queue nothing twice, and the
worker delivers it like every other notice (docs/notifications.md).
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.accounts.access import user_roles_in
from gongkai.accounts.models import RoleAssignment
from gongkai.agencies.models import Agency
from gongkai.core.dates import chinese_date
from gongkai.inbox.selectors import Section, inbox_sections
from gongkai.notices.models import NoticeChannel
from gongkai.notices.selectors import daily_digest_subscribers
from gongkai.notices.services import mask_identity_numbers, notice_queue

DIGEST_EVENT = "inbox.digest"
ENTRIES_PER_SECTION = 10  # the e-mail lists the first ten of each kind; the inbox page has them all


def digest_key(user, day: dt.date) -> str:
    return f"{DIGEST_EVENT}:{user.pk}:{day.isoformat()}"


def _agencies_of(user) -> list[Agency]:
    ids = RoleAssignment.objects.filter(user=user).values_list("agency_id", flat=True)
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("path"))


def inbox_digest_sections(user) -> tuple[list[tuple[Agency | None, list[Section]]], int]:
    """The user's open to-dos in each agency where they hold a role (the same lists as the 待办 page), and how
    many there are in all (each case once, as on the page)."""
    result, total = [], 0
    for agency in [*_agencies_of(user), None]:
        # Each agency's own lists; the site's (a site administrator's, SITE_KINDS) once, last, under 全站.
        if agency is None:
            sections, part = inbox_sections(user, None, set())
        else:
            sections, part = inbox_sections(user, agency, user_roles_in(user, agency), site=False)
        sections = [s for s in sections if s.count]
        if sections:
            result.append((agency, sections))
            total += part
    return result, total


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if settings.SITE_URL else url


def inbox_digest_text(by_agency: list[tuple[Agency | None, list[Section]]], total: int) -> str:
    """The digest's list as plain text: per agency, each kind with its count and first entries; when the lists'
    counts add up to more than `total` (a case in two lists), a line says the total counts each case once."""
    lines: list[str] = []
    for agency, sections in by_agency:
        lines.append(f"【{agency.name if agency is not None else _('全站')}】")
        for section in sections:
            lines.append(f"{section.title}（{section.count}）")
            for entry in section.entries[:ENTRIES_PER_SECTION]:
                parts = (str(entry.detail), _("期限 %(d)s") % {"d": entry.due} if entry.due else "")
                detail = " · ".join(part for part in parts if part)
                lines.append(f"  · {entry.label}" + (f"（{detail}）" if detail else "") + f"  {_absolute(entry.url)}")
            if section.count > ENTRIES_PER_SECTION:
                lines.append("  " + _("……另有 %(n)s 项，请登录后台查看。") % {"n": section.count - ENTRIES_PER_SECTION})
        lines.append("")
    if sum(s.count for _agency, sections in by_agency for s in sections) > total:
        lines.append(_("同一件申请列在几处的，合计时只计一次。"))
    # A case's title is what the applicant typed: an identity number in it is masked, never mailed.
    return mask_identity_numbers("\n".join(lines).strip())


def inbox_digests_send(*, today: dt.date) -> int:
    """Queue today's digest for every subscriber who has something waiting; returns how many were queued.

    One notice per person per day (its key), each in its own transaction, so a rerun after a crash queues only
    the ones still missing. A day with nothing waiting sends nothing.
    """
    queued = 0
    for user in daily_digest_subscribers():
        by_agency, total = inbox_digest_sections(user)
        if not by_agency:
            continue
        values = {
            "name": user.full_name or user.get_username(),
            "date": chinese_date(today),
            "total": total,
            "sections": inbox_digest_text(by_agency, total),
            "inbox_url": _absolute(reverse("inbox:inbox")),
        }
        try:
            with transaction.atomic():
                notice = notice_queue(
                    event=DIGEST_EVENT, channel=NoticeChannel.EMAIL, recipient=user.email, values=values,
                    user=user, key=digest_key(user, today),
                )  # fmt: skip
        except IntegrityError:
            continue  # another run queued this person's digest for today a moment ago
        if notice is not None:
            queued += 1
    return queued
