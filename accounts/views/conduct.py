"""The mentors' code of conduct (public, so mutual members and would-be mentors can read it), the page where a
mentor accepts the current version, and the mentor handbook."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from accounts import conduct, selectors
from accounts.form_messages import GovukForm
from accounts.http import posted as _posted
from accounts.http import user_of as _user


class AcceptForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have read the code of conduct and I will keep to it",
        error_messages={"required": "Confirm that you have read the code of conduct and will keep to it"},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_GET
def code_of_conduct(request: HttpRequest) -> HttpResponse:
    code = conduct.current_code()
    context: dict[str, object] = {"code": code, "is_mentor": False}
    if request.user.is_authenticated:
        user = _user(request)
        context["is_mentor"] = selectors.mentor_profile_of(user) is not None
        context["acceptance"] = conduct.acceptance_of(user)
        context["is_member"] = selectors.is_mutual_member(user)
    return render(request, "accounts/code_of_conduct.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def code_of_conduct_accept(request: HttpRequest) -> HttpResponse:
    """Mentors only: read the current version and accept it (recorded: who, which version, when)."""
    user = _user(request)
    code = conduct.current_code()
    if selectors.mentor_profile_of(user) is None or code is None:
        raise Http404("Only mentors accept the code of conduct.")
    acceptance = conduct.acceptance_of(user)
    form = AcceptForm(_posted(request))
    if request.method == "POST" and acceptance is None and form.is_valid():
        conduct.conduct_accept(user=user, code=code)
        messages.success(request, f"You accepted version {code.version} of the code of conduct. Thank you.")
        return redirect(_next_url(request) or "accounts:code_of_conduct")
    context = {"code": code, "form": form, "acceptance": acceptance, "next": _next_url(request)}
    return render(request, "accounts/code_of_conduct_accept.html", context)


@require_GET
def mentor_handbook(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/mentor_handbook.html", {"code": conduct.current_code()})
