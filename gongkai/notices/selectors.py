"""Reads of the outbox: the notices of one case, an agency's notices, the texts in force."""

from django.db.models import QuerySet

from gongkai.notices import texts
from gongkai.notices.models import Notice, NoticeChannel, NoticeTemplate


def notices_of_object(object_type: str, object_id) -> QuerySet[Notice]:
    return Notice.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-created_at", "-pk")


def notices_of_agencies(agencies) -> QuerySet[Notice]:
    return Notice.objects.filter(agency__in=agencies).order_by("-created_at", "-pk")


def notice_texts_for(agency) -> list[dict]:
    """Every event and channel with the text in force for `agency`, where it comes from and its SMS length."""
    own = {(t.event, t.channel): t for t in NoticeTemplate.objects.filter(agency=agency)} if agency else {}
    site = {(t.event, t.channel): t for t in NoticeTemplate.objects.filter(agency__isnull=True)}
    rows = []
    for event, label in texts.EVENTS.items():
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
