"""An appointed ambassador's own pages: their profile and the engagements they are invited to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_of as _user
from accounts.models import User
from ambassadors import selectors, services
from ambassadors.decorators import ambassador_required
from ambassadors.forms import (
    AmbassadorProfileForm,
    InvitationResponseForm,
)
from ambassadors.models import Ambassador
from ambassadors.services import AmbassadorsError

# --- The ambassador's own pages ----------------------------------------------------------------------------


@ambassador_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    form = AmbassadorProfileForm(
        request.POST or None, request.FILES or None, initial=AmbassadorProfileForm.initial_for(ambassador)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ambassador_update(ambassador=ambassador, **form.cleaned_data)
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your profile has been updated.")
            return redirect("ambassadors:profile", pk=ambassador.pk)
    return render(
        request,
        "ambassadors/ambassador_form.html",
        {"form": form, "ambassador": ambassador, "mentor_profile_url": _mentor_profile_url(_user(request))},
    )


def _mentor_profile_url(user: User) -> str:
    """Where an ambassador volunteers as a mentor, if the accounts app offers it and they are not one already."""
    from django.urls import NoReverseMatch, reverse

    if hasattr(user, "mentor_profile"):
        return ""
    try:
        return reverse("accounts:mentor_profile_create")
    except NoReverseMatch:
        return ""


@ambassador_required
@require_GET
def invitation_list(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    invitations = selectors.invitations_for(_user(request))
    return render(request, "ambassadors/invitation_list.html", {"invitations": invitations, "ambassador": ambassador})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(selectors.invitations_for(_user(request)).prefetch_related("request__topics"), pk=pk)
    form = InvitationResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == InvitationResponseForm.ACCEPT:
                services.invitation_accept(invitation=invitation, actor=_user(request))
                messages.success(request, "Thank you: you have accepted. The requester has been told.")
            else:
                services.invitation_decline(
                    invitation=invitation, actor=_user(request), reason=form.cleaned_data["decline_reason"]
                )
                messages.success(request, "You have declined. The requester has been told.")
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("ambassadors:invitation_detail", pk=invitation.pk)
    return render(request, "ambassadors/invitation_detail.html", {"invitation": invitation, "form": form})
