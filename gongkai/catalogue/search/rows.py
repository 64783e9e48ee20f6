"""What of an item the index holds: its title, and as its text the summary, plain body, document number,
keywords and the text extracted from its attachments."""


def searchable_text(item) -> str:
    texts = [item.summary, item.body_text, item.document_number, item.keywords]
    texts += list(item.attachments.order_by("pk").values_list("extracted_text", flat=True))
    return "\n".join(t for t in texts if t)


def searchable_rows(pks) -> list[tuple[int, str, str]]:
    """(id, title, text) of items for the search index: summary, body, document number, keywords, attachments."""
    from gongkai.catalogue.models import Attachment, Item

    attachments: dict[int, list[str]] = {}
    for item_id, text in (
        Attachment.objects.filter(item_id__in=pks).order_by("pk").values_list("item_id", "extracted_text")
    ):
        attachments.setdefault(item_id, []).append(text)
    rows = Item.objects.filter(pk__in=pks).values_list(
        "pk", "title", "summary", "body_text", "document_number", "keywords"
    )
    return [
        (pk, title, "\n".join(t for t in (summary, body, number, keywords, *attachments.get(pk, [])) if t))
        for pk, title, summary, body, number, keywords in rows
    ]
