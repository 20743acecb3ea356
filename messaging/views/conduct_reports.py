"""Reporting a breach of the mentor code of conduct (members of the mutual), and the programme team's handling."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import programme_team_required
from accounts.http import posted as _posted
from accounts.http import user_of as _user
from messaging import forms, selectors, services
from messaging.services import RelationshipError


class ConductReportForm(django_forms.Form):
    details = django_forms.CharField(
        label="What happened?",
        max_length=4000,
        help_text="For example, the mentor offered to sell their firm's services. Only the programme team sees this.",
        widget=django_forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what happened"},
    )


@require_http_methods(["GET", "POST"])
@login_required
def conduct_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = get_object_or_404(selectors.relationships_for(user), pk=pk)
    if not selectors.is_member_of(user, relationship):
        raise Http404("Only members of the mutual report a breach of the mentor code of conduct.")
    form = ConductReportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.conduct_report_create(relationship=relationship, user=user, details=form.cleaned_data["details"])
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. The programme team will look at your report and be in touch.")
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    return render(request, "messaging/conduct_report_form.html", {"relationship": relationship, "form": form})


@require_GET
@programme_team_required
def conduct_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.conduct_report_for_staff(pk)
    return render(request, "messaging/conduct_report_detail.html", {"report": report})


@require_http_methods(["GET", "POST"])
@programme_team_required
def conduct_report_close(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.conduct_report_for_staff(pk)
    form = forms.ModerationNoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.conduct_report_close(report=report, actor=_user(request), note=form.cleaned_data["note"])
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The report is closed.")
            return redirect("messaging:conduct_report_detail", pk=report.pk)
    return render(request, "messaging/conduct_report_close.html", {"report": report, "form": form})
