"""What the information service holds about a person, for accounts/personal_data.py: the enquiries they sent
(matched by any of their email addresses, since enquiries need no account) and the readiness checks they saved."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.personal_data import PersonalDataSource, register, when
from information.models import Enquiry, ReadinessResult
from information.selectors import enquiries_from


def _addresses(user: User) -> set[str]:
    return set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}


def _enquiries(user: User) -> list[dict[str, Any]]:
    enquiries = enquiries_from(_addresses(user)).prefetch_related("replies").order_by("created_at")
    return [
        {
            "reference": enquiry.reference,
            "kind": enquiry.get_kind_display(),
            "sent_at": when(enquiry.created_at),
            "name": enquiry.name,
            "email": enquiry.email,
            "who_you_are": enquiry.get_role_display(),
            "organisation": enquiry.organisation,
            "question": enquiry.question,
            "phone": enquiry.phone,
            "readiness_answers": enquiry.readiness_answers,
            "status": enquiry.get_status_display(),
            "replies": [{"sent_at": when(reply.created_at), "text": reply.body} for reply in enquiry.replies.all()],
        }
        for enquiry in enquiries
    ]


def _readiness(user: User) -> list[dict[str, Any]]:
    return [
        {"mutual": result.mutual.name, "answers": result.answers, "saved_at": when(result.saved_at)}
        for result in ReadinessResult.objects.filter(saved_by=user).select_related("mutual")
    ]


def _before_delete(user: User) -> None:
    """Their enquiries go with the account (replies and invitations cascade): nothing links them to anyone else."""
    Enquiry.objects.filter(pk__in=enquiries_from(_addresses(user)).values("pk")).delete()


def register_sources() -> None:
    register(PersonalDataSource("enquiries", _enquiries, before_delete=_before_delete, order=60))
    register(PersonalDataSource("readiness_checks", _readiness, order=61))
