"""Meeting pages for a relationship's parties, and each person's calendar feed.

Thin views: the meeting is fetched through the relationship scoped to the person (another pair's meeting is a 404),
a form parses the input, one service makes the change. The feed address is secret and needs no sign-in (calendar
apps cannot sign in); anything but a current token is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import posted as _posted
from accounts.http import user_of as _user
from messaging import forms, ics, selectors, services
from messaging.models import Meeting, Relationship
from messaging.services import RelationshipError


def _relationship(request: HttpRequest, pk: int) -> Relationship:
    return get_object_or_404(selectors.relationships_for(_user(request)), pk=pk)


def _meeting(request: HttpRequest, pk: int, meeting_pk: int) -> Meeting:
    return get_object_or_404(selectors.meetings_of(_relationship(request, pk)), pk=meeting_pk)


def _detail(meeting: Meeting) -> HttpResponse:
    return redirect("messaging:meeting_detail", pk=meeting.relationship_id, meeting_pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    relationship = _relationship(request, pk)
    form = forms.MeetingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_propose(
                relationship=relationship,
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
            messages.success(request, "Meeting proposed. The other side can accept it or suggest another time.")
            return _detail(meeting)
    return render(request, "messaging/meeting_form.html", {"relationship": relationship, "form": form})


@require_GET
@login_required
def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    user = _user(request)
    meeting = _meeting(request, pk, meeting_pk)
    context = {
        "relationship": meeting.relationship,
        "meeting": meeting,
        "when": services.when_text(meeting),
        "can_accept": meeting.relationship.is_open and services.meeting_can_accept(meeting=meeting, user=user),
        "can_change": meeting.status in (Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED) and not meeting.has_started,
        "can_record": meeting.status == Meeting.Status.ACCEPTED and meeting.has_started,
        "waiting_for_other_side": meeting.is_waiting and not services.meeting_can_accept(meeting=meeting, user=user),
    }
    return render(request, "messaging/meeting_detail.html", context)


@require_POST
@login_required
def meeting_accept(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    try:
        services.meeting_accept(meeting=meeting, user=_user(request))
    except RelationshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Meeting accepted. Everyone has been emailed a calendar invitation.")
    return _detail(meeting)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_suggest_time(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    form = forms.MeetingTimeForm(_posted(request), initial={"duration_minutes": meeting.duration_minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_suggest_time(
                meeting=meeting,
                user=_user(request),
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "New time suggested. The other side can accept it or suggest another.")
            return _detail(meeting)
    context = {"relationship": meeting.relationship, "meeting": meeting, "form": form}
    context["when"] = services.when_text(meeting)
    return render(request, "messaging/meeting_time_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_cancel(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    form = forms.ConfirmForm(_posted(request), label="Yes, cancel this meeting")
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, user=_user(request))
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Meeting cancelled. Everyone has been told.")
            return _detail(meeting)
    context = {"relationship": meeting.relationship, "meeting": meeting, "form": form}
    context["when"] = services.when_text(meeting)
    return render(request, "messaging/meeting_cancel.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_outcome(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    form = forms.MeetingOutcomeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        held = form.cleaned_data["held"]
        try:
            services.meeting_record_outcome(
                meeting=meeting, user=_user(request), held=held, notes=form.cleaned_data["notes"]
            )
        except RelationshipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Meeting recorded as held and added to your check-ins." if held else "Meeting recorded as not held.",
            )
            return _detail(meeting)
    context = {"relationship": meeting.relationship, "meeting": meeting, "form": form}
    context["when"] = services.when_text(meeting)
    return render(request, "messaging/meeting_outcome.html", context)


@require_GET
@login_required
def meeting_calendar_file(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The accepted meeting's calendar file, for a party who did not get (or lost) the emailed invitation."""
    meeting = _meeting(request, pk, meeting_pk)
    if meeting.status != Meeting.Status.ACCEPTED:
        raise Http404("Only an accepted meeting has a calendar file.")
    parties = [person for person in selectors.parties_of(meeting.relationship) if person.is_active]
    response = HttpResponse(ics.invitation(meeting, attendees=parties), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(meeting)}"'
    return response


# --- The calendar feed --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=user)
            messages.success(request, "Your calendar feed is turned off. Its address no longer works.")
        else:
            services.calendar_feed_create(user=user)
            messages.success(
                request, "Your calendar feed has a new address. Any address you had before has stopped working."
            )
        return redirect("messaging:calendar_feed_settings")
    feed = selectors.calendar_feed_of(user)
    feed_url = (
        request.build_absolute_uri(reverse("messaging:calendar_feed", kwargs={"token": feed.token})) if feed else ""
    )
    return render(request, "messaging/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription address: the person's upcoming meetings as text/calendar. No sign-in."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404("No calendar feed has this address.")
    services.calendar_feed_used(feed=feed)
    meetings = selectors.calendar_meetings_for(feed.user, timezone.now())
    response = HttpResponse(ics.feed(meetings, name="Mentoring meetings"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
