"""Claiming an unclaimed mutual (accounts.claims): inviting someone to claim it (the programme team, or whoever put
it on the pipeline), asking to claim a listed one (anyone signed in), and the programme team's decisions.

Accepting a claim invitation is the invitation page every invitation uses (core.invitation_accept)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import claims
from accounts.claim_forms import ClaimDecisionForm, ClaimInvitationForm, ClaimRequestForm
from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from accounts.models import MutualInvitation
from accounts.pagination import paginate


@require_http_methods(GET_AND_POST)
@login_required
def claim_invite(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(claims.mutuals_user_may_invite_to_claim(request.user), slug=slug)
    form = ClaimInvitationForm(posted(request))
    if form.is_valid():
        try:
            invitation = claims.claim_invitation_send(
                mutual=mutual, invited_by=request.user, email=form.cleaned_data["email"]
            )
        except claims.ClaimError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"We are emailing {invitation.email} a link to claim {mutual.name}.")
            return redirect("accounts:claim_invite", slug=mutual.slug)
    context = {
        "mutual": mutual,
        "form": form,
        "is_claimed": claims.is_claimed(mutual),
        "invitations": list(claims.claim_invitations_of(mutual)),
    }
    return render(request, "accounts/claim_invite.html", context)


@require_POST
@login_required
def claim_invitation_withdraw(request: AuthenticatedRequest, slug: str, invitation_id: int) -> HttpResponse:
    mutual = get_object_or_404(claims.mutuals_user_may_invite_to_claim(request.user), slug=slug)
    invitation = get_object_or_404(claims.claim_invitations_of(mutual), pk=invitation_id)
    try:
        claims.claim_invitation_withdraw(invitation=invitation, withdrawn_by=request.user)
    except claims.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have withdrawn the invitation to {invitation.email}. Its link no longer works.")
    return redirect("accounts:claim_invite", slug=mutual.slug)


@require_http_methods(GET_AND_POST)
@login_required
def claim_ask(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = claims.claimable_mutual(slug)
    waiting = claims.pending_claim_request(mutual=mutual, user=request.user)
    form = ClaimRequestForm(posted(request) if waiting is None else None)
    if form.is_valid():
        try:
            claims.claim_request_make(mutual=mutual, user=request.user, **form.cleaned_data)
        except claims.ClaimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"You have asked to claim {mutual.name}. The programme team will tell you their decision."
            )
            return redirect("accounts:claim_ask", slug=mutual.slug)
    return render(request, "accounts/claim_ask.html", {"mutual": mutual, "form": form, "waiting": waiting})


@require_GET
@programme_team_required
def claim_request_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {"pagination": paginate(request, claims.claim_requests_for_staff())}
    return render(request, "accounts/claim_request_list.html", context)


@require_http_methods(GET_AND_POST)
@programme_team_required
def claim_request_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    claim_request = get_object_or_404(claims.claim_requests_for_staff(), pk=pk)
    form = ClaimDecisionForm(posted(request))
    if form.is_valid():
        person, name = claim_request.requested_by.display_name, claim_request.mutual.name
        try:
            if form.cleaned_data["decision"] == ClaimDecisionForm.APPROVE:
                claims.claim_request_approve(claim_request=claim_request, decided_by=request.user)
                outcome = f"{person} is now the first member of {name}"
            else:
                claims.claim_request_refuse(
                    claim_request=claim_request, decided_by=request.user, reason=form.cleaned_data["reason"]
                )
                outcome = f"You have not approved {person}'s request to claim {name}"
        except claims.ClaimError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{outcome}. We have told them.")
            return redirect("accounts:claim_request_list")
    context = {
        "claim_request": claim_request,
        "form": form,
        "is_claimed": claims.is_claimed(claim_request.mutual),
    }
    return render(request, "accounts/claim_request_decide.html", context)


def accept_claim_invitation(request: AuthenticatedRequest, invitation: MutualInvitation) -> HttpResponse:
    """The invitation page's work for a claim invitation (called by core.invitation_accept)."""
    problem = claims.claim_acceptance_problem(invitation=invitation, user=request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = claims.claim_invitation_accept(invitation=invitation, user=request.user)
        except claims.ClaimError as error:
            problem = str(error)
        else:
            messages.success(request, f"You have claimed {membership.mutual.name}: you are its first member.")
            return redirect("accounts:mutual_detail", slug=membership.mutual.slug)
    return render(request, "accounts/claim_accept.html", {"invitation": invitation, "problem": problem})
