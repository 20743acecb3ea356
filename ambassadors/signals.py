"""Tells a person who signs in that they have been nominated as an ambassador."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest

from ambassadors.selectors import nominations_received_by


@receiver(user_logged_in)
def tell_nominee_on_sign_in(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    count = nominations_received_by(user).count()
    if count:
        messages.info(
            request,
            "You have been nominated as an ambassador. Go to Ambassadors, then 'Your applications and "
            "nominations', to complete your application.",
        )
