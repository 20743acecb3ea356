"""Moderation: reports of messages, and what the programme team does about them (hide, suspend, undo, dismiss).

A report is of a relationship's message or of a mentoring group's message; every step below works on either (the
reported message is `report.reported`), so group messages reach the same queue and the same actions."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import group_selectors
from messaging.models import (
    GroupMessage,
    Message,
    MessageReport,
    ModerationAction,
)
from messaging.services.common import (
    RelationshipError,
    _require_party,
)
from notifications.services import notify


def _file(*, about: dict[str, Message | GroupMessage], user: User, reason: str, details: str) -> MessageReport:
    if reason not in MessageReport.Reason.values:
        raise RelationshipError("Choose why you are reporting this message.")
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(**about, reported_by=user, reason=reason, details=details)
    except IntegrityError as error:
        raise RelationshipError("You have already reported this message.") from error
    notify(
        "message_reported",
        to=User.objects.filter(is_programme_team=True, is_active=True),
        params={"reason": report.get_reason_display().lower()},
        url=reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk}),
    )
    return report


@transaction.atomic
def message_report(*, message: Message, user: User, reason: str, details: str = "") -> MessageReport:
    """A party asks the programme team to look at a message someone else wrote."""
    _require_party(message.relationship, user)
    if message.author_id == user.pk:
        raise RelationshipError("You cannot report your own message.")
    return _file(about={"message": message}, user=user, reason=reason, details=details)


@transaction.atomic
def group_message_report(*, message: GroupMessage, user: User, reason: str, details: str = "") -> MessageReport:
    """A party to a mentoring group (its mentor, or a member of a mutual still in it) asks the programme team to
    look at a message someone else wrote in the group's conversation. It joins the same queue as a pair's."""
    if not group_selectors.groups_for(user).filter(pk=message.group_id).exists():
        raise RelationshipError("You are not part of this mentoring group.")
    if message.author_id == user.pk:
        raise RelationshipError("You cannot report your own message.")
    return _file(about={"group_message": message}, user=user, reason=reason, details=details)


def _about(message: Message | GroupMessage) -> dict[str, Message | GroupMessage]:
    return {"group_message": message} if isinstance(message, GroupMessage) else {"message": message}


def _target(message: Message | GroupMessage) -> dict[str, Message | GroupMessage]:
    return {"target_group_message": message} if isinstance(message, GroupMessage) else {"target_message": message}


def _lock_reported(report: MessageReport) -> Message | GroupMessage:
    reported = report.reported
    return type(reported).objects.select_for_update().get(pk=reported.pk)


def _conversation_url(message: Message | GroupMessage) -> str:
    if isinstance(message, GroupMessage):
        return reverse("messaging:group_detail", kwargs={"pk": message.group_id}) + f"#group-message-{message.pk}"
    return reverse("messaging:conversation", kwargs={"pk": message.relationship_id})


def _require_staff(actor: User) -> None:
    if not actor.is_programme_team:
        raise RelationshipError("Only the programme team can moderate messages.")


def _resolve_reports(message: Message | GroupMessage, actor: User, now: datetime) -> None:
    MessageReport.objects.filter(**_about(message), resolved_at=None).update(resolved_at=now, resolved_by=actor)


@transaction.atomic
def message_hide(*, report: MessageReport, actor: User, note: str) -> Message | GroupMessage:
    """Hide a reported message from every party; it shows as hidden by the programme team."""
    _require_staff(actor)
    message = _lock_reported(report)
    if message.hidden_at is not None:
        raise RelationshipError("This message is already hidden.")
    now = timezone.now()
    message.hidden_at = now
    message.hidden_by = actor
    message.save(update_fields=["hidden_at", "hidden_by"])
    _resolve_reports(message, actor, now)
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.HIDE_MESSAGE,
        report=report,
        **_target(message),
        target_user_id=message.author_id,
        note=note,
        created_at=now,
    )
    notify(
        "message_hidden",
        to=[message.author] if message.author_id is not None else [],
        params={"note": note},
        url=_conversation_url(message),
    )
    return message


@transaction.atomic
def account_suspend(*, report: MessageReport, actor: User, note: str) -> User:
    """Suspend the author of a reported message: they can no longer sign in (is_active off)."""
    _require_staff(actor)
    message = report.reported
    if message.author_id is None:
        raise RelationshipError("The author of this message has deleted their account.")
    target = User.objects.select_for_update().get(pk=message.author_id)
    if target.pk == actor.pk:
        raise RelationshipError("You cannot suspend your own account.")
    if not target.is_active:
        raise RelationshipError("This account is already suspended.")
    now = timezone.now()
    target.is_active = False
    target.save(update_fields=["is_active"])
    _resolve_reports(message, actor, now)
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.SUSPEND_ACCOUNT,
        report=report,
        **_target(message),
        target_user=target,
        note=note,
        created_at=now,
    )
    notify("account_suspended", to=[target], params={"note": note})
    return target


@transaction.atomic
def message_restore(*, report: MessageReport, actor: User, note: str) -> Message | GroupMessage:
    """Undo a hide: the message shows to every party again. The report stays closed; the log records why."""
    _require_staff(actor)
    message = _lock_reported(report)
    if message.hidden_at is None:
        raise RelationshipError("This message is not hidden.")
    message.hidden_at = None
    message.hidden_by = None
    message.save(update_fields=["hidden_at", "hidden_by"])
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.RESTORE_MESSAGE,
        report=report,
        **_target(message),
        target_user_id=message.author_id,
        note=note,
    )
    notify(
        "message_restored",
        to=[message.author] if message.author_id is not None else [],
        url=_conversation_url(message),
    )
    return message


@transaction.atomic
def account_reinstate(*, report: MessageReport, actor: User, note: str) -> User:
    """Lift a suspension made through moderation: the author can sign in again.

    Only an account whose latest suspend-or-reinstate step is a suspension can be reinstated here, so this never
    re-opens an account that was switched off for another reason (in the admin, say)."""
    _require_staff(actor)
    author_id = report.reported.author_id
    if author_id is None:
        raise RelationshipError("The author of this message has deleted their account.")
    target = User.objects.select_for_update().get(pk=author_id)
    if target.is_active:
        raise RelationshipError("This account is not suspended.")
    last = (
        ModerationAction.objects.filter(
            target_user=target,
            action__in=[ModerationAction.Action.SUSPEND_ACCOUNT, ModerationAction.Action.REINSTATE_ACCOUNT],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.action != ModerationAction.Action.SUSPEND_ACCOUNT:
        raise RelationshipError("This account was not suspended through moderation, so it cannot be reinstated here.")
    target.is_active = True
    target.save(update_fields=["is_active"])
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.REINSTATE_ACCOUNT,
        report=report,
        **_target(report.reported),
        target_user=target,
        note=note,
    )
    notify("account_reinstated", to=[target], params={"note": note}, url=reverse("accounts:dashboard"))
    return target


@transaction.atomic
def report_dismiss(*, report: MessageReport, actor: User, note: str) -> MessageReport:
    """Close a report without acting on the message."""
    _require_staff(actor)
    report = MessageReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is not None:
        raise RelationshipError("This report has already been dealt with.")
    now = timezone.now()
    report.resolved_at = now
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by"])
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.DISMISS_REPORT,
        report=report,
        target_message_id=report.message_id,
        target_group_message_id=report.group_message_id,
        note=note,
        created_at=now,
    )
    return report
