"""Reads of the outbox: the notices of one case, an agency's notices, the texts in force."""

from django.db.models import QuerySet
from django.http import Http404

from gongkai.accounts.access import agencies_visible_to
from gongkai.accounts.models import User
from gongkai.notices import texts
from gongkai.notices.models import Notice, NoticeChannel, NoticePreference, NoticeTemplate


def notices_of_object(object_type: str, object_id) -> QuerySet[Notice]:
    return Notice.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-created_at", "-pk")


def notices_of_agencies(agencies) -> QuerySet[Notice]:
    return Notice.objects.filter(agency__in=agencies).order_by("-created_at", "-pk")


def notices_visible_to(user) -> QuerySet[Notice]:
    """The notices a staff member may see: those of the agencies they see; the site administrator sees all,
    including the ones that belong to no agency (failed jobs, daily digests)."""
    if user.is_superuser:
        return Notice.objects.order_by("-created_at", "-pk")
    return notices_of_agencies(agencies_visible_to(user))


def notice_get_for_user(user, pk: int) -> Notice:
    notice = notices_visible_to(user).select_related("agency").filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notice_texts_for(agency) -> list[dict]:
    """Every event and channel with the text in force for `agency`, where it comes from and its SMS length."""
    own = {(t.event, t.channel): t for t in NoticeTemplate.objects.filter(agency=agency)} if agency else {}
    site = {(t.event, t.channel): t for t in NoticeTemplate.objects.filter(agency__isnull=True)}
    rows = []
    for event, label in texts.EVENTS.items():
        if agency is not None and event in texts.SITE_WIDE_EVENTS:
            continue
        for channel in NoticeChannel.values:
            default = texts.DEFAULTS.get((event, channel))
            if default is None:
                continue
            row = own.get((event, channel)) or site.get((event, channel))
            subject, body = (row.subject, row.body) if row else default
            source = "agency" if (event, channel) in own else ("site" if row else "default")
            rows.append(
                {
                    "event": event,
                    "label": label,
                    "channel": channel,
                    "channel_label": NoticeChannel(channel).label,
                    "subject": subject,
                    "body": body,
                    "source": source,
                    "placeholders": texts.placeholders_for(event),
                    "segments": texts.sms_segments(body) if channel == NoticeChannel.SMS else None,
                }
            )
    return rows


def daily_digest_wanted(user) -> bool:
    """Whether this staff member asked for the daily 待办 e-mail (off unless they turned it on)."""
    return NoticePreference.objects.filter(user=user, daily_digest=True).exists()


def daily_digest_subscribers() -> QuerySet[User]:
    """Active staff who asked for the daily 待办 e-mail and have an address to send it to."""
    return User.objects.filter(is_active=True, notice_preference__daily_digest=True).exclude(email="").order_by("pk")
