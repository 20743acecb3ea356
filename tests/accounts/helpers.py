"""Small assertions shared by the accounts tests."""

from __future__ import annotations

from django.http import HttpResponse

ERROR_SUMMARY = 'class="govuk-error-summary"'
HOSTILE_TEXT = '<script>alert("x")</script> Ünïcödé “quotes” 日本語 ' + "x" * 50


def assert_form_error(response: HttpResponse, *messages: str) -> None:
    """The form came back (200) with the GOV.UK error summary, the 'Error:' title prefix and each message."""
    assert response.status_code == 200
    content = response.content.decode()
    assert ERROR_SUMMARY in content
    assert "<title>Error: " in content
    for message in messages:
        assert message in content, f"{message!r} not on the page"


def assert_escaped(response: HttpResponse) -> None:
    """HOSTILE_TEXT is shown as text: its markup escaped, never as a live script element."""
    content = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert '<script>alert("x")</script>' not in content
