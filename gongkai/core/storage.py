"""Where uploaded files live, and the one way they are sent to a browser.

Two roots, neither published by the web server:
- `MEDIA_ROOT` (var/media): files that become public with their record, the catalogue's attachments. The app
  sends them only after checking that the item is published (so a draft's or a withdrawn item's files are not
  served), either itself or, with `GONGKAI_ACCEL_REDIRECT`, by telling nginx to send them from an `internal`
  location that no client can request directly.
- `PRIVATE_MEDIA_ROOT` (var/private, storage "private"): applicants' identity papers and attachments, appeal
  documents. Only views that check the staff member's access send them. No URL can be built for them: a
  template that asks for one fails instead of publishing a link.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponse
from django.utils.encoding import escape_uri_path


class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage under settings.PRIVATE_MEDIA_ROOT (read on every use) that has no URLs."""

    def __init__(self, **kwargs):
        kwargs.pop("location", None)
        kwargs.pop("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    def url(self, name):
        raise ValueError("private files have no URL; send them through an access-checked view")


def private_storage():
    """The storage of private files (a callable, so models and migrations name it without a path)."""
    return storages["private"]


def file_response(field_file, *, filename: str, as_attachment: bool = True) -> HttpResponse:
    """The response that sends a stored file: by the app, or by nginx (X-Accel-Redirect) when configured.

    Call it only after the access check. With `GONGKAI_ACCEL_REDIRECT` on, nginx serves the bytes from an
    `internal` location (docs/deploy.md) named after the file's storage root.
    """
    prefix = settings.FILES_ACCEL_REDIRECT_PREFIX
    if prefix:
        root = "private" if isinstance(field_file.storage, PrivateStorage) else "media"
        response = HttpResponse(content_type="")
        del response["Content-Type"]  # nginx sets it from the file
        response["X-Accel-Redirect"] = escape_uri_path(f"{prefix.rstrip('/')}/{root}/{field_file.name}")
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
        return response
    return FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=filename)  # type: ignore[return-value]  # a streaming HttpResponse
