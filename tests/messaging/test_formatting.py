"""Message bodies as HTML: escaped, line breaks kept, only http(s) addresses linked, never with extra markup."""

from __future__ import annotations

from messaging.formatting import message_html


def test_text_is_escaped() -> None:
    assert message_html("<b>bold</b> & 'quotes' \"too\"") == (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quotes&#x27; &quot;too&quot;"
    )


def test_line_breaks_are_kept() -> None:
    assert message_html("one\ntwo\r\nthree") == "one<br>two<br>three"


def test_http_and_https_addresses_become_links_with_rel_nofollow_noopener() -> None:
    html = message_html("See https://example.org/path?a=1&b=2 and http://example.com")
    assert (
        '<a href="https://example.org/path?a=1&amp;b=2" class="govuk-link" rel="nofollow noopener noreferrer">'
        "https://example.org/path?a=1&amp;b=2</a>" in html
    )
    assert '<a href="http://example.com" class="govuk-link" rel="nofollow noopener noreferrer">' in html


def test_trailing_punctuation_stays_outside_the_link() -> None:
    html = message_html("Read https://example.org/guide. Then (https://example.org/faq), ok?")
    assert 'href="https://example.org/guide"' in html
    assert "</a>. Then (" in html
    assert 'href="https://example.org/faq"' in html
    assert "</a>), ok?" in html


def test_brackets_that_belong_to_the_address_are_kept() -> None:
    html = message_html("https://en.wikipedia.org/wiki/Mutual_(organization)")
    assert 'href="https://en.wikipedia.org/wiki/Mutual_(organization)"' in html


def test_other_schemes_are_never_linked() -> None:
    for text in ("javascript:alert(1)", "data:text/html,hi", "ftp://example.org", "www.example.org", "mailto:a@b.c"):
        assert "<a " not in message_html(text), text


def test_a_link_cannot_break_out_of_its_attribute() -> None:
    html = message_html('https://example.org/"onmouseover="alert(1)')
    assert 'href="https://example.org/"' in html
    assert "onmouseover=&quot;" in html


def test_bidirectional_overrides_end_a_link() -> None:
    html = message_html("https://example.org/\u202egpj.exe")
    assert 'href="https://example.org/"' in html
    assert "\u202egpj.exe" in html.split("</a>", 1)[1]


def test_empty_text() -> None:
    assert message_html("") == ""
