"""The programme team's view of the one pipeline: every mutual (claimed or not) by stage, and moving a mutual's stage
with its history kept (accounts.pipeline)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import pipeline
from accounts.decorators import programme_team_required
from accounts.forms import StageMoveForm
from accounts.http import user_of
from accounts.models import Mutual, Stage
from accounts.pagination import paginate


@programme_team_required
@require_GET
def pipeline_list(request: HttpRequest) -> HttpResponse:
    stages = list(Stage.objects.all())
    chosen = next((stage for stage in stages if stage.slug == request.GET.get("stage")), None)
    context = {
        "pagination": paginate(request, pipeline.pipeline_mutuals(chosen)),
        "stages": stages,
        "chosen": chosen,
    }
    return render(request, "programme/pipeline_list.html", context)


@programme_team_required
@require_http_methods(["GET", "POST"])
def pipeline_mutual(request: HttpRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(Mutual.objects.select_related("region", "stage"), slug=slug)
    form = StageMoveForm(request.POST if request.method == "POST" else None, initial={"to_stage": mutual.stage})
    if form.is_valid():
        try:
            pipeline.mutual_stage_move(mutual=mutual, to_stage=form.cleaned_data["to_stage"], moved_by=user_of(request))
        except pipeline.PipelineError as error:
            form.add_error("to_stage", str(error))
        else:
            messages.success(request, f"{mutual.name} is now at the stage {mutual.stage.name}.")
            return redirect("programme:pipeline_mutual", slug=mutual.slug)
    context = {
        "mutual": mutual,
        "form": form,
        "history": list(pipeline.stage_history_of(mutual)),
        "member_count": mutual.memberships.count(),
    }
    return render(request, "programme/pipeline_mutual.html", context)
