"""Mentoring group pages: the group (its conversation, meetings and the person's own goals), goals, meetings,
leaving and closing; and the programme team's pages that make groups from requests sharing a topic.

Every group page fetches the group through group_selectors.groups_for(user): anyone else gets the 404 a missing
group gets.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import programme_team_required
from accounts.http import posted as _posted
from accounts.http import user_of as _user
from accounts.models import SupportTopic
from messaging import group_selectors
from messaging.forms import ConfirmForm, FeedbackForm, MeetingForm, ReportForm
from messaging.forms.groups import (
    GroupCloseForm,
    GroupCreateForm,
    GroupGoalForm,
    GroupGoalStatusForm,
    GroupMessageForm,
)
from messaging.models import GroupMessage, MentoringGroup
from messaging.services import RelationshipError, moderation
from messaging.services import groups as services
from messaging.services.meetings import when_text


def _group(request: HttpRequest, pk: int) -> MentoringGroup:
    return group_selectors.group_for(_user(request), pk)


def _back(group: MentoringGroup) -> HttpResponse:
    return redirect("messaging:group_detail", pk=group.pk)


@require_GET
@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = group_selectors.groups_for(_user(request)).order_by("status", "-created_at")
    return render(request, "messaging/group_list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's page; its form writes in the shared conversation."""
    group = _group(request, pk)
    user = _user(request)
    form = GroupMessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_message_send(group=group, user=user, body=form.cleaned_data["body"])
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your message is in the group's conversation.")
            return redirect(services.group_url(group) + "#conversation")
    is_mentor = group_selectors.is_group_mentor(user, group)
    context = {
        "group": group,
        "form": form,
        "is_mentor": is_mentor,
        "mutuals": group_selectors.group_mutuals(group),
        "my_mutuals": group_selectors.my_group_mutuals(user, group),
        "group_messages": group_selectors.group_messages(group),
        "goals": group_selectors.group_goals_for(user, group),
        "meetings": group_selectors.group_meetings(group),
        "feedback_places": group_selectors.feedback_asked_of(user, group),
        "now": timezone.now(),
    }
    return render(request, "messaging/group_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def group_message_report(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """Report a message in the group's conversation to the programme team's moderation queue (the same page and
    queue as a pair's conversation)."""
    group = _group(request, pk)
    message = get_object_or_404(GroupMessage.objects.filter(group=group).select_related("author"), pk=message_pk)
    form = ReportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            moderation.group_message_report(message=message, user=_user(request), **form.cleaned_data)
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. The programme team will look at the message you reported.")
            return redirect(services.group_url(group) + "#conversation")
    return render(request, "messaging/message_report.html", {"group": group, "message": message, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = _user(request)
    mutuals = (
        group_selectors.group_mutuals(group)
        if group_selectors.is_group_mentor(user, group)
        else group_selectors.my_group_mutuals(user, group)
    )
    form = GroupGoalForm(_posted(request), mutuals=mutuals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_goal_create(
                group=group, user=user, mutual=data["mutual"], title=data["title"], description=data["description"]
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Goal added for {data['mutual'].name}.")
            return redirect(services.group_url(group) + "#goals")
    return render(request, "messaging/group_goal_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = _user(request)
    goal = get_object_or_404(group_selectors.group_goals_for(user, group), pk=goal_pk)
    form = GroupGoalStatusForm(_posted(request), initial={"status": goal.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_goal_set_status(goal=goal, user=user, status=form.cleaned_data["status"])
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{goal.title}” is now {goal.get_status_display().lower()}.")
            return redirect(services.group_url(group) + "#goals")
    return render(request, "messaging/group_goal_update.html", {"group": group, "goal": goal, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = _user(request)
    if not group_selectors.is_group_mentor(user, group):
        raise Http404("Only the group's mentor arranges its meetings.")
    form = MeetingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.group_meeting_arrange(
                group=group,
                user=user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                address=data["address"],
                link=data["link"],
                agenda=data["agenda"],
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Meeting arranged for {when_text(meeting)}. Everyone in the group is emailed the invitation."
            )
            return redirect(services.group_url(group) + "#meetings")
    return render(request, "messaging/group_meeting_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_meeting_cancel(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    user = _user(request)
    meeting = group_selectors.group_meeting_for(user, pk, meeting_pk)
    group = meeting.group
    if not group_selectors.is_group_mentor(user, group):
        raise Http404("Only the group's mentor cancels its meetings.")
    form = ConfirmForm(_posted(request), label="Yes, cancel this meeting")
    if request.method == "POST" and form.is_valid():
        try:
            services.group_meeting_cancel(meeting=meeting, user=user)
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Meeting cancelled. The cancellation removes it from everyone's calendar.")
            return redirect(services.group_url(group) + "#meetings")
    context = {"group": group, "meeting": meeting, "when": when_text(meeting), "form": form}
    return render(request, "messaging/group_meeting_cancel.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = _user(request)
    mine = group_selectors.my_group_mutuals(user, group)
    if not mine:
        raise Http404("Only a member of a mutual in the group can take it out.")
    mutual = mine[0]
    form = ConfirmForm(_posted(request), label=f"Yes, take {mutual.name} out of the group")
    if request.method == "POST" and form.is_valid():
        try:
            place = services.group_leave(group=group, user=user, mutual=mutual)
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{mutual.name} has left “{group.title}”. The mentor is told. Please tell us how it went."
            )
            return redirect(services.group_feedback_url(place))
    return render(request, "messaging/group_leave.html", {"group": group, "mutual": mutual, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_close(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = _user(request)
    if not group_selectors.is_group_mentor(user, group):
        raise Http404("Only the group's mentor closes it.")
    form = GroupCloseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_close(group=group, user=user, reason=form.cleaned_data["reason"])
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{group.title}” is closed. Everyone in it is told.")
            return _back(group)
    return render(request, "messaging/group_close.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def group_feedback(request: HttpRequest, pk: int, place_pk: int) -> HttpResponse:
    """Closing feedback on one mutual's time in a group, by its mentor or one of the mutual's members (also after
    the mutual left, when the group's other pages are closed to them). After answering, the page shows the
    person's own answers and nothing else; a second answer is refused with the reason."""
    user = _user(request)
    place = group_selectors.feedback_place_for(user, pk, place_pk)
    own = group_selectors.own_feedback(user, place)
    ended = group_selectors.place_has_ended(place)
    form = FeedbackForm(_posted(request))
    refusal = services.feedback_already_given(place) if own else None if ended else services.feedback_not_yet(place)
    if request.method == "POST" and refusal is not None:
        # Answered already, or too early: the page shows no form, so whatever was sent the one thing to say is why.
        form.is_valid()
        form.errors.clear()
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            services.group_feedback_give(place=place, user=user, **form.cleaned_data)
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect(services.group_feedback_url(place))
    context = {
        "place": place,
        "form": form,
        "own": own,
        "ended": ended,
        "in_group": group_selectors.groups_for(user).filter(pk=place.group_id).exists(),
    }
    return render(request, "messaging/group_feedback.html", context)


# --- Programme team -----------------------------------------------------------------------------------------


@require_GET
@programme_team_required
def staff_group_list(request: HttpRequest) -> HttpResponse:
    """The groups, and the topics on which at least two mutuals are waiting for a mentor: where a group could help."""
    context = {
        "groups": group_selectors.staff_groups()[:200],
        "candidates": group_selectors.group_candidates(),
    }
    return render(request, "messaging/staff_group_list.html", context)


@require_http_methods(["GET", "POST"])
@programme_team_required
def staff_group_create(request: HttpRequest, topic_pk: int) -> HttpResponse:
    """Choose the requests and the mentor; a second step shows the choice to confirm before the group is made."""
    topic = get_object_or_404(SupportTopic, pk=topic_pk)
    candidates = next((c.requests for c in group_selectors.group_candidates() if c.topic.pk == topic.pk), [])
    form = GroupCreateForm(_posted(request), candidates=candidates, initial={"title": topic.name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirmed") != "yes":
            return render(request, "messaging/staff_group_confirm.html", {"topic": topic, "form": form, "data": data})
        try:
            group = services.group_create(
                user=_user(request), mentor=data["mentor"], topic=topic, requests=data["requests"], title=data["title"]
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{group.title}” is made. The mentor and every member of its mutuals are told.")
            return redirect("messaging:staff_group_list")
    context = {"topic": topic, "form": form, "candidates": candidates}
    return render(request, "messaging/staff_group_create.html", context)
