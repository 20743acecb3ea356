"""A member moves their mutual along the pipeline; the move is kept in the mutual's stage history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import pipeline, selectors
from accounts.forms import StageMoveForm
from accounts.http import GET_AND_POST, AuthenticatedRequest


@require_http_methods(GET_AND_POST)
@login_required
def mutual_stage(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    form = StageMoveForm(request.POST if request.method == "POST" else None, initial={"to_stage": mutual.stage})
    if form.is_valid():
        try:
            pipeline.mutual_stage_move(mutual=mutual, to_stage=form.cleaned_data["to_stage"], moved_by=request.user)
        except pipeline.PipelineError as error:
            form.add_error("to_stage", str(error))
        else:
            messages.success(request, f"{mutual.name} is now at the stage {mutual.stage.name}.")
            return redirect("accounts:mutual_detail", slug=mutual.slug)
    context = {"mutual": mutual, "form": form, "history": list(pipeline.stage_history_of(mutual))}
    return render(request, "accounts/mutual_stage_form.html", context)
