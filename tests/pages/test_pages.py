"""The public pages: home routes each audience, about, accessibility, privacy, cookies, and the 404 and 500 pages."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import SupportTopic, User
from tests.markup import assert_well_formed_page

pytestmark = pytest.mark.django_db

PAGES = [
    ("pages:home", "Set up and grow a public service mutual", "Mentoring and ambassadors for public service mutuals"),
    ("pages:about", "About public service mutuals", None),
    ("pages:accessibility", f"Accessibility statement for {settings.SITE_NAME}", "Accessibility statement"),
    ("pages:privacy", "Privacy notice", None),
    ("pages:cookies", "Cookies", None),
    ("pages:contact", "Contact us", None),
]


@pytest.mark.parametrize(("url_name", "h1", "title"), PAGES)
@pytest.mark.parametrize("persona", ["anonymous", "outsider", "staff"])
def test_public_pages_render_for_everyone(
    persona_client, url_name: str, h1: str, title: str | None, persona: str
) -> None:  # type: ignore[no-untyped-def]
    response = persona_client(persona).get(reverse(url_name))
    assert response.status_code == 200
    page = assert_well_formed_page(response.content)
    assert page.h1s == [h1]
    assert page.title == f"{title or h1} \N{EN DASH} {settings.SITE_NAME}"


class TestHome:
    def test_signed_out_visitors_are_led_to_the_three_things_they_come_for(self, client: Client) -> None:
        html = client.get(reverse("pages:home")).content.decode()
        # The first three headings are the three reasons to visit, each a link to where it starts.
        headings = html.split('<h2 class="govuk-heading-m">')[1:4]
        assert [heading.split(">", 1)[1].split("<", 1)[0] for heading in headings] == [
            "Learn how to set up a mutual",
            "Get a mentor",
            "Become a mentor or ambassador",
        ]
        assert f'href="{reverse("information:guide")}"' in headings[0]
        assert f'href="{reverse("account_signup")}"' in headings[1]
        for url in (
            reverse("information:readiness_start"),
            reverse("information:enquiry_create"),
            reverse("account_login"),
            reverse("ambassadors:directory"),
            reverse("ambassadors:apply_start"),
        ):
            assert f'href="{url}"' in html
        assert "Go to your dashboard" not in html

    def test_signed_in_people_are_sent_to_their_dashboard(self, client: Client, member: User) -> None:
        client.force_login(member)
        html = client.get(reverse("pages:home")).content.decode()
        assert "Go to your dashboard" in html
        assert f'href="{reverse("accounts:dashboard")}"' in html
        assert f'href="{reverse("account_signup")}"' not in html
        assert "Go to the programme team pages" not in html

    def test_programme_staff_get_a_link_to_their_pages(self, client: Client, staff: User) -> None:
        client.force_login(staff)
        html = client.get(reverse("pages:home")).content.decode()
        assert f'href="{reverse("programme:dashboard")}"' in html
        assert f'href="{reverse("information:enquiry_queue")}"' in html


class TestAbout:
    def test_lists_the_active_support_topics_from_the_taxonomy(self, client: Client) -> None:
        withdrawn = SupportTopic.objects.get(slug="tax")
        withdrawn.is_active = False
        withdrawn.save()
        SupportTopic.objects.create(name="Digital services", slug="digital-services")
        html = client.get(reverse("pages:about")).content.decode()
        assert "<li>TUPE and employment</li>" in html
        assert "<li>Digital services</li>" in html
        assert "<li>Tax</li>" not in html

    def test_explains_what_a_mutual_is_and_points_to_the_guide(self, client: Client) -> None:
        html = client.get(reverse("pages:about")).content.decode()
        assert "high degree of control by its employees" in html
        assert f'href="{reverse("information:guide")}"' in html
        assert "ambassadors programme" in html


class TestAccessibilityStatement:
    def test_has_the_statutory_sections(self, client: Client) -> None:
        html = client.get(reverse("pages:accessibility")).content.decode()
        for phrase in (
            "Web Content Accessibility Guidelines version 2.2",
            "partially compliant",
            "axe-core",
            "headless Chromium",
            "Reporting accessibility problems",
            "Equality and Human Rights Commission",
            "Equality Advisory and Support Service",
            "2.2.1",
            f"mailto:{settings.SUPPORT_EMAIL}",
        ):
            assert phrase in html, phrase

    def test_describes_the_session_limits_and_warnings_as_they_are_set(self, client: Client) -> None:
        # The statement's figures are written out: this fails if the settings move away from them.
        html = client.get(reverse("pages:accessibility")).content.decode()
        idle_minutes = settings.SESSION_COOKIE_AGE // 60
        absolute_hours = int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds() // 3600)
        warning_minutes = settings.SESSION_WARNING_SECONDS // 60
        assert f"after {idle_minutes} minutes without activity" in html
        assert f"{warning_minutes} minutes before you would be signed out for inactivity" in html
        assert "you can choose to stay signed in, as many times as you need" in html
        assert f"The {absolute_hours}-hour limit cannot be extended" in html
        assert "without a warning" not in html


class TestPrivacyNotice:
    def test_covers_what_we_hold_basis_retention_rights_and_self_service(self, client: Client) -> None:
        html = client.get(reverse("pages:privacy")).content.decode()
        for phrase in ("What we hold", "lawful basis", "How long we keep it", "Your rights", "ico.org.uk"):
            assert phrase in html, phrase
        assert f'href="{reverse("accounts:personal_data")}"' in html
        assert f'href="{reverse("accounts:account_delete")}"' in html


class TestCookies:
    def test_lists_the_session_limits_from_settings(self, client: Client) -> None:
        html = client.get(reverse("pages:cookies")).content.decode()
        assert "60 minutes after your last activity, and 12 hours after you sign in at the latest" in html
        assert '<td class="govuk-table__cell">sessionid</td>' in html
        assert '<td class="govuk-table__cell">csrftoken</td>' in html

    def test_follows_the_settings_if_they_change(self, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
        settings.SESSION_COOKIE_AGE = 30 * 60
        settings.CSRF_COOKIE_AGE = None
        html = client.get(reverse("pages:cookies")).content.decode()
        assert "30 minutes after your last activity" in html
        assert "When you close your browser" in html

    def test_every_cookie_the_service_sets_is_listed(self, client: Client, outsider: User) -> None:
        from tests.accounts.auth_helpers import PASSWORD

        client.get(reverse("account_login"))
        client.post(reverse("account_login"), {"login": outsider.email, "password": PASSWORD}, follow=True)
        client.post(reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": "x"})
        set_by_us = set(client.cookies.keys())
        assert {"sessionid", "csrftoken"} <= set_by_us
        html = client.get(reverse("pages:cookies")).content.decode()
        for name in set_by_us:
            assert f'<td class="govuk-table__cell">{name}</td>' in html, f"cookie {name} is not on the cookies page"


class TestErrorPages:
    def test_404_is_a_govuk_page(self, client: Client) -> None:
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = assert_well_formed_page(response.content)
        assert page.h1s == ["Page not found"]

    def test_500_is_a_styled_govuk_page(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.ROOT_URLCONF = "tests.pages.broken_site"
        response = Client(raise_request_exception=False).get("/broken/")
        assert response.status_code == 500
        page = assert_well_formed_page(response.content)
        assert page.h1s == ["Sorry, there is a problem with the service"]
        html = response.content.decode()
        assert f'<link rel="stylesheet" href="{settings.STATIC_URL}dist/css/app.css">' in html
        assert "something went wrong deep inside" not in html

    def test_500_renders_when_a_context_processor_is_what_failed(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.ROOT_URLCONF = "tests.pages.broken_site"
        engine = settings.TEMPLATES[0]
        processors = [*engine["OPTIONS"]["context_processors"], "tests.pages.broken_site.broken_context_processor"]
        settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}]
        response = Client(raise_request_exception=False).get(reverse("pages:home"))
        assert response.status_code == 500
        assert b"Sorry, there is a problem with the service" in response.content

    def test_500_falls_back_to_plain_text_if_its_own_template_fails(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.ROOT_URLCONF = "tests.pages.broken_site"
        with mock.patch("pages.views.loader.get_template", side_effect=OSError("template storage gone")):
            response = Client(raise_request_exception=False).get("/broken/")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/plain")
        assert b"Sorry, there is a problem with the service" in response.content
