"""Serving a stored PDF: the one place that opens a document file for a response."""

from django.http import FileResponse, Http404


def pdf_response(document, *, download: bool = False) -> FileResponse:
    if document is None or not document.is_ready:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=download,
        filename=document.filename,
    )
    response["Cache-Control"] = "private, no-store"
    return response
