"""Pages for people and organisations: the dashboard, onboarding, mutuals, invitations, mentor profiles, the
directories, the programme team's vetting queue and lists, and the two JSON endpoints of the session time-out warning.

Views are thin: a form parses the input, one service or selector does the work. Role checks are decorators
(accounts/decorators.py); objects come from scoped selectors, so someone else's object is a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import DeactivateTOTPView
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters import FilterSet

from accounts import conduct, pipeline, selectors, services, two_factor
from accounts import dashboard as dashboard_sections
from accounts.adapters import MFAAdapter
from accounts.decorators import mutual_member_or_programme_team_required, programme_team_required
from accounts.filters import MentorFilter, MutualFilter
from accounts.forms import (
    InvitationForm,
    MentorPauseForm,
    MentorProfileForm,
    MutualForm,
    OnboardingForm,
    ServiceAreaForm,
    SupportTopicForm,
    VettingDecisionForm,
    YesNoForm,
)
from accounts.http import GET_AND_POST, AuthenticatedRequest
from accounts.http import posted as _posted
from accounts.models import MutualInvitation, ServiceArea, SupportTopic, TaxonomyTerm
from accounts.pagination import paginate
from accounts.roles import roles_of
from accounts.session_limits import does_not_extend_session, time_left
from accounts.views.claims import accept_claim_invitation


def _filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The filtered rows; none while the filters have errors (the error summary says which)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


# --- Dashboard and onboarding -------------------------------------------------------------------------------


@require_GET
@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    # The person's roles, read once: what they are not costs no query (a member without a mentor profile, say).
    roles = roles_of(user)
    mentor_profile = selectors.mentor_profile_of(user) if roles.mentor_status is not None else None
    context = {
        "mutuals": list(selectors.mutual_links_for(user)) if roles.has("member") else [],
        "mentor_profile": mentor_profile,
        # A mentor who has not accepted the current code of conduct cannot be introduced: say so, with the link.
        "must_accept_code": mentor_profile is not None and not conduct.conduct_accepted(user=user),
        "pending_vetting_count": selectors.vetting_queue().count() if user.is_programme_team else None,
        "sections": dashboard_sections.sections_for(user, roles),
        "roles": roles,
    }
    return render(request, "accounts/dashboard.html", context)


@require_http_methods(GET_AND_POST)
@login_required
def onboarding(request: AuthenticatedRequest) -> HttpResponse:
    mentor_profile = selectors.mentor_profile_of(request.user)
    form = OnboardingForm(_posted(request), has_mentor_profile=mentor_profile is not None)
    if form.is_valid():
        if form.cleaned_data["path"] == OnboardingForm.MENTOR:
            return redirect("accounts:mentor_profile_create")
        if form.cleaned_data["path"] == OnboardingForm.AMBASSADOR:
            return redirect("ambassadors:apply_start")
        return redirect("accounts:mutual_create")
    context = {"form": form, "mentor_profile": mentor_profile, "mutuals": list(selectors.mutuals_for(request.user))}
    return render(request, "accounts/onboarding.html", context)


# --- Mutuals ------------------------------------------------------------------------------------------------


@require_http_methods(GET_AND_POST)
@login_required
def mutual_create(request: AuthenticatedRequest) -> HttpResponse:
    form = MutualForm(_posted(request))
    if form.is_valid():
        try:
            mutual = services.mutual_create(user=request.user, data=form.cleaned_data)
        except services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"You have created the profile for {mutual.name}.")
            return redirect("accounts:mutual_detail", slug=mutual.slug)
    return render(request, "accounts/mutual_form.html", {"form": form, "mutual": None})


@require_GET
@login_required
def mutual_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    context = {
        "mutual": mutual,
        "memberships": list(selectors.members_of(mutual)),
        "has_mentor_profile": selectors.mentor_profile_of(request.user) is not None,
        "history": list(pipeline.stage_history_of(mutual)),
    }
    return render(request, "accounts/mutual_detail.html", context)


@require_http_methods(GET_AND_POST)
@login_required
def mutual_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    form = MutualForm(_posted(request), instance=mutual)
    if form.is_valid():
        mutual = services.mutual_update(mutual=mutual, data=form.cleaned_data, changed_by=request.user)
        messages.success(request, f"You have updated the profile for {mutual.name}.")
        return redirect("accounts:mutual_detail", slug=mutual.slug)
    return render(request, "accounts/mutual_form.html", {"form": form, "mutual": mutual})


@require_http_methods(GET_AND_POST)
@login_required
def mutual_members(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    form = InvitationForm(_posted(request))
    if form.is_valid():
        try:
            invitation = services.invitation_send(
                mutual=mutual, invited_by=request.user, email=form.cleaned_data["email"]
            )
        except services.AccountsError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"We have emailed an invitation to {invitation.email}.")
            return redirect("accounts:mutual_members", slug=mutual.slug)
    context = {
        "mutual": mutual,
        "memberships": list(selectors.members_of(mutual)),
        "invitations": list(selectors.invitations_waiting(mutual)),
        "form": form,
    }
    return render(request, "accounts/mutual_members.html", context)


@require_POST
@login_required
def invitation_revoke(request: AuthenticatedRequest, slug: str, invitation_id: int) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    invitation = selectors.invitation_of_mutual(mutual, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, revoked_by=request.user)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have withdrawn the invitation to {invitation.email}.")
    return redirect("accounts:mutual_members", slug=mutual.slug)


@require_http_methods(GET_AND_POST)
@login_required
def membership_leave(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    mutual = get_object_or_404(selectors.mutuals_for(request.user), slug=slug)
    form = YesNoForm(_posted(request), question=f"Are you sure you want to leave {mutual.name}?")
    if form.is_valid():
        if not form.confirmed:
            return redirect("accounts:mutual_detail", slug=mutual.slug)
        try:
            services.membership_leave(mutual=mutual, user=request.user)
        except services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"You have left {mutual.name}.")
            return redirect("accounts:dashboard")
    return render(request, "accounts/membership_leave.html", {"mutual": mutual, "form": form})


@require_http_methods(GET_AND_POST)
@login_required
def invitation_accept(request: AuthenticatedRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token)
    if invitation.kind == MutualInvitation.Kind.CLAIM:
        return accept_claim_invitation(request, invitation)
    problem = services.invitation_acceptance_problem(invitation=invitation, user=request.user)
    if request.method == "POST" and problem is None:
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except services.AccountsError as error:
            problem = str(error)
        else:
            messages.success(request, f"You are now a member of {membership.mutual.name}.")
            return redirect("accounts:mutual_detail", slug=membership.mutual.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "problem": problem})


@require_GET
def mutual_directory(request: HttpRequest) -> HttpResponse:
    filterset = MutualFilter(request.GET or None, queryset=selectors.mutual_directory(request.user), request=request)
    results = _filtered(filterset)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "pagination": paginate(request, results),
        "sees_everything": getattr(request.user, "is_programme_team", False),
    }
    return render(request, "accounts/mutual_directory.html", context)


# --- Mentor profiles ----------------------------------------------------------------------------------------


@require_GET
@login_required
def mentor_profile(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.mentor_profile_in_full_of(request.user)
    if profile is None:
        return redirect("accounts:mentor_profile_create")
    context = {
        "profile": profile,
        "has_mutual": selectors.is_mutual_member(request.user),
        "vetting_working_days": settings.VETTING_WORKING_DAYS,
    }
    return render(request, "accounts/mentor_profile_detail.html", context)


@require_http_methods(GET_AND_POST)
@login_required
def mentor_profile_create(request: AuthenticatedRequest) -> HttpResponse:
    if selectors.mentor_profile_of(request.user) is not None:
        messages.info(request, "You already have a mentor profile. You can change it here.")
        return redirect("accounts:mentor_profile")
    form = MentorProfileForm(_posted(request))
    if form.is_valid():
        try:
            services.mentor_profile_create(user=request.user, data=form.cleaned_data)
        except services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you for volunteering. The programme team will review your profile.")
            return redirect("accounts:mentor_profile")
    return render(request, "accounts/mentor_profile_form.html", {"form": form, "profile": None})


@require_http_methods(GET_AND_POST)
@login_required
def mentor_profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.own_mentor_profile(request.user)
    form = MentorProfileForm(_posted(request), instance=profile)
    if form.is_valid():
        try:
            profile = services.mentor_profile_update(profile=profile, data=form.cleaned_data)
        except services.AccountsError as error:
            form.add_error("capacity", str(error))
        else:
            messages.success(request, "You have updated your mentor profile.")
            return redirect("accounts:mentor_profile")
    return render(request, "accounts/mentor_profile_form.html", {"form": form, "profile": profile})


@require_http_methods(GET_AND_POST)
@login_required
def mentor_pause(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.own_mentor_profile(request.user)
    form = MentorPauseForm(_posted(request))
    if form.is_valid():
        try:
            profile = services.mentor_pause(profile=profile, until=form.cleaned_data["until"])
        except services.AccountsError as error:
            form.add_error("until", str(error))
        else:
            until = date_format(form.cleaned_data["until"], "j F Y")
            messages.success(request, f"You will get no new introductions until {until}.")
            return redirect("accounts:mentor_profile")
    return render(request, "accounts/mentor_profile_pause.html", {"form": form, "profile": profile})


@require_POST
@login_required
def mentor_resume(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.own_mentor_profile(request.user)
    try:
        services.mentor_resume(profile=profile)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You can be introduced to mutuals again.")
    return redirect("accounts:mentor_profile")


@require_GET
@mutual_member_or_programme_team_required
def mentor_directory(request: AuthenticatedRequest) -> HttpResponse:
    filterset = MentorFilter(request.GET or None, queryset=selectors.mentor_directory(request.user), request=request)
    pagination = paginate(request, _filtered(filterset))
    context = {
        "filter": filterset,
        "form": filterset.form,
        "pagination": pagination,
        "cards": selectors.mentor_cards(pagination.object_list),
    }
    return render(request, "accounts/mentor_directory.html", context)


@require_GET
@mutual_member_or_programme_team_required
def mentor_detail(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    profile = selectors.mentor_in_directory(request.user, profile_id)
    return render(request, "accounts/mentor_detail.html", {"profile": profile})


# --- Programme team: vetting --------------------------------------------------------------------------------


@require_GET
@programme_team_required
def vetting_queue(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "pagination": paginate(request, selectors.vetting_queue()),
        "recently_vetted": list(selectors.recently_vetted_mentors()),
    }
    return render(request, "accounts/vetting_queue.html", context)


@require_http_methods(GET_AND_POST)
@programme_team_required
def vetting_detail(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    profile = selectors.mentor_for_vetting(profile_id)
    form = VettingDecisionForm(_posted(request))
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == VettingDecisionForm.APPROVE:
                services.mentor_approve(profile=profile, approved_by=request.user, note=form.cleaned_data["reason"])
                outcome = "approved"
            else:
                services.mentor_reject(profile=profile, rejected_by=request.user, reason=form.cleaned_data["reason"])
                outcome = "not approved"
        except services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{profile} has been {outcome}. We are emailing them the decision.")
            return redirect("accounts:vetting_queue")
    return render(request, "accounts/vetting_detail.html", {"profile": profile, "form": form})


# --- Programme team: the lists of service areas and topics --------------------------------------------------

TAXONOMY_KINDS: dict[str, type[TaxonomyTerm]] = {"service-areas": ServiceArea, "topics": SupportTopic}


@require_GET
@programme_team_required
def taxonomy(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "service_areas": list(selectors.service_areas_for_staff()),
        "topics": list(selectors.topics_for_staff()),
    }
    return render(request, "accounts/taxonomy_list.html", context)


@require_http_methods(GET_AND_POST)
@programme_team_required
def service_area_add(request: AuthenticatedRequest) -> HttpResponse:
    form = ServiceAreaForm(_posted(request))
    if form.is_valid():
        try:
            area = services.service_area_add(name=form.cleaned_data["name"], added_by=request.user)
        except services.AccountsError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"You have added the service area {area.name}.")
            return redirect("accounts:taxonomy")
    return render(request, "accounts/taxonomy_term_form.html", {"form": form, "kind": "service area"})


@require_http_methods(GET_AND_POST)
@programme_team_required
def topic_add(request: AuthenticatedRequest) -> HttpResponse:
    form = SupportTopicForm(_posted(request))
    if form.is_valid():
        try:
            topic = services.topic_add(
                name=form.cleaned_data["name"], short_name=form.cleaned_data["short_name"], added_by=request.user
            )
        except services.AccountsError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"You have added the topic {topic.name}.")
            return redirect("accounts:taxonomy")
    return render(request, "accounts/taxonomy_term_form.html", {"form": form, "kind": "support topic"})


@require_POST
@programme_team_required
def taxonomy_set_active(request: AuthenticatedRequest, kind: str, term_id: int, active: bool) -> HttpResponse:
    model = TAXONOMY_KINDS.get(kind)
    if model is None:
        raise Http404("No such list")
    term = model._default_manager.filter(pk=term_id).first()
    if term is None:
        raise Http404("No such term")
    try:
        services.taxonomy_term_set_active(term=term, active=active, changed_by=request.user)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        verb = "offered again" if active else "withdrawn: it is no longer offered, and profiles that use it keep it"
        messages.success(request, f"{term.name} is {verb}.")
    return redirect("accounts:taxonomy")


# --- Session time-out warning (static/js/session-timeout.js) ------------------------------------------------


@require_GET
@does_not_extend_session
@never_cache
@login_required
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left. Asking is not activity: the idle limit is not restarted."""
    return JsonResponse(time_left(request.session, renewed=False).as_dict())


@require_POST
@never_cache
@login_required
def session_extend(request: HttpRequest) -> JsonResponse:
    """The "Stay signed in" button. It always restarts the idle limit (the middleware otherwise skips saving a
    session saved moments ago) and answers how long is left now."""
    request.session.modified = True
    return JsonResponse(time_left(request.session, renewed=True).as_dict())


# --- Two-factor authentication ------------------------------------------------------------------------------

_allauth_totp_deactivate = DeactivateTOTPView.as_view()


@login_required
def totp_deactivate(request: HttpRequest) -> HttpResponse:
    """allauth's "turn off the authenticator app", after proving the second factor again (not only the password,
    which is all an attacker with a stolen password would have). Programme staff and administrators are refused
    by accounts.adapters.MFAAdapter while they hold the role."""
    if two_factor.has_authenticator(request.user) and not two_factor.recently_proved_second_factor(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
    return _allauth_totp_deactivate(request)


_allauth_webauthn_remove = RemoveWebAuthnView.as_view()


@login_required
def webauthn_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """allauth's "remove a security key", with the same rules as turning the app off: the second factor proved again
    first, and programme staff and administrators keep at least one app or key while they hold the role."""
    keys = Authenticator.objects.filter(user=request.user)
    get_object_or_404(keys, pk=pk, type=Authenticator.Type.WEBAUTHN)
    if not two_factor.recently_proved_second_factor(request):
        code_kind = keys.filter(type=Authenticator.Type.TOTP).exists()
        page = "mfa_reauthenticate" if code_kind else "mfa_reauthenticate_webauthn"
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
    others = keys.exclude(pk=pk).exclude(type=Authenticator.Type.RECOVERY_CODES)
    if two_factor.is_privileged(request.user) and not others.exists():
        messages.error(request, MFAAdapter.error_messages["cannot_delete_authenticator"])
        return redirect("mfa_list_webauthn")
    return _allauth_webauthn_remove(request, pk=pk)
