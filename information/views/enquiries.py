"""Enquiries: the public "Contact the mutuals support team" form and the feedback form, then the programme team's
triage queue (assign, reply, close, reopen, invite to a next step)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from accounts.pagination import paginate
from information import readiness, selectors, services
from information.filters import EnquiryFilter
from information.forms import (
    AssignForm,
    CloseForm,
    EnquiryForm,
    FeedbackForm,
    InviteForm,
    ReplyForm,
    readiness_from,
)
from information.models import Enquiry
from information.views.public import filtered

logger = logging.getLogger(__name__)

SENT_SALT = "information.enquiry_sent"
SENT_MAX_AGE = 60 * 60  # the confirmation page's link shows the reference for an hour


def _enquiry(pk: int) -> Enquiry:
    try:
        return selectors.enquiry_for_staff(pk)
    except Enquiry.DoesNotExist:
        raise Http404("No such enquiry") from None


# --- Public -----------------------------------------------------------------------------------------------


@require_http_methods(GET_AND_POST)
def enquiry_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET" and request.GET.get("readiness"):
        # Readiness answers the person chose to send with their question (from the result page).
        initial["readiness"] = request.GET["readiness"]
    form = EnquiryForm(posted(request), initial=initial)
    if form.is_valid():
        if form.is_spam:
            logger.info("An enquiry filled in the honeypot field and was not kept")
            return redirect("information:enquiry_sent")
        data = form.cleaned_data
        try:
            enquiry = services.enquiry_submit(data=data)
        except services.EnquiryRateLimited as error:
            form.add_error(None, str(error))
        else:
            token = signing.dumps(enquiry.pk, salt=SENT_SALT)
            return redirect(reverse("information:enquiry_sent") + "?" + urlencode({"r": token}))
    encoded = form["readiness"].value() or ""
    attached = readiness_from(str(encoded))
    return render(
        request,
        "information/enquiry_form.html",
        {
            "form": form,
            "attached": readiness.is_complete(attached),
            "working_days": _working_days(),
            "retention_months": settings.ENQUIRY_RETENTION_MONTHS,
        },
    )


def _working_days() -> int:
    return settings.ENQUIRY_RESPONSE_WORKING_DAYS


@require_safe
def enquiry_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation page. Its link carries the enquiry's id signed, for an hour: nobody can show themselves
    another person's reference, and nothing is kept in a session."""
    enquiry = None
    try:
        pk = signing.loads(request.GET.get("r", ""), salt=SENT_SALT, max_age=SENT_MAX_AGE)
        enquiry = Enquiry.objects.filter(pk=pk).only("reference", "email", "respond_by", "kind").first()
    except signing.BadSignature:
        pass
    return render(request, "information/enquiry_sent.html", {"enquiry": enquiry, "working_days": _working_days()})


@require_http_methods(GET_AND_POST)
def feedback(request: HttpRequest) -> HttpResponse:
    referer_path = request.GET.get("from", "")
    form = FeedbackForm(posted(request), initial={"page_url": referer_path})
    if form.is_valid():
        if not form.is_spam:
            data = form.cleaned_data
            try:
                services.enquiry_submit(
                    data={"email": data["email"], "question": data["feedback"], "page_url": data["page_url"]},
                    kind=Enquiry.Kind.FEEDBACK,
                )
            except services.EnquiryRateLimited as error:
                form.add_error(None, str(error))
                return render(request, "information/feedback_form.html", {"form": form})
        return redirect("information:feedback_sent")
    return render(request, "information/feedback_form.html", {"form": form})


@require_safe
def feedback_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "information/feedback_sent.html")


# --- The programme team's triage queue --------------------------------------------------------------------


@require_safe
@programme_team_required
def enquiry_queue(request: AuthenticatedRequest) -> HttpResponse:
    filterset = EnquiryFilter(request.GET or None, queryset=selectors.triage_queue(), request=request)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "pagination": paginate(request, filtered(filterset)),
        "counts": selectors.queue_counts(request.user),
        "working_days": _working_days(),
    }
    return render(request, "information/enquiry_queue.html", context)


@require_safe
@programme_team_required
def enquiry_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    attached = readiness.clean(enquiry.readiness_answers)
    context = {
        "enquiry": enquiry,
        "assign_form": AssignForm(initial={"assignee": enquiry.assigned_to_id}, staff=selectors.programme_team()),
        "readiness_result": readiness.result(attached) if readiness.is_complete(attached) else None,
    }
    return render(request, "information/enquiry_detail.html", context)


@require_POST
@programme_team_required
def enquiry_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    if request.POST.get("to_me"):
        assignee = request.user
    else:
        form = AssignForm(request.POST, staff=selectors.programme_team())
        if not form.is_valid():
            messages.error(request, "Choose someone from the programme team.")
            return redirect("information:enquiry_detail", pk=enquiry.pk)
        assignee = form.cleaned_data["assignee"]
    try:
        services.enquiry_assign(enquiry=enquiry, assignee=assignee, actor=request.user)
    except services.InformationError as error:
        messages.error(request, str(error))
    else:
        who = "you" if assignee == request.user else assignee.display_name if assignee else "nobody"
        messages.success(request, f"Enquiry {enquiry.reference} is now assigned to {who}.")
    return redirect("information:enquiry_detail", pk=enquiry.pk)


@require_http_methods(GET_AND_POST)
@programme_team_required
def enquiry_reply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    form = ReplyForm(posted(request))
    if form.is_valid():
        try:
            services.enquiry_reply(enquiry=enquiry, author=request.user, body=form.cleaned_data["body"])
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your reply to {enquiry.reference} has been emailed to {enquiry.email}.")
            return redirect("information:enquiry_detail", pk=enquiry.pk)
    return render(request, "information/enquiry_reply.html", {"enquiry": enquiry, "form": form})


@require_http_methods(GET_AND_POST)
@programme_team_required
def enquiry_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    form = CloseForm(posted(request))
    if form.is_valid():
        try:
            services.enquiry_close(enquiry=enquiry, actor=request.user, note=form.cleaned_data["note"])
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Enquiry {enquiry.reference} is closed.")
            return redirect("information:enquiry_queue")
    months = settings.ENQUIRY_RETENTION_MONTHS
    retention_text = f"{months} month{'s' if months != 1 else ''} after it is closed, with its replies."
    context = {"enquiry": enquiry, "form": form, "retention_text": retention_text}
    return render(request, "information/enquiry_close.html", context)


@require_POST
@programme_team_required
def enquiry_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    try:
        services.enquiry_reopen(enquiry=enquiry, actor=request.user)
    except services.InformationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Enquiry {enquiry.reference} is open again.")
    return redirect("information:enquiry_detail", pk=enquiry.pk)


@require_http_methods(GET_AND_POST)
@programme_team_required
def enquiry_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    form = InviteForm(posted(request), initial={"kind": request.GET.get("kind")})
    if form.is_valid():
        try:
            invitation = services.enquiry_invite(
                enquiry=enquiry,
                kind=form.cleaned_data["kind"],
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            what = invitation.get_kind_display().lower()
            messages.success(request, f"We have emailed {enquiry.email} an invitation to {what}.")
            return redirect("information:enquiry_detail", pk=enquiry.pk)
    return render(request, "information/enquiry_invite.html", {"enquiry": enquiry, "form": form})
