"""A person's own surveys (answer them, then read back their own answers) and the programme team's aggregates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from accounts.pagination import paginate
from outcomes import selectors, services
from outcomes.forms import ClosingForm, PulseForm
from outcomes.models import Survey


@login_required
@require_GET
def survey_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "outcomes/survey_list.html", {"pagination": paginate(request, selectors.surveys_for(request.user))}
    )


@login_required
@require_http_methods(GET_AND_POST)
def survey_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    survey = selectors.own_survey(request.user, pk)
    if survey.is_answered:
        return render(request, "outcomes/survey_detail.html", {"survey": survey})
    form: PulseForm | ClosingForm
    if survey.kind == Survey.Kind.PULSE:
        form = PulseForm(posted(request))
    else:
        form = ClosingForm(posted(request), topics=selectors.requested_topics(survey))
    if form.is_valid():
        try:
            if isinstance(form, PulseForm):
                services.survey_answer_pulse(survey=survey, user=request.user, **form.cleaned_data)
            else:
                services.survey_answer_closing(
                    survey=survey,
                    user=request.user,
                    answers=form.answers(),
                    confidence=form.confidence(),
                    comments=form.cleaned_data["comments"],
                )
        except services.SurveyError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "Thank you. Your answers are saved; only you can see them as yours.")
        return redirect("outcomes:survey_answer", pk=survey.pk)
    return render(request, "outcomes/survey_form.html", {"survey": survey, "form": form})


@programme_team_required
@require_GET
def summary(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "outcomes/summary.html", {"summary": selectors.outcome_summary()})
