"""The page an enquiry's invitation links to: the owning app's own form, filled in from the enquiry.

Signing in is required (the link sends people to sign in or create an account first, and back). A "mutual and
mentor" invitation takes two steps: the mutual's profile (skipped if the person already acts for a mutual), then
the mentoring request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import selectors as account_selectors
from accounts.forms import MentorProfileForm, MutualForm
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from ambassadors.forms import EngagementRequestForm
from information import selectors, services
from information.models import Enquiry, EnquiryInvitation
from matching.forms import MentoringRequestForm
from matching.models import MentoringRequest

Kind = EnquiryInvitation.Kind


def _title(enquiry: Enquiry) -> str:
    topic = enquiry.topic.name if enquiry.topic else "setting up our mutual"
    return f"Help with {topic[0].lower()}{topic[1:]}"[:150]


def _mutual_initial(enquiry: Enquiry) -> dict[str, Any]:
    return {
        "name": enquiry.organisation,
        "region": enquiry.region_id,
        "service_areas": [enquiry.service_area_id] if enquiry.service_area_id else [],
    }


def _request_initial(enquiry: Enquiry) -> dict[str, Any]:
    initial: dict[str, Any] = {"title": _title(enquiry), "description": enquiry.question[:4000]}
    if enquiry.topic is not None:
        initial["topics"] = [enquiry.topic]
    if enquiry.service_area_id:
        initial["service_area"] = enquiry.service_area_id
    initial["format"] = MentoringRequest.Format.EITHER
    initial["urgency"] = MentoringRequest.Urgency.QUARTER
    return initial


def _engagement_initial(enquiry: Enquiry) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "organisation": enquiry.organisation,
        "region": enquiry.region_id,
        "service_area": enquiry.service_area_id,
        "topics": [enquiry.topic_id] if enquiry.topic_id else [],
        "description": enquiry.question[:4000],
        "preferred_from": today + timedelta(days=14),
        "preferred_to": today + timedelta(days=60),
    }


def _mentor_initial(enquiry: Enquiry) -> dict[str, Any]:
    return {
        "organisation": enquiry.organisation,
        "region": enquiry.region_id,
        "service_areas": [enquiry.service_area_id] if enquiry.service_area_id else [],
        "topics": [enquiry.topic_id] if enquiry.topic_id else [],
    }


@require_http_methods(GET_AND_POST)
@login_required
def invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_by_token(token)
    except EnquiryInvitation.DoesNotExist:
        raise Http404("No such invitation") from None
    user, enquiry = request.user, invitation.enquiry
    problem = services.invitation_problem(invitation=invitation, user=user)
    context: dict[str, Any] = {"invitation": invitation, "enquiry": enquiry, "problem": problem}
    if problem:
        return render(request, "information/invitation.html", context)
    data = posted(request)
    try:
        if invitation.kind == Kind.MUTUAL_REQUEST:
            mutuals = list(account_selectors.mutuals_for(user).prefetch_related("service_areas"))
            if not mutuals:
                form: Any = MutualForm(data, initial=_mutual_initial(enquiry))
                context.update(step="mutual", form=form)
                if form.is_valid():
                    mutual = services.invitation_create_mutual(invitation=invitation, user=user, data=form.cleaned_data)
                    messages.success(request, f"You have created the profile for {mutual.name}. Now ask for a mentor.")
                    return redirect("information:invitation", token=token)
            else:
                form = MentoringRequestForm(data, mutuals=mutuals, initial=_request_initial(enquiry))
                context.update(step="request", form=form)
                if form.is_valid():
                    values = dict(form.cleaned_data)
                    mutual = values.pop("mutual", None) or mutuals[0]
                    values["topics"] = list(values["topics"])
                    created = services.invitation_request_mentor(
                        invitation=invitation, user=user, mutual=mutual, data=values
                    )
                    messages.success(request, "Your request has been sent. We are finding mentors for you.")
                    return redirect("matching:request_detail", pk=created.pk)
        elif invitation.kind == Kind.ENGAGEMENT:
            form = EngagementRequestForm(data, initial=_engagement_initial(enquiry))
            context.update(step="engagement", form=form)
            if form.is_valid():
                engagement = services.invitation_request_engagement(
                    invitation=invitation, user=user, data=form.cleaned_data
                )
                messages.success(request, "Your request has been saved. Choose an ambassador to invite.")
                return redirect("ambassadors:request_detail", pk=engagement.pk)
        else:
            if account_selectors.mentor_profile_of(user) is not None:
                context["problem"] = "You already have a mentor profile, so there is nothing more to do here."
                return render(request, "information/invitation.html", context)
            form = MentorProfileForm(data, initial=_mentor_initial(enquiry))
            context.update(step="mentor", form=form)
            if form.is_valid():
                services.invitation_volunteer_as_mentor(invitation=invitation, user=user, data=form.cleaned_data)
                messages.success(request, "Thank you for volunteering. The programme team will review your profile.")
                return redirect("accounts:mentor_profile")
    except services.InformationError as error:
        context["form"].add_error(None, str(error))
    return render(request, "information/invitation.html", context)
