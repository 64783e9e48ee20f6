"""The participation panel of the back-office dashboard: comments to moderate and records to review."""

from gongkai.participation.access import participation_can_edit, participation_can_publish
from gongkai.participation.models import (
    Comment,
    CommentStatus,
    ConcernResponse,
    Consultation,
    PublicationStatus,
    Survey,
)


def participation_todo(request, agency):
    if agency is None or not participation_can_edit(request.user, agency):
        return None
    pending = Comment.objects.filter(consultation__agency=agency, status=CommentStatus.PENDING).count()
    to_review = 0
    if participation_can_publish(request.user, agency):
        to_review = sum(
            model.objects.filter(agency=agency, status=PublicationStatus.SUBMITTED).count()
            for model in (ConcernResponse, Consultation, Survey)
        )
    return {"pending_comments": pending, "to_review": to_review}
