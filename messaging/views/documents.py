"""Shared documents: the list and upload form, the download (served by the application, to the parties only, as an
attachment that browsers must not sniff), and deleting one's own document."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import posted as _posted
from accounts.http import user_of as _user
from messaging import document_checks, forms, selectors, services
from messaging.models import Relationship, SharedDocument
from messaging.models.documents import RELATIONSHIP_QUOTA_BYTES
from messaging.services import RelationshipError


class DocumentForm(django_forms.Form):
    file = django_forms.FileField(
        label="Choose a file",
        help_text=f"A {document_checks.ALLOWED_WORDS}, smaller than 20 MB",
        error_messages={"required": "Select a file to share", "empty": "The selected file is empty"},
    )


def _relationship(request: HttpRequest, pk: int) -> Relationship:
    return get_object_or_404(selectors.relationships_for(_user(request)), pk=pk)


def _document(request: HttpRequest, pk: int, document_pk: int) -> SharedDocument:
    return get_object_or_404(SharedDocument.objects.filter(relationship=_relationship(request, pk)), pk=document_pk)


@require_http_methods(["GET", "POST"])
@login_required
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    form = DocumentForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(relationship=relationship, user=user, upload=form.cleaned_data["file"])
        except RelationshipError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"{document.name} is shared. Everyone in the relationship can download it.")
            return redirect("messaging:document_list", pk=relationship.pk)
    used = services.quota_used(relationship)
    context = {
        "relationship": relationship,
        "form": form,
        "documents": list(SharedDocument.objects.filter(relationship=relationship).select_related("uploaded_by")),
        "used_mb": f"{used / (1024 * 1024):.1f}",
        "quota_mb": RELATIONSHIP_QUOTA_BYTES // (1024 * 1024),
    }
    return render(request, "messaging/document_list.html", context)


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    kind = document_checks.KINDS[document.kind]
    # Read whole (at most 20 MB) and closed here, rather than streamed: a stream left unread would hold the file
    # open until the server closes the response.
    try:
        with storages["documents"].open(document.storage_name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    response = HttpResponse(content, content_type=kind.mimetype)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    form = forms.ConfirmForm(_posted(request), label="Yes, delete this document")
    if request.method == "POST" and form.is_valid():
        try:
            services.document_delete(document=document, user=_user(request))
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{document.name} is deleted.")
            return redirect("messaging:document_list", pk=pk)
    return render(
        request,
        "messaging/document_delete.html",
        {"relationship": document.relationship, "document": document, "form": form},
    )
