"""A person's own data (the account area): what we hold, download it, delete the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts import personal_data as data
from accounts.forms import AccountDeleteForm
from accounts.http import GET_AND_POST, posted, user_of


@require_GET
@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/personal_data.html")


@require_GET
@login_required
def personal_data_download(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    exported = data.personal_data_export(user=user)
    audit.audit_event(actor=user, event="personal_data_export")
    response = HttpResponse(
        json.dumps(exported, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(GET_AND_POST)
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = AccountDeleteForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            data.account_delete(user=user)
        except data.AccountDeletionError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(request, "Your account and your personal data have been deleted.")
            return redirect("pages:home")
    return render(request, "accounts/account_delete.html", {"form": form})
