"""What the ambassadors programme holds about a person, for accounts/personal_data.py.

An ambassador who deletes their account leaves an anonymised record ("Former ambassador": no name, words or photo)
so the engagements they held, the people reached and the invitations they answered stay in the programme's reports.
Engagement requests they made stay too, without them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import PersonalDataSource, register, when
from ambassadors.models import Ambassador, Application, EngagementRequest, Nomination


def _applications(user: User) -> list[dict[str, Any]]:
    return [
        {
            "cohort": application.cohort.name,
            "organisation": application.organisation,
            "motivation": application.motivation,
            "experience": application.experience,
            "region": application.region.name,
            "service_areas": [area.name for area in application.service_areas.all()],
            "topics": [topic.name for topic in application.topics.all()],
            "time_commitment": application.get_time_commitment_display(),
            "engagements_per_quarter": application.engagements_per_quarter,
            "status": application.get_status_display(),
            "submitted_at": when(application.submitted_at),
            "decided_at": when(application.decided_at),
        }
        for application in Application.objects.filter(applicant=user)
        .select_related("cohort", "region")
        .prefetch_related("service_areas", "topics")
        .order_by("id")
    ]


def _ambassador(user: User) -> dict[str, Any] | None:
    ambassador = (
        Ambassador.objects.filter(user=user)
        .select_related("cohort", "region")
        .prefetch_related("service_areas", "topics")
        .first()
    )
    if ambassador is None:
        return None
    return {
        "cohort": ambassador.cohort.name,
        "headline": ambassador.headline,
        "organisation": ambassador.organisation,
        "bio": ambassador.bio,
        "photo": ambassador.photo.name if ambassador.photo else None,
        "region": ambassador.region.name,
        "service_areas": [area.name for area in ambassador.service_areas.all()],
        "topics": [topic.name for topic in ambassador.topics.all()],
        "format": ambassador.get_format_display(),
        "engagements_per_quarter": ambassador.engagements_per_quarter,
        "status": ambassador.get_status_display(),
        "appointed_at": when(ambassador.appointed_at),
        "stood_down_at": when(ambassador.stood_down_at),
    }


def _addressed_to(user: User) -> Q:
    from allauth.account.models import EmailAddress

    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}
    match = Q(pk__in=[])
    for address in addresses:
        match |= Q(nominee_email__iexact=address)
    return match


def _nominations(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "made": [
            {
                "nominee": nomination.nominee_name,
                "nominee_email": nomination.nominee_email,
                "cohort": nomination.cohort.name,
                "reason": nomination.reason,
                "created_at": when(nomination.created_at),
            }
            for nomination in Nomination.objects.filter(nominated_by=user).select_related("cohort").order_by("id")
        ],
        "received": [
            {"cohort": nomination.cohort.name, "reason": nomination.reason, "created_at": when(nomination.created_at)}
            for nomination in Nomination.objects.filter(_addressed_to(user)).select_related("cohort").order_by("id")
        ],
    }


def _engagement_requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": request.title,
            "kind": request.get_kind_display(),
            "organisation": request.organisation,
            "description": request.description,
            "status": request.get_status_display(),
            "created_at": when(request.created_at),
        }
        for request in EngagementRequest.objects.filter(requested_by=user).order_by("id")
    ]


def _before_delete(user: User) -> None:
    """Anonymise what the programme keeps; delete what is only about the person."""
    ambassador = Ambassador.objects.select_for_update(of=("self",)).filter(user=user).first()
    if ambassador is not None:
        if ambassador.photo:
            storage, name = ambassador.photo.storage, str(ambassador.photo.name)
            transaction.on_commit(lambda: storage.delete(name))
        ambassador.headline = ambassador.organisation = ambassador.bio = ambassador.stood_down_reason = ""
        ambassador.photo = None  # type: ignore[assignment]
        ambassador.application = None
        if ambassador.is_active:
            ambassador.status = Ambassador.Status.STOOD_DOWN
            ambassador.stood_down_at = timezone.now()
        ambassador.save()  # the user link goes with the user row (SET_NULL)
    Nomination.objects.filter(_addressed_to(user)).delete()
    # Nominations they made keep the nominee's application working, without naming who nominated.


def register_sources() -> None:
    register(
        PersonalDataSource("ambassador_profile", _ambassador, before_delete=_before_delete, order=40),
    )
    register(PersonalDataSource("ambassador_applications", _applications, order=41))
    register(PersonalDataSource("ambassador_nominations", _nominations, order=42))
    register(PersonalDataSource("engagement_requests_made", _engagement_requests, order=43))
