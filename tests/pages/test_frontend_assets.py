"""GOV.UK Frontend as a service that is not on GOV.UK: Arial not GDS Transport, no crown or crest, our own icons,
the Generic header, and assets served by whitenoise."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import skip_or_fail
from tests.markup import read

BASE_DIR = Path(settings.BASE_DIR)
COMPILED_CSS = BASE_DIR / "static" / "dist" / "css" / "app.css"
GOVUK_IMAGES = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets" / "images"
# What GOV.UK-only branding looks like in markup, class names and file names.
FORBIDDEN_IN_TEMPLATES = re.compile(
    r"govuk-crest|govuk-crown|govuk-logo|govuk-header__logotype|govuk-footer__copyright-logo|govuk-footer__crown"
    r"|govuk-icon|govuk-opengraph|GDS Transport|gds-transport|favicon\.ico",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def compiled_css() -> str:
    if not COMPILED_CSS.exists():
        skip_or_fail("static/dist/css/app.css is not built: run `npm run build`")
    return COMPILED_CSS.read_text()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_compiled_css_uses_arial_and_never_gds_transport(compiled_css: str) -> None:
    assert "GDS Transport" not in compiled_css
    assert "gds-transport" not in compiled_css.lower()
    assert "font-family:arial,helvetica,sans-serif" in compiled_css
    assert "@font-face" not in compiled_css, "no web fonts: GOV.UK Frontend's default font face is switched off"


def test_compiled_css_names_no_crest_or_crown_image(compiled_css: str) -> None:
    urls = re.findall(r"url\(([^)]*)\)", compiled_css)
    assert not [url for url in urls if re.search(r"crest|crown|govuk-icon|govuk-logo", url, re.IGNORECASE)], urls


def test_compiled_css_styles_our_components(compiled_css: str) -> None:
    assert ".app-link-button" in compiled_css
    assert ".govuk-generic-header" in compiled_css
    assert ".govuk-service-navigation" in compiled_css


def test_no_template_references_a_crown_or_crest_asset() -> None:
    offenders = []
    for template in sorted((BASE_DIR / "templates").rglob("*")):
        if template.is_file():
            for number, line in enumerate(template.read_text().splitlines(), start=1):
                if FORBIDDEN_IN_TEMPLATES.search(line):
                    offenders.append(f"{template.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert not offenders, "GOV.UK-only branding in templates:\n" + "\n".join(offenders)


def test_no_govuk_branding_is_shipped_in_static_files() -> None:
    shipped = [path for path in (BASE_DIR / "static").rglob("*") if path.is_file()]
    names = [path.name for path in shipped]
    assert not [name for name in names if re.search(r"crest|crown|govuk-icon|govuk-opengraph", name)], names
    if GOVUK_IMAGES.exists():
        govuk_digests = {digest(path) for path in GOVUK_IMAGES.iterdir() if path.is_file()}
        copied = [str(path) for path in shipped if digest(path) in govuk_digests]
        assert not copied, f"GOV.UK's own images copied into static/: {copied}"


def test_our_icons_are_our_own() -> None:
    favicon = BASE_DIR / "static" / "images" / "favicon.svg"
    touch_icon = BASE_DIR / "static" / "images" / "apple-touch-icon.png"
    assert favicon.read_text().startswith("<svg")
    assert touch_icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if GOVUK_IMAGES.exists():
        assert digest(favicon) != digest(GOVUK_IMAGES / "favicon.svg")
        assert digest(touch_icon) != digest(GOVUK_IMAGES / "govuk-icon-180.png")


@pytest.mark.django_db
class TestLayout:
    def test_head_links_our_favicon_and_touch_icon(self, client: Client) -> None:
        html = client.get(reverse("pages:home")).content.decode()
        assert f'<link rel="icon" href="{settings.STATIC_URL}images/favicon.svg" type="image/svg+xml">' in html
        assert f'<link rel="apple-touch-icon" href="{settings.STATIC_URL}images/apple-touch-icon.png">' in html

    def test_generic_header_and_service_navigation_in_one_header_landmark(self, client: Client) -> None:
        html = client.get(reverse("pages:home")).content.decode()
        assert html.count("<header") == 1
        header = html.split("<header", 1)[1].split("</header>", 1)[0]
        assert 'class="govuk-generic-header"' in header
        assert 'class="govuk-generic-header__homepage-link"' in header
        assert 'class="govuk-service-navigation"' in header
        assert "govuk-header__" not in html, "the GOV.UK (crown) header is for GOV.UK services only"

    def test_sign_out_is_a_post_button_styled_as_a_link(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        html = client.get(reverse("pages:home")).content.decode()
        # In the account links, apart from the service's links.
        navigation = html.split('<nav aria-label="Your account"', 1)[1].split("</nav>", 1)[0]
        assert f'<form method="post" action="{reverse("account_logout")}">' in navigation
        assert 'name="csrfmiddlewaretoken"' in navigation
        assert '<button type="submit" class="app-link-button app-account-nav__link">Sign out</button>' in navigation
        assert read(html).forms_without_csrf == 0

    def test_whitenoise_serves_the_assets(self) -> None:
        assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
        # Right after SecurityMiddleware, so static files skip sessions, CSRF and the rest.
        # (Only the request id, which every log line needs, comes earlier.)
        middleware = settings.MIDDLEWARE
        security = middleware.index("django.middleware.security.SecurityMiddleware")
        assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == security + 1
        assert middleware[:security] == ["config.request_id.RequestIdMiddleware"]

    def test_whitenoise_serves_our_favicon(self, settings) -> None:  # type: ignore[no-untyped-def]
        # Tests have no collectstatic output; let whitenoise find files as it does in development.
        settings.WHITENOISE_USE_FINDERS = True
        response = Client().get(f"{settings.STATIC_URL}images/favicon.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert b"".join(response.streaming_content).startswith(b"<svg")
