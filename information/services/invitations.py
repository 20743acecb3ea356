"""Turning an enquiry into a next step: the support team invites the person, by an emailed link, to a form filled
in from their enquiry. Three kinds:

- set the mutual up on the service and ask for a mentor (a mutual profile, then a mentoring request);
- ask for an ambassador (an engagement request);
- volunteer as a mentor (a mentor profile, which then waits for vetting).

The link works once, for INVITATION_VALID_DAYS, and only for someone signed in with the address the enquiry came
from (verified), as invitations to join a mutual do. What the person creates goes through the owning app's own
service, so its rules and notifications apply unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts import services as accounts_services
from accounts.models import MentorProfile, Mutual, User
from ambassadors import services as ambassadors_services
from ambassadors.models import EngagementRequest
from information.models import Enquiry, EnquiryInvitation
from information.services.common import InformationError
from information.services.enquiries import record_response
from matching import services as matching_services
from matching.models import MentoringRequest
from notifications.services import notify_address

Kind = EnquiryInvitation.Kind


@transaction.atomic
def enquiry_invite(*, enquiry: Enquiry, kind: str, actor: User, message: str = "") -> EnquiryInvitation:
    """Email the person an invitation to the next step. One invitation of each kind per enquiry."""
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise InformationError(f"Enquiry {enquiry.reference} is closed. Reopen it first.")
    if not enquiry.email:
        raise InformationError("This person left no email address, so there is nowhere to send an invitation.")
    if kind not in Kind.values:
        raise InformationError("Choose what to invite them to.")
    existing = EnquiryInvitation.objects.filter(enquiry=enquiry, kind=kind).first()
    if existing is not None:
        sent_on = date_format(timezone.localtime(existing.created_at), "j F Y")
        raise InformationError(f"They were already invited to this on {sent_on}.")
    now = timezone.now()
    invitation = EnquiryInvitation.objects.create(
        enquiry=enquiry,
        kind=kind,
        message=message.strip(),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_response(enquiry, actor, now)
    notify_address(
        "enquiry_invitation",
        address=enquiry.email,
        params={
            "name": enquiry.name,
            "reference": enquiry.reference,
            "kind": kind,
            "message": invitation.message,
            "sender": actor,
            "expires_on": date_format(timezone.localtime(invitation.expires_at), "j F Y"),
        },
        url=reverse("information:invitation", kwargs={"token": invitation.token}),
        dedupe=f"enquiry_invitation:{invitation.pk}",
    )
    return invitation


def invitation_problem(*, invitation: EnquiryInvitation, user: User) -> str | None:
    """Why this person cannot use this invitation now, in words fit to show them; None if they can."""
    if invitation.accepted_at is not None:
        return "This invitation has already been used."
    if invitation.expires_at <= timezone.now():
        expired_on = date_format(timezone.localtime(invitation.expires_at), "j F Y")
        return f"This invitation expired on {expired_on}. Contact the support team again and we will send a new one."
    address = invitation.enquiry.email
    if not EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists():
        return (
            f"This invitation was sent to {address}, but you are signed in as {user.email}. Sign in with the "
            "address you wrote to us from, or add and confirm it in your account settings."
        )
    return None


def _accept(invitation: EnquiryInvitation, user: User, kind: str) -> EnquiryInvitation:
    """Lock the invitation and check it can be used, by this person, for this."""
    invitation = EnquiryInvitation.objects.select_for_update().select_related("enquiry").get(pk=invitation.pk)
    if invitation.kind != kind:
        raise InformationError("This invitation is for something else.")
    problem = invitation_problem(invitation=invitation, user=user)
    if problem:
        raise InformationError(problem)
    return invitation


def _complete(invitation: EnquiryInvitation, user: User, result_url: str) -> None:
    EnquiryInvitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        accepted_at=timezone.now(), accepted_by=user, result_url=result_url
    )


@transaction.atomic
def invitation_create_mutual(*, invitation: EnquiryInvitation, user: User, data: Mapping[str, Any]) -> Mutual:
    """The first half of a "mutual and mentor" invitation: the mutual's profile. The invitation stays open for the
    mentoring request that follows."""
    _accept(invitation, user, Kind.MUTUAL_REQUEST)
    return accounts_services.mutual_create(user=user, data=data)


@transaction.atomic
def invitation_request_mentor(
    *, invitation: EnquiryInvitation, user: User, mutual: Mutual, data: Mapping[str, Any]
) -> MentoringRequest:
    invitation = _accept(invitation, user, Kind.MUTUAL_REQUEST)
    try:
        request = matching_services.request_submit(user=user, mutual=mutual, **data)
    except matching_services.MatchingError as error:
        raise InformationError(str(error)) from error
    _complete(invitation, user, reverse("matching:request_detail", kwargs={"pk": request.pk}))
    return request


@transaction.atomic
def invitation_request_engagement(
    *, invitation: EnquiryInvitation, user: User, data: Mapping[str, Any]
) -> EngagementRequest:
    invitation = _accept(invitation, user, Kind.ENGAGEMENT)
    try:
        request = ambassadors_services.engagement_request_create(requested_by=user, **data)
    except ambassadors_services.AmbassadorsError as error:
        raise InformationError(str(error)) from error
    _complete(invitation, user, reverse("ambassadors:request_detail", kwargs={"pk": request.pk}))
    return request


@transaction.atomic
def invitation_volunteer_as_mentor(
    *, invitation: EnquiryInvitation, user: User, data: Mapping[str, Any]
) -> MentorProfile:
    invitation = _accept(invitation, user, Kind.MENTOR)
    try:
        profile = accounts_services.mentor_profile_create(user=user, data=data)
    except accounts_services.AccountsError as error:
        raise InformationError(str(error)) from error
    _complete(invitation, user, reverse("accounts:mentor_profile"))
    return profile
