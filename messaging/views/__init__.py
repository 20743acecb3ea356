"""Relationship pages: the parties' pages, the programme team's facts and moderation, and personal data.

Views are thin: a scoped selector fetches the object (404 for anyone who is not a party), a form parses input,
one service makes the change. Programme staff reach relationships only through the staff pages, which show the
facts and never the messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import programme_team_required
from accounts.http import posted as _posted
from accounts.http import user_of as _user
from accounts.models import User
from accounts.pagination import paginate
from messaging import forms, selectors, services
from messaging.filters import StaffRelationshipFilter
from messaging.models import Relationship
from messaging.services import RelationshipError


def _relationship(request: HttpRequest, pk: int) -> Relationship:
    return get_object_or_404(selectors.relationships_for(_user(request)), pk=pk)


def _form_error(form: Form, error: RelationshipError) -> None:
    form.add_error(None, str(error))


# --- Conversations list and notices -------------------------------------------------------------------------


def _page_marker(raw: str) -> int | None:
    """A message id to page before; anything that cannot be one (text, zero, negative, past the id range of the
    database) shows the newest page rather than an empty one or an error."""
    try:
        before = int(raw)
    except ValueError:
        return None
    return before if 0 < before < 2**63 else None


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, selectors.inbox_for(_user(request)))
    return render(request, "messaging/relationship_list.html", {"pagination": pagination})


# --- One relationship ---------------------------------------------------------------------------------------


@require_GET
@login_required
def relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    goals = list(selectors.goals_of(relationship))
    for goal in goals:
        goal.can_agree = services.goal_can_agree(goal=goal, relationship=relationship, user=user)  # type: ignore[attr-defined]
    context = {
        "relationship": relationship,
        "goals": goals,
        "check_ins": list(selectors.check_ins_of(relationship)[:5]),
        "meetings": list(selectors.current_meetings_of(relationship, timezone.now())),
        "agreement": selectors.current_agreement(relationship),
        "is_mentor": selectors.is_mentor_of(user, relationship),
        "is_member": selectors.is_member_of(user, relationship),
        "feedback_given": selectors.has_given_feedback(user, relationship),
        "can_reopen_request": services.can_reopen_request(relationship=relationship, user=user),
    }
    return render(request, "messaging/relationship_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    form = forms.MessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(relationship=relationship, author=user, body=form.cleaned_data["body"])
        except RelationshipError as error:
            _form_error(form, error)
        else:
            return redirect("messaging:conversation", pk=relationship.pk)
    page = selectors.message_page(relationship, before=_page_marker(request.GET.get("before", "")))
    if page.is_newest and page.messages:
        # Seeing the newest page is reading the conversation: move this person's read marker.
        services.conversation_mark_read(relationship=relationship, user=user, up_to_message_id=page.messages[0].pk)
    return render(
        request,
        "messaging/message_list.html",
        {"relationship": relationship, "page": page, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def message_report(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    message = get_object_or_404(selectors.messages_of(relationship), pk=message_pk)
    form = forms.ReportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(message=message, user=user, **form.cleaned_data)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Thank you. The programme team will look at the message you reported.")
            return redirect("messaging:conversation", pk=relationship.pk)
    return render(
        request, "messaging/message_report.html", {"relationship": relationship, "message": message, "form": form}
    )


def _lifecycle(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Form],
    template: str,
    action: Any,
    success: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """Shared shape of pause, resume, complete and end: a confirmation form, one service, back to the page."""
    user = _user(request)
    relationship = _relationship(request, pk)
    form = form_class(_posted(request), **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            action(relationship=relationship, user=user, data=form.cleaned_data)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, success)
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    return render(request, template, {"relationship": relationship, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def relationship_pause(request: HttpRequest, pk: int) -> HttpResponse:
    def pause(*, relationship: Relationship, user: User, data: dict[str, Any]) -> None:
        services.relationship_pause(relationship=relationship, user=user, note=data["note"])

    return _lifecycle(
        request,
        pk,
        form_class=forms.PauseForm,
        template="messaging/relationship_pause.html",
        action=pause,
        success="The relationship is paused. You will not get reminders until it resumes.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def relationship_resume(request: HttpRequest, pk: int) -> HttpResponse:
    def resume(*, relationship: Relationship, user: User, data: dict[str, Any]) -> None:
        services.relationship_resume(relationship=relationship, user=user)

    return _lifecycle(
        request,
        pk,
        form_class=forms.ResumeForm,
        template="messaging/relationship_resume.html",
        action=resume,
        success="The relationship has resumed.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def relationship_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def complete(*, relationship: Relationship, user: User, data: dict[str, Any]) -> None:
        services.relationship_complete(relationship=relationship, user=user)

    return _lifecycle(
        request,
        pk,
        form_class=forms.ConfirmForm,
        form_kwargs={"label": "Yes, the mentoring has finished"},
        template="messaging/relationship_complete.html",
        action=complete,
        success="The relationship is complete. Please tell us how it went.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    def end(*, relationship: Relationship, user: User, data: dict[str, Any]) -> None:
        services.relationship_end_early(relationship=relationship, user=user, reason=data["reason"])

    return _lifecycle(
        request,
        pk,
        form_class=forms.EndEarlyForm,
        template="messaging/relationship_end.html",
        action=end,
        success="The relationship has ended.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def relationship_rematch(request: HttpRequest, pk: int) -> HttpResponse:
    """After an early end, a member of the mutual asks for a new mentor."""
    user = _user(request)
    relationship = _relationship(request, pk)
    form = forms.ConfirmForm(_posted(request), label="Yes, find us a new mentor")
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_request_reopen(relationship=relationship, user=user)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Your request is open again. We will suggest new mentors.")
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    context = {
        "relationship": relationship,
        "form": form,
        "can_reopen_request": services.can_reopen_request(relationship=relationship, user=user),
    }
    return render(request, "messaging/relationship_rematch.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def feedback_give(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    feedback_given = selectors.has_given_feedback(user, relationship)
    # The form is only shown (and so only validated) once the relationship has closed and before it is answered.
    open_for_feedback = relationship.is_closed and not feedback_given
    form = forms.FeedbackForm(_posted(request) if open_for_feedback else None)
    if request.method == "POST" and open_for_feedback and form.is_valid():
        try:
            services.feedback_give(relationship=relationship, user=user, **form.cleaned_data)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    context = {"relationship": relationship, "form": form, "feedback_given": feedback_given}
    return render(request, "messaging/feedback_form.html", context)


# --- Goals and check-ins ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    form = forms.GoalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(relationship=relationship, user=user, **form.cleaned_data)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Goal added. The other side can now agree it.")
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    return render(request, "messaging/goal_form.html", {"relationship": relationship, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    goal = get_object_or_404(selectors.goals_of(relationship), pk=goal_pk)
    initial = {
        "title": goal.title,
        "description": goal.description,
        "status": goal.status,
        "topics": list(goal.topics.all()),
    }
    form = forms.GoalUpdateForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, user=user, **form.cleaned_data)
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Goal updated.")
            return redirect("messaging:relationship_detail", pk=relationship.pk)
    return render(request, "messaging/goal_form.html", {"relationship": relationship, "goal": goal, "form": form})


@require_POST
@login_required
def goal_agree(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    goal = get_object_or_404(selectors.goals_of(relationship), pk=goal_pk)
    try:
        services.goal_agree(goal=goal, user=user)
    except RelationshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You agreed the goal '{goal.title}'.")
    return redirect("messaging:relationship_detail", pk=relationship.pk)


@require_GET
@login_required
def check_in_list(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(request, pk)
    pagination = paginate(request, selectors.check_ins_of(relationship))
    return render(request, "messaging/check_in_list.html", {"relationship": relationship, "pagination": pagination})


@require_http_methods(["GET", "POST"])
@login_required
def check_in_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    form = forms.CheckInForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.check_in_create(
                relationship=relationship,
                user=user,
                met_on=data["met_on"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                notes=data["notes"],
            )
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Check-in logged.")
            return redirect("messaging:check_in_list", pk=relationship.pk)
    return render(request, "messaging/check_in_form.html", {"relationship": relationship, "form": form})


# --- Programme team -----------------------------------------------------------------------------------------


@require_GET
@programme_team_required
def staff_relationship_list(request: HttpRequest) -> HttpResponse:
    filterset = StaffRelationshipFilter(request.GET or None, queryset=selectors.staff_relationships())
    pagination = paginate(request, filterset.qs)
    return render(
        request,
        "messaging/staff_relationship_list.html",
        {"filter": filterset, "pagination": pagination},
    )


@require_GET
@programme_team_required
def staff_relationship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.staff_relationship(pk)
    return render(request, "messaging/staff_relationship_detail.html", {"relationship": relationship})


@require_GET
@programme_team_required
def moderation_report_list(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, selectors.reports_for_staff())
    conduct_reports = selectors.conduct_reports_for_staff()
    context = {
        "pagination": pagination,
        # Open reports of code of conduct breaches, all of them, and the latest closed ones.
        "open_conduct_reports": list(conduct_reports.filter(resolved_at=None)),
        "closed_conduct_reports": list(conduct_reports.exclude(resolved_at=None)[:10]),
    }
    return render(request, "messaging/moderation_report_list.html", context)


@require_GET
@programme_team_required
def moderation_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_staff(pk)
    return render(
        request,
        "messaging/moderation_report_detail.html",
        {"report": report, "form": forms.ModerationNoteForm()},
    )


def _moderate(
    request: HttpRequest, pk: int, action: Any, success: str, title: str, *, warning: bool = True
) -> HttpResponse:
    report = selectors.report_for_staff(pk)
    form = forms.ModerationNoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            action(report=report, actor=_user(request), note=form.cleaned_data["note"])
        except RelationshipError as error:
            _form_error(form, error)
        else:
            messages.success(request, success)
            return redirect("messaging:moderation_report_detail", pk=report.pk)
    return render(
        request,
        "messaging/moderation_action_form.html",
        {"report": report, "form": form, "action_title": title, "warning": warning},
    )


@require_http_methods(["GET", "POST"])
@programme_team_required
def moderation_message_hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.message_hide, "The message is hidden.", "Hide this message")


@require_http_methods(["GET", "POST"])
@programme_team_required
def moderation_account_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.account_suspend, "The account is suspended.", "Suspend the author's account")


@require_http_methods(["GET", "POST"])
@programme_team_required
def moderation_report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.report_dismiss, "The report is closed.", "Close this report")


@require_http_methods(["GET", "POST"])
@programme_team_required
def moderation_message_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(
        request, pk, services.message_restore, "The message shows again.", "Show this message again", warning=False
    )


@require_http_methods(["GET", "POST"])
@programme_team_required
def moderation_account_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(
        request, pk, services.account_reinstate, "The author can sign in again.", "Lift the suspension", warning=False
    )


# --- Personal data ------------------------------------------------------------------------------------------
