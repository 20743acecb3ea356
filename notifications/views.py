"""The one page the notifications app serves: the download of a file an email links to (email_files.py)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from notifications.email_files import email_file_for


@require_GET
def email_file(request: HttpRequest, signed: str) -> HttpResponse:
    stored = email_file_for(signed)
    if stored is None:
        raise Http404("This link has expired or is not right.")
    response = HttpResponse(bytes(stored.content), content_type=stored.mimetype)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=stored.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
