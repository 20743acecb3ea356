"""{% load second_factor %}: whether a person already has a second factor, for allauth's pages that do not say."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import two_factor

register = template.Library()


@register.filter
def has_second_factor(user: Any) -> bool:
    """An authenticator app or a security key (recovery codes alone do not count)."""
    return bool(getattr(user, "is_authenticated", False) and two_factor.has_authenticator(user))
