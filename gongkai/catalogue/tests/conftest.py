import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded attachments and import files go to a temporary folder, never to var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
