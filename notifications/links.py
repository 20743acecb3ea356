"""Absolute links for emails, built in one place from SITE_URL.

`make run` sets SITE_URL to the address it serves (http://127.0.0.1:$PORT), so emailed links open locally on any
port; in production SITE_URL is the public address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """ "/relationships/4/" -> "https://service.example/relationships/4/". An absolute URL is returned as it is."""
    if not path or "://" in path:
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def absolute_reverse(view_name: str, **kwargs: Any) -> str:
    return absolute(reverse(view_name, kwargs=kwargs or None))


def on_site(url: str) -> str:
    """A link to this service moved onto SITE_URL: django-allauth builds its links from the host of the request that
    caused the email, so its emails are re-based here, like every other email's links."""
    parts = urlsplit(url)
    return absolute(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
