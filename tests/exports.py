"""An export as the console walks it: the POST from the list answers with the export's page, the `imports` worker
writes the file, and the one who asked downloads it."""

from django.urls import resolve, reverse

from core.exports.models import Export
from core.exports.services import export_run


def export_requested(client, path, data=None):
    """POST an export; returns the export the answer's page shows (the POST must not carry a file)."""
    response = client.post(path, data or {})
    assert response.status_code == 302, response.status_code
    match = resolve(response.url)
    assert match.view_name == "exports:detail", response.url
    return Export.objects.get(pk=match.kwargs["export_id"])


def exported(client, path, data=None):
    """POST an export, run its task as the `imports` worker does, and download the file: the download's answer."""
    export = export_requested(client, path, data)
    export_run(export_id=export.pk)
    return client.get(reverse("exports:download", args=[export.pk]))
