"""The programme team's announcements: list, write, preview the audience, send."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from accounts.pagination import paginate
from programme import announcements
from programme.forms import AnnouncementForm
from programme.models import Announcement


def _announcement(pk: int) -> Announcement:
    try:
        return Announcement.objects.select_related("created_by", "sent_by").get(pk=pk)
    except Announcement.DoesNotExist:
        raise Http404("No such announcement") from None


@programme_team_required
@require_GET
def announcement_list(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, Announcement.objects.select_related("created_by", "sent_by"))
    return render(request, "programme/announcement_list.html", {"pagination": pagination})


@programme_team_required
@require_http_methods(GET_AND_POST)
def announcement_create(request: AuthenticatedRequest) -> HttpResponse:
    form = AnnouncementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        announcement = form.save(commit=False)
        announcement.created_by = request.user
        announcement.save()
        form.save_m2m()
        return redirect("programme:announcement_detail", pk=announcement.pk)
    return render(request, "programme/announcement_form.html", {"form": form})


@programme_team_required
@require_GET
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _announcement(pk)
    context: dict[str, object] = {"announcement": announcement}
    if announcement.status == Announcement.Status.DRAFT:
        context["audience_count"], context["sample"] = announcements.preview(announcement)
    else:
        context["counts"] = announcements.counts(announcement)
    return render(request, "programme/announcement_detail.html", context)


@require_POST
@programme_team_required
def announcement_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    announcement = _announcement(pk)
    try:
        announcement = announcements.announcement_send(announcement=announcement, actor=request.user)
    except announcements.AnnouncementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"“{announcement.subject}” is being sent to {announcement.recipients_total} "
            f"{'person' if announcement.recipients_total == 1 else 'people'}. The counts below fill in as it goes.",
        )
    return redirect("programme:announcement_detail", pk=announcement.pk)
