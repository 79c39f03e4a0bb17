"""The one way a prescription document leaves the service: an inline, unsniffable stream."""

from django.core.files import File
from django.http import FileResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

from prescriptions.documents import KIND_BY_CONTENT_TYPE
from prescriptions.models import Prescription


def document_response(prescription: Prescription, handle: File) -> FileResponse:
    kind = KIND_BY_CONTENT_TYPE[prescription.document_type]
    response = FileResponse(
        handle,
        content_type=kind.content_type,
        as_attachment=False,
        # Our name for it, never the uploader's: nothing they typed reaches a header.
        filename=f"prescription-{prescription.pk}.{kind.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AnyMediaRenderer(BaseRenderer):
    """Lets a client that asks for ``application/pdf`` or ``image/*`` reach the document
    view (DRF would answer 406); the view answers with its own ``FileResponse``, and an
    error on the way is still JSON."""

    media_type = "*/*"
    format = "document"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)
