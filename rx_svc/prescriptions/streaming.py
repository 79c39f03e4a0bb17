"""The one way a prescription document leaves the service: a sandboxed, unsniffable stream.

A document is a patient's upload, so it is treated as hostile: a PDF may carry JavaScript.
Every answer streaming one carries ``Content-Security-Policy: sandbox`` (no ``allow-scripts``:
whatever renders it runs no script and gets an opaque origin, so it can reach no cookie or
page of ours), ``X-Content-Type-Options: nosniff`` and ``Cross-Origin-Resource-Policy:
same-origin``. The API answers it as an attachment (a browser opening the URL saves the file
rather than rendering it); only the admin's preview, which must render inside its frame, asks
for ``inline``.
"""

from django.core.files import File
from django.http import FileResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

from prescriptions.documents import KIND_BY_CONTENT_TYPE
from prescriptions.models import Prescription

# No allow-* token at all: no scripts, no forms, no popups, no same-origin access.
DOCUMENT_CSP = "sandbox"


def document_response(
    prescription: Prescription, handle: File, *, inline: bool = False
) -> FileResponse:
    kind = KIND_BY_CONTENT_TYPE[prescription.document_type]
    response = FileResponse(
        handle,
        content_type=kind.content_type,
        as_attachment=not inline,
        # Our name for it, never the uploader's: nothing they typed reaches a header.
        filename=f"prescription-{prescription.pk}.{kind.extension}",
    )
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
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
