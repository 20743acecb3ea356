"""A person's notices and email preferences (the account area), and the one-click unsubscribe link from emails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import EmailPreferencesForm
from accounts.http import GET_AND_POST, posted, user_of
from accounts.pagination import paginate
from notifications import rendering, selectors, services
from notifications.models import Category


@require_GET
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, selectors.notices_for(user_of(request)))
    pagination.page.object_list = rendering.with_texts(pagination.page.object_list)
    return render(request, "accounts/notice_list.html", {"pagination": pagination})


@require_POST
@login_required
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = services.notice_mark_read(notice=get_object_or_404(selectors.notices_for(user_of(request)), pk=pk))
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("accounts:notice_list")


@require_POST
@login_required
def notice_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notices_mark_all_read(user=user_of(request))
    messages.success(request, f"Marked {count} notice{'s' if count != 1 else ''} as read.")
    return redirect("accounts:notice_list")


@require_http_methods(GET_AND_POST)
@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    current = services.preferences_for(user)
    initial = {"wanted": [category for category in Category.optional() if current.wants(category)]}
    form = EmailPreferencesForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=user, wanted=form.cleaned_data["wanted"])
        messages.success(request, "Your email choices have been saved.")
        return redirect("accounts:email_preferences")
    return render(request, "accounts/email_preferences.html", {"form": form})


# Mail clients send the one-click unsubscribe (RFC 8058) as a POST without a CSRF token; the signed token in the
# link is what authorises it, and it can only switch emails off. A GET only shows the page with its button.
@csrf_exempt
@require_http_methods(GET_AND_POST)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, category = rendering.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=404)
    label = Category(category).label
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except services.UnsubscribeError as error:
            return render(request, "accounts/unsubscribe.html", {"invalid": True, "error": str(error)}, status=404)
        return render(request, "accounts/unsubscribe.html", {"done": True, "label": label})
    return render(request, "accounts/unsubscribe.html", {"label": label, "user_id": user_id})
