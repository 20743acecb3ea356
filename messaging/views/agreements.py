"""The mentoring agreement pages: read it, propose it (or a change), confirm it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import posted as _posted
from accounts.http import user_of as _user
from messaging import forms, selectors, services
from messaging.models import Relationship
from messaging.services import RelationshipError


def _relationship(request: HttpRequest, pk: int) -> Relationship:
    return get_object_or_404(selectors.relationships_for(_user(request)), pk=pk)


@require_GET
@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(request, pk)
    current = selectors.current_agreement(relationship)
    agreed = selectors.agreed_agreement(relationship)
    context = {
        "relationship": relationship,
        "current": current,
        # While a change waits for confirmation, the terms last agreed still stand.
        "agreed": agreed if agreed is not None and agreed != current else None,
        "can_confirm": services.agreement_can_confirm(agreement=current, user=_user(request)),
    }
    return render(request, "messaging/agreement_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_propose(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(request, pk)
    current = selectors.current_agreement(relationship)
    initial = {}
    if current is not None:
        initial = {
            "meeting_frequency": current.meeting_frequency,
            "duration_months": current.duration_months,
            "review_on": current.review_on,
            "out_of_scope": current.out_of_scope,
        }
    form = forms.AgreementForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_propose(
                relationship=relationship,
                user=_user(request),
                meeting_frequency=data["meeting_frequency"],
                duration_months=data["duration_months"],
                review_on=data["review_on"],
                out_of_scope=data["out_of_scope"],
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Agreement proposed. The other side is asked to confirm it.")
            return redirect("messaging:agreement_detail", pk=relationship.pk)
    context = {"relationship": relationship, "form": form, "is_change": current is not None}
    return render(request, "messaging/agreement_form.html", context)


@require_POST
@login_required
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(request, pk)
    current = selectors.current_agreement(relationship)
    if current is None:
        messages.error(request, "There is no agreement to confirm yet. Propose one.")
        return redirect("messaging:agreement_detail", pk=relationship.pk)
    try:
        services.agreement_confirm(agreement=current, user=_user(request))
    except RelationshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You confirmed the mentoring agreement.")
    return redirect("messaging:agreement_detail", pk=relationship.pk)
