"""Every write for relationships, conversations, goals, check-ins, closing, nudges, notices and moderation.

Keyword-only functions named <entity>_<verb>; each is atomic, checks the current state first and raises
`RelationshipError` (whose message is written for the person who asked) when the change is not allowed.
Emails go out from Celery tasks enqueued after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, SupportTopic, User
from accounts.signals import mentor_profile_changed
from matching import services as matching_services
from messaging import selectors
from messaging.models import (
    MESSAGE_MAX_LENGTH,
    CheckIn,
    ConversationState,
    Feedback,
    Goal,
    Message,
    MessageReport,
    ModerationAction,
    Notice,
    Nudge,
    Relationship,
)

# At most one email per conversation per recipient in any window of this length.
NOTIFICATION_WINDOW = timedelta(minutes=15)
QUIET_AFTER = timedelta(days=30)
AT_RISK_AFTER = timedelta(days=60)


class RelationshipError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


def _site_link(view_name: str, **kwargs: Any) -> str:
    return f"{settings.SITE_URL}{reverse(view_name, kwargs=kwargs or None)}"


def _lock(relationship: Relationship) -> Relationship:
    """The relationship re-read under a row lock, so two parties changing its status at once cannot both win."""
    return (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "mutual")
        .get(pk=relationship.pk)
    )


def _require_party(relationship: Relationship, user: User) -> None:
    if not selectors.relationships_for(user).filter(pk=relationship.pk).exists():
        raise RelationshipError("You are not part of this mentoring relationship.")


def _refresh_status(relationship: Relationship) -> None:
    """Re-read the status under a row lock: the caller's copy may be stale, and a close must not interleave."""
    relationship.status = (
        Relationship.objects.select_for_update().values_list("status", flat=True).get(pk=relationship.pk)
    )


def _require_open(relationship: Relationship, action: str) -> None:
    _refresh_status(relationship)
    if not relationship.is_open:
        raise RelationshipError(
            f"This relationship is {relationship.get_status_display().lower()}, so you cannot {action}."
        )


def _record_activity(relationship: Relationship, when: datetime, **extra: Any) -> None:
    # Activity resets the quiet clock and clears the "at risk" flag the nudge task sets.
    Relationship.objects.filter(pk=relationship.pk).update(last_activity_at=when, at_risk_since=None, **extra)
    relationship.last_activity_at = when
    relationship.at_risk_since = None
    for name, value in extra.items():
        setattr(relationship, name, value)


def _notify_others(relationship: Relationship, actor: User | None, kind: str, text: str, url: str) -> None:
    for party in selectors.parties_of(relationship):
        if actor is None or party.pk != actor.pk:
            notice_create(user=party, kind=kind, text=text, url=url)


# --- Notices ------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_create(*, user: User, kind: str, text: str, url: str = "") -> Notice:
    """Add an in-app notice for `user`. `kind` is one of Notice.Kind; `url` a path inside the service."""
    if kind not in Notice.Kind.values:
        raise ValueError(f"Unknown notice kind {kind!r}")
    return Notice.objects.create(user=user, kind=kind, text=text[:500], url=url[:500])


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


# --- Conversations ------------------------------------------------------------------------------------------


@transaction.atomic
def message_send(*, relationship: Relationship, author: User, body: str) -> Message:
    """Add a plain-text message and tell the other parties (by notice and throttled email) after commit."""
    body = body.strip()
    if not body:
        raise RelationshipError("Enter a message.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise RelationshipError(f"Messages must be {MESSAGE_MAX_LENGTH:,} characters or fewer.")
    _require_party(relationship, author)
    _require_open(relationship, "send messages")
    message = Message.objects.create(relationship=relationship, author=author, body=body)
    _record_activity(relationship, message.created_at, last_message=message)
    # The author has read their own message.
    conversation_mark_read(relationship=relationship, user=author, up_to_message_id=message.pk)

    from messaging.tasks import notify_unread_messages

    for party in selectors.parties_of(relationship):
        if party.pk != author.pk:
            transaction.on_commit(partial(notify_unread_messages.delay, relationship.pk, party.pk))
    return message


def conversation_mark_read(*, relationship: Relationship, user: User, up_to_message_id: int) -> None:
    """Move the person's read marker forward to `up_to_message_id` (never backwards)."""
    now = timezone.now()
    state, created = ConversationState.objects.get_or_create(
        relationship=relationship, user=user, defaults={"last_read_message_id": up_to_message_id, "last_read_at": now}
    )
    if created:
        return
    ConversationState.objects.filter(pk=state.pk, last_read_message_id__lt=up_to_message_id).update(
        last_read_message_id=up_to_message_id, last_read_at=now
    )


def conversation_notify(*, relationship_id: int, user_id: int) -> bool:
    """Tell one person about what is still unread in one conversation: an in-app notice and (if they want it) an
    email. Returns True when it notified.

    Throttled to one notification per conversation per person in any NOTIFICATION_WINDOW: the window is claimed
    with a checked update on the person's ConversationState. A run inside the window schedules a single follow-up
    for the window's end (claimed through `notification_due_at`), which covers whatever is still unread then.
    Not atomic on purpose: the claim is committed before the email leaves, so a redelivered task finds it claimed;
    if sending fails the claim is released for the retry.
    """
    relationship = Relationship.objects.select_related("mentor__user", "mutual").filter(pk=relationship_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if relationship is None or user is None or all(p.pk != user.pk for p in selectors.parties_of(relationship)):
        return False
    state, _ = ConversationState.objects.get_or_create(relationship=relationship, user=user)
    unread = Message.objects.filter(relationship=relationship, id__gt=state.last_read_message_id).exclude(author=user)
    new_since_last_email = unread.filter(id__gt=state.last_notified_message_id, hidden_at=None).aggregate(
        newest=Max("id")
    )["newest"]
    if new_since_last_email is None:
        ConversationState.objects.filter(pk=state.pk).update(notification_due_at=None)
        return False

    now = timezone.now()
    claimed = (
        ConversationState.objects.filter(pk=state.pk)
        .filter(Q(last_notified_at=None) | Q(last_notified_at__lte=now - NOTIFICATION_WINDOW))
        .update(last_notified_at=now, last_notified_message_id=new_since_last_email, notification_due_at=None)
    )
    if not claimed:
        _schedule_follow_up(state.pk, relationship_id, user_id, now)
        return False

    unread_summary = unread.aggregate(count=Count("id"))
    context = {
        "user": user,
        "relationship": relationship,
        "unread_count": unread_summary["count"],
        "conversation_url": _site_link("messaging:conversation", pk=relationship.pk),
        "settings_url": _site_link("messaging:notification_settings"),
        "site_name": settings.SITE_NAME,
        "other_side": _other_side_name(relationship, user),
    }
    try:
        with transaction.atomic():
            notice_create(
                user=user,
                kind=Notice.Kind.MESSAGE,
                text=f"New messages in your conversation with {context['other_side']}",
                url=reverse("messaging:conversation", kwargs={"pk": relationship.pk}),
            )
        if user.email_notifications:
            send_mail(
                subject=render_to_string("messaging/email/unread_messages_subject.txt", context).strip(),
                message=render_to_string("messaging/email/unread_messages_body.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    except Exception:
        ConversationState.objects.filter(pk=state.pk, last_notified_at=now).update(
            last_notified_at=state.last_notified_at, last_notified_message_id=state.last_notified_message_id
        )
        raise
    return True


def _schedule_follow_up(state_id: int, relationship_id: int, user_id: int, now: datetime) -> None:
    """Inside the throttle window: make sure exactly one task is waiting for the window's end."""
    last_notified_at = ConversationState.objects.values_list("last_notified_at", flat=True).get(pk=state_id)
    if last_notified_at is None:
        return
    due = last_notified_at + NOTIFICATION_WINDOW
    # A due time in the past belongs to a follow-up that was lost (a broker restart): take it over.
    scheduled = (
        ConversationState.objects.filter(pk=state_id)
        .filter(Q(notification_due_at=None) | Q(notification_due_at__lt=now))
        .update(notification_due_at=due)
    )
    if scheduled:
        from messaging.tasks import notify_unread_messages

        countdown = max((due - now).total_seconds(), 0) + 1
        notify_unread_messages.apply_async((relationship_id, user_id), countdown=countdown)


def _other_side_name(relationship: Relationship, user: User) -> str:
    if relationship.mentor is not None and relationship.mentor.user_id == user.pk:
        return relationship.mutual.name
    return relationship.mentor_name


# --- Lifecycle ----------------------------------------------------------------------------------------------


def _free_mentor_capacity(relationship: Relationship) -> None:
    """Give the mentor back the place this relationship took, under a row lock, never below zero."""
    if relationship.mentor_id is None:
        return
    profile = MentorProfile.objects.select_for_update().get(pk=relationship.mentor_id)
    if profile.active_mentees > 0:
        profile.active_mentees -= 1
        # As matching does when it raises the count: load is not part of the profile's "updated" time.
        profile.save(update_fields=["active_mentees"])
    profile_id = profile.pk

    def announce() -> None:
        # Not when the profile went in the same transaction (its owner deleted their account).
        if MentorProfile.objects.filter(pk=profile_id).exists():
            mentor_profile_changed.send(sender=MentorProfile, profile_id=profile_id, reason="capacity_freed")

    transaction.on_commit(announce)


def _pair(relationship: Relationship) -> str:
    return f"{relationship.mentor_name} and {relationship.mutual}"


def _relationship_url(relationship: Relationship) -> str:
    return reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})


@transaction.atomic
def relationship_pause(*, relationship: Relationship, user: User, note: str = "") -> Relationship:
    """Take a break: no nudges while paused. Messages, goals and check-ins still work."""
    _require_party(relationship, user)
    relationship = _lock(relationship)
    if relationship.status != Relationship.Status.ACTIVE:
        raise RelationshipError("Only an active relationship can be paused.")
    relationship.status = Relationship.Status.PAUSED
    relationship.paused_at = timezone.now()
    relationship.save(update_fields=["status", "paused_at"])
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} paused the mentoring relationship between {_pair(relationship)}"
        + (f": {note.strip()}" if note.strip() else "."),
        _relationship_url(relationship),
    )
    return relationship


@transaction.atomic
def relationship_resume(*, relationship: Relationship, user: User) -> Relationship:
    _require_party(relationship, user)
    relationship = _lock(relationship)
    if relationship.status != Relationship.Status.PAUSED:
        raise RelationshipError("Only a paused relationship can be resumed.")
    relationship.status = Relationship.Status.ACTIVE
    relationship.paused_at = None
    relationship.save(update_fields=["status", "paused_at"])
    _record_activity(relationship, timezone.now())
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} resumed the mentoring relationship between {_pair(relationship)}.",
        _relationship_url(relationship),
    )
    return relationship


def _close(relationship: Relationship, user: User | None, status: str, reason: str) -> Relationship:
    relationship = _lock(relationship)
    if not relationship.is_open:
        raise RelationshipError(f"This relationship is already {relationship.get_status_display().lower()}.")
    relationship.status = status
    relationship.ended_at = timezone.now()
    relationship.ended_by = user
    relationship.end_reason = reason
    relationship.paused_at = None
    relationship.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "paused_at"])
    _free_mentor_capacity(relationship)
    return relationship


@transaction.atomic
def relationship_complete(*, relationship: Relationship, user: User) -> Relationship:
    """Close the relationship as completed and free the mentor's place. Both sides are asked for feedback."""
    _require_party(relationship, user)
    relationship = _close(relationship, user, Relationship.Status.COMPLETED, "")
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} marked the mentoring relationship between {_pair(relationship)} as completed. "
        "Tell us how it went.",
        reverse("messaging:feedback_give", kwargs={"pk": relationship.pk}),
    )
    return relationship


@transaction.atomic
def relationship_end_early(*, relationship: Relationship, user: User | None, reason: str) -> Relationship:
    """End the relationship before its goals are met, with a reason, and free the mentor's place.

    `user` is None when the system ends it (an account was deleted). The mutual is then offered a new match.
    """
    reason = reason.strip()
    if not reason:
        raise RelationshipError("Enter why the relationship is ending.")
    if user is not None:
        _require_party(relationship, user)
    relationship = _close(relationship, user, Relationship.Status.ENDED_EARLY, reason)
    actor = user.display_name if user is not None else "The programme"
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{actor} ended the mentoring relationship between {relationship.mentor_name} and {relationship.mutual} early.",
        _relationship_url(relationship),
    )
    return relationship


def can_reopen_request(*, relationship: Relationship, user: User) -> bool:
    return (
        relationship.status == Relationship.Status.ENDED_EARLY
        and relationship.request_id is not None
        and relationship.request_reopened_at is None
        and selectors.is_member_of(user, relationship)
    )


@transaction.atomic
def relationship_request_reopen(*, relationship: Relationship, user: User) -> Relationship:
    """After an early end, a member of the mutual asks for a new mentor: the matching app reopens the request,
    and never suggests the previous mentor again (any relationship between a mentor and the mutual excludes the
    pair)."""
    relationship = _lock(relationship)
    if not selectors.is_member_of(user, relationship):
        raise RelationshipError("Only members of the mutual can ask for a new mentor.")
    if relationship.status != Relationship.Status.ENDED_EARLY:
        raise RelationshipError("You can ask for a new mentor only after a relationship ended early.")
    if relationship.request is None:
        raise RelationshipError("This relationship did not start from a mentoring request, so there is none to reopen.")
    if relationship.request_reopened_at is not None:
        raise RelationshipError("The mentoring request has already been reopened.")
    try:
        matching_services.request_reopen(
            request=relationship.request,
            reason=f"Reopened by {user.display_name} after the relationship with {relationship.mentor_name} ended.",
        )
    except matching_services.MatchingError as error:
        raise RelationshipError(str(error)) from error
    relationship.request_reopened_at = timezone.now()
    relationship.save(update_fields=["request_reopened_at"])
    return relationship


# --- Goals and check-ins ------------------------------------------------------------------------------------


def _same_side(relationship: Relationship, first_user_id: int, second_user_id: int) -> bool:
    mentor_user_id = relationship.mentor.user_id if relationship.mentor is not None else None
    return (first_user_id == mentor_user_id) == (second_user_id == mentor_user_id)


def goal_can_agree(*, goal: Goal, relationship: Relationship, user: User) -> bool:
    """Whether this party may confirm the goal: it is unagreed and was proposed by the other side."""
    if goal.agreed_at is not None or not relationship.is_open:
        return False
    return goal.created_by_id is None or not _same_side(relationship, goal.created_by_id, user.pk)


@transaction.atomic
def goal_create(
    *, relationship: Relationship, user: User, title: str, description: str = "", topics: Iterable[SupportTopic] = ()
) -> Goal:
    """Propose a goal. It counts as agreed once someone on the other side confirms it."""
    _require_party(relationship, user)
    _require_open(relationship, "add goals")
    goal = Goal.objects.create(relationship=relationship, title=title.strip(), description=description, created_by=user)
    goal.topics.set(topics)
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} proposed a goal: {goal.title}",
        _relationship_url(relationship),
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    user: User,
    title: str,
    description: str,
    status: str,
    topics: Iterable[SupportTopic],
) -> Goal:
    _require_party(goal.relationship, user)
    _require_open(goal.relationship, "change goals")
    if status not in Goal.Status.values:
        raise RelationshipError("Choose a status for the goal.")
    goal.title = title.strip()
    goal.description = description
    goal.status = status
    goal.save(update_fields=["title", "description", "status", "updated_at"])
    goal.topics.set(topics)
    return goal


@transaction.atomic
def goal_agree(*, goal: Goal, user: User) -> Goal:
    """Confirm a goal the other side proposed."""
    relationship = goal.relationship
    _require_party(relationship, user)
    _require_open(relationship, "agree goals")
    goal = Goal.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=goal.pk)
    if goal.agreed_at is not None:
        raise RelationshipError("This goal has already been agreed.")
    if goal.created_by_id is not None and _same_side(relationship, goal.created_by_id, user.pk):
        raise RelationshipError("The goal needs to be agreed by the other side of the relationship.")
    goal.agreed_by = user
    goal.agreed_at = timezone.now()
    goal.save(update_fields=["agreed_by", "agreed_at", "updated_at"])
    return goal


@transaction.atomic
def check_in_create(
    *,
    relationship: Relationship,
    user: User,
    met_on: date,
    duration_minutes: int,
    format: str,
    notes: str = "",
) -> CheckIn:
    """Log a meeting the pair held. Both sides see it; it counts as activity for the nudges."""
    _require_party(relationship, user)
    _require_open(relationship, "log check-ins")
    if met_on > timezone.localdate():
        raise RelationshipError("The date of the meeting must be today or in the past.")
    if met_on < timezone.localdate(relationship.started_at):
        raise RelationshipError("The date of the meeting must be on or after the relationship started.")
    check_in = CheckIn(
        relationship=relationship,
        met_on=met_on,
        duration_minutes=duration_minutes,
        format=format,
        notes=notes,
        logged_by=user,
    )
    check_in.full_clean(exclude=["relationship", "logged_by"])
    check_in.save()
    _record_activity(relationship, timezone.now())
    _notify_others(
        relationship,
        user,
        Notice.Kind.RELATIONSHIP,
        f"{user.display_name} logged a check-in on {met_on:%-d %B %Y}.",
        reverse("messaging:check_in_list", kwargs={"pk": relationship.pk}),
    )
    return check_in


# --- Closing feedback ---------------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(
    *,
    relationship: Relationship,
    user: User,
    rating: int,
    goal_progress: str,
    would_recommend: bool,
    comments: str = "",
) -> Feedback:
    """One party's closing feedback. Once per person per relationship, after it has closed."""
    _require_party(relationship, user)
    _refresh_status(relationship)
    if not relationship.is_closed:
        raise RelationshipError("You can give feedback once the relationship has been completed or ended.")
    if not 1 <= rating <= 5:
        raise RelationshipError("Choose a rating from 1 to 5.")
    if goal_progress not in Feedback.GoalProgress.values:
        raise RelationshipError("Choose how much progress you made on your goals.")
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                relationship=relationship,
                author=user,
                rating=rating,
                goal_progress=goal_progress,
                would_recommend=would_recommend,
                comments=comments,
            )
    except IntegrityError as error:
        raise RelationshipError("You have already given feedback on this relationship.") from error


# --- Nudges -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeSummary:
    nudged: int
    flagged_at_risk: int


def relationships_nudge_quiet(*, now: datetime | None = None) -> NudgeSummary:
    """Nudge both sides of every active relationship quiet for QUIET_AFTER, once per quiet spell, and flag those
    quiet for AT_RISK_AFTER as at risk for the programme team.

    Safe to run twice on the same day: a nudge is claimed by inserting its (relationship, kind, day) row, which a
    unique constraint lets happen once, and a relationship already nudged since its last activity is skipped.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    already_nudged = Nudge.objects.filter(relationship=OuterRef("pk"), kind=Nudge.Kind.QUIET).filter(
        Q(created_at__gte=OuterRef("last_activity_at")) | Q(sent_on=today)
    )
    quiet = (
        Relationship.objects.filter(status=Relationship.Status.ACTIVE, last_activity_at__lte=now - QUIET_AFTER)
        .exclude(Exists(already_nudged))
        .select_related("mentor__user", "mutual")
    )
    nudged = 0
    for relationship in quiet:
        if _nudge(relationship, today, now):
            nudged += 1
    flagged = Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, last_activity_at__lte=now - AT_RISK_AFTER, at_risk_since=None
    ).update(at_risk_since=now)
    return NudgeSummary(nudged=nudged, flagged_at_risk=flagged)


@transaction.atomic
def _nudge(relationship: Relationship, today: date, now: datetime) -> bool:
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                relationship=relationship, kind=Nudge.Kind.QUIET, sent_on=today, created_at=now
            )
    except IntegrityError:
        return False  # another run claimed today's nudge
    days = (now - relationship.last_activity_at).days
    text = (
        f"It has been {days} days since anything happened in the mentoring relationship between "
        f"{relationship.mentor_name} and {relationship.mutual}. Send a message or log a check-in."
    )
    _notify_others(relationship, None, Notice.Kind.NUDGE, text, _relationship_url(relationship))
    from messaging.tasks import send_nudge_emails

    transaction.on_commit(lambda: send_nudge_emails.delay(nudge.pk))
    return True


def nudge_emails_send(*, nudge_id: int) -> int:
    """Email a nudge to each party who wants emails. Claimed through Nudge.emailed_at: a second run sends nothing."""
    now = timezone.now()
    if not Nudge.objects.filter(pk=nudge_id, emailed_at=None).update(emailed_at=now):
        return 0
    nudge = Nudge.objects.select_related("relationship__mentor__user", "relationship__mutual").get(pk=nudge_id)
    relationship = nudge.relationship
    sent = 0
    try:
        for party in selectors.parties_of(relationship):
            if not (party.is_active and party.email_notifications):
                continue
            context = {
                "user": party,
                "relationship": relationship,
                "days": (now - relationship.last_activity_at).days,
                "relationship_url": _site_link("messaging:relationship_detail", pk=relationship.pk),
                "settings_url": _site_link("messaging:notification_settings"),
                "site_name": settings.SITE_NAME,
                "other_side": _other_side_name(relationship, party),
            }
            send_mail(
                subject=render_to_string("messaging/email/nudge_subject.txt", context).strip(),
                message=render_to_string("messaging/email/nudge_body.txt", context),
                from_email=None,
                recipient_list=[party.email],
            )
            sent += 1
    except Exception:
        # Release the claim only if nobody has been emailed yet, so a retry never emails anyone twice.
        if sent == 0:
            Nudge.objects.filter(pk=nudge_id).update(emailed_at=None)
        raise
    return sent


# --- Moderation ---------------------------------------------------------------------------------------------


@transaction.atomic
def message_report(*, message: Message, user: User, reason: str, details: str = "") -> MessageReport:
    """A party asks the programme team to look at a message someone else wrote."""
    _require_party(message.relationship, user)
    if message.author_id == user.pk:
        raise RelationshipError("You cannot report your own message.")
    if reason not in MessageReport.Reason.values:
        raise RelationshipError("Choose why you are reporting this message.")
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(message=message, reported_by=user, reason=reason, details=details)
    except IntegrityError as error:
        raise RelationshipError("You have already reported this message.") from error
    for staff_member in User.objects.filter(is_programme_team=True, is_active=True):
        notice_create(
            user=staff_member,
            kind=Notice.Kind.MODERATION,
            text="A message has been reported.",
            url=reverse("messaging:moderation_report_detail", kwargs={"pk": report.pk}),
        )
    return report


def _require_staff(actor: User) -> None:
    if not actor.is_programme_team:
        raise RelationshipError("Only the programme team can moderate messages.")


def _resolve_reports(message: Message, actor: User, now: datetime) -> None:
    MessageReport.objects.filter(message=message, resolved_at=None).update(resolved_at=now, resolved_by=actor)


@transaction.atomic
def message_hide(*, report: MessageReport, actor: User, note: str) -> Message:
    """Hide a reported message from both sides; it shows as hidden by the programme team."""
    _require_staff(actor)
    message = Message.objects.select_for_update().get(pk=report.message_id)
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
        target_message=message,
        target_user_id=message.author_id,
        note=note,
        created_at=now,
    )
    return message


@transaction.atomic
def account_suspend(*, report: MessageReport, actor: User, note: str) -> User:
    """Suspend the author of a reported message: they can no longer sign in (is_active off)."""
    _require_staff(actor)
    message = report.message
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
        target_message=message,
        target_user=target,
        note=note,
        created_at=now,
    )
    return target


@transaction.atomic
def message_restore(*, report: MessageReport, actor: User, note: str) -> Message:
    """Undo a hide: the message shows to both sides again. The report stays closed; the log records why."""
    _require_staff(actor)
    message = Message.objects.select_for_update().get(pk=report.message_id)
    if message.hidden_at is None:
        raise RelationshipError("This message is not hidden.")
    message.hidden_at = None
    message.hidden_by = None
    message.save(update_fields=["hidden_at", "hidden_by"])
    ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.RESTORE_MESSAGE,
        report=report,
        target_message=message,
        target_user_id=message.author_id,
        note=note,
    )
    return message


@transaction.atomic
def account_reinstate(*, report: MessageReport, actor: User, note: str) -> User:
    """Lift a suspension made through moderation: the author can sign in again.

    Only an account whose latest suspend-or-reinstate step is a suspension can be reinstated here, so this never
    re-opens an account that was switched off for another reason (in the admin, say)."""
    _require_staff(actor)
    author_id = report.message.author_id
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
        target_message_id=report.message_id,
        target_user=target,
        note=note,
    )
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
        note=note,
        created_at=now,
    )
    return report
