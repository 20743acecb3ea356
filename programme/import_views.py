"""Bulk import pages: upload a CSV, see each row as new, updated, unchanged or invalid, then import it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_team_required
from accounts.form_messages import GovukForm
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from programme.imports.applying import ImportAlreadyApplied, ImportNotAllowed, import_batch_apply
from programme.imports.reading import COLUMNS, KINDS, MAX_BYTES, ImportFileError, decode, read
from programme.models import ImportBatch

PREVIEW_ROWS = 500  # rows listed on the preview page; the counts cover every row


class UploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=list(KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    file = forms.FileField(
        label="CSV file",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty. The first line must name the columns.",
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB. Split it into smaller files.")
        return upload


@programme_team_required
@require_http_methods(GET_AND_POST)
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = decode(upload.read(MAX_BYTES + 1))
            read(form.cleaned_data["kind"], text)  # the file's own errors, before anything is kept
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            batch = ImportBatch.objects.create(
                kind=form.cleaned_data["kind"], filename=upload.name[:255], content=text, created_by=request.user
            )
            return redirect("programme:import_preview", pk=batch.pk)
    return render(request, "programme/import_upload.html", {"form": form, "columns": COLUMNS})


def _batch(pk: int) -> ImportBatch:
    try:
        return ImportBatch.objects.get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("No such import") from None


@programme_team_required
@require_http_methods(["GET"])
def import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    if batch.applied_at is not None:
        # The file was deleted when it was imported: what the import did is all there is to show.
        context = {"batch": batch, "kind_label": KINDS[batch.kind], "counts": batch.result}
        return render(request, "programme/import_preview.html", context)
    checked = read(batch.kind, batch.content)
    context = {
        "batch": batch,
        "kind_label": KINDS[batch.kind],
        "counts": checked.counts,
        "rows": checked.rows[:PREVIEW_ROWS],
        "more_rows": max(0, len(checked.rows) - PREVIEW_ROWS),
        "invalid_rows": [row for row in checked.rows if row.status == "invalid"][:PREVIEW_ROWS],
        "retention_days": settings.IMPORT_FILE_RETENTION_DAYS,
    }
    return render(request, "programme/import_preview.html", context)


@require_POST
@programme_team_required
def import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        batch = import_batch_apply(batch_id=batch.pk, actor=request.user)
    except ImportAlreadyApplied as error:
        messages.info(request, str(error))
        return redirect("programme:import_preview", pk=batch.pk)
    except (ImportNotAllowed, ImportFileError) as error:
        messages.error(request, str(error))
        return redirect("programme:import_preview", pk=batch.pk)
    result = batch.result
    messages.success(
        request,
        f"Imported {KINDS[batch.kind].lower()}: {result['new']} new, {result['updated']} updated, "
        f"{result['unchanged']} unchanged. {result['invited']} people were emailed an invitation to claim their "
        "record.",
    )
    return redirect("programme:import_preview", pk=batch.pk)
