"""The dashboard routes each person; onboarding offers both ways in, one after the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import dashboard
from accounts.adapters import AccountAdapter
from accounts.models import MentorProfile, Mutual, User
from tests.accounts.helpers import assert_form_error, mutual_form_data
from tests.ambassadors.factories import AmbassadorFactory, ApplicationFactory
from tests.clients import ClientFor, signed_in_client
from tests.factories import MembershipFactory, MentorProfileFactory, MutualFactory, UserFactory

pytestmark = pytest.mark.django_db

# Session and user (2), the person's mutuals with their region and stage (1), mentor status (1), staff count
# (0-1), saving the session (3), the person's roles (1), whether they accepted the code of conduct (1), and the
# sections other apps add (matching's requests and introductions, messaging's unread count, ambassadors'
# applications, outcomes' surveys): a few each, but never one per row. 15 for a member who is also a mentor.
DASHBOARD_QUERY_BUDGET = 15


def dashboard_page(user: User) -> str:
    response = signed_in_client(user).get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


class TestDashboard:
    def test_a_member_sees_links_to_their_mutuals(self, member: User, mutual: Mutual) -> None:
        second = MembershipFactory(user=member, mutual__name="Second Mutual").mutual

        page = dashboard_page(member)

        assert reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}) in page
        assert reverse("accounts:mutual_detail", kwargs={"slug": second.slug}) in page
        assert "Get started" not in page

    def test_a_mentor_sees_their_vetting_status(self, mentor: User) -> None:
        page = dashboard_page(mentor)

        assert "Your mentor profile" in page
        assert "Approved" in page
        assert "Get started" not in page

    def test_a_rejected_mentor_sees_the_reason(self, outsider: User) -> None:
        MentorProfileFactory(
            user=outsider, status=MentorProfile.Status.REJECTED, status_reason="Please add your experience."
        )

        page = dashboard_page(outsider)

        assert "Not approved" in page
        assert "Please add your experience." in page

    def test_a_pending_mentor_is_told_to_wait(self, outsider: User) -> None:
        MentorProfileFactory(user=outsider, status=MentorProfile.Status.PENDING)

        assert "Waiting for vetting" in dashboard_page(outsider)

    def test_someone_with_no_role_is_prompted_to_onboard(self, outsider: User) -> None:
        page = dashboard_page(outsider)

        assert "Get started" in page
        assert reverse("accounts:onboarding") in page

    def test_staff_see_the_queue_with_its_count(self, staff: User) -> None:
        MentorProfileFactory.create_batch(3, status=MentorProfile.Status.PENDING)

        page = dashboard_page(staff)

        assert reverse("accounts:vetting_queue") in page
        assert "3 mentors waiting for vetting" in page
        assert reverse("accounts:taxonomy") in page
        assert "Get started" not in page

    def test_others_do_not_see_the_staff_links(self, member: User) -> None:
        page = dashboard_page(member)

        assert reverse("accounts:vetting_queue") not in page
        assert reverse("accounts:taxonomy") not in page

    def test_anonymous_visitors_are_sent_to_sign_in(self, db: None) -> None:
        response = Client().get(reverse("accounts:dashboard"))

        assert response.status_code == 302
        assert "/account/login/" in response["Location"]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_query_budget(self, rows: int, django_assert_max_num_queries, client_for: ClientFor) -> None:  # type: ignore[no-untyped-def]
        person = UserFactory()
        for _ in range(rows):
            MembershipFactory(user=person, mutual=MutualFactory())
        MentorProfileFactory(user=person)
        client = client_for(person)

        with django_assert_max_num_queries(DASHBOARD_QUERY_BUDGET):
            response = client.get(reverse("accounts:dashboard"))

        assert response.content.decode().count('href="/mutuals/riverside-care-mutual-') == rows


class TestDashboardSections:
    @pytest.fixture
    def registered(self, settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
        # A template only this test knows, served from memory ahead of the project's own templates.
        engine = settings.TEMPLATES[0]
        settings.TEMPLATES = [
            {
                **engine,
                "APP_DIRS": False,
                "OPTIONS": {
                    **engine["OPTIONS"],
                    "loaders": [
                        (
                            "django.template.loaders.locmem.Loader",
                            {"tests/section.html": "<h2>{{ section.title }}</h2>"},
                        ),
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                },
            }
        ]
        dashboard.register_section(
            dashboard.DashboardSection(
                key="tests-relationships",
                template_name="tests/section.html",
                context=lambda user, roles: {"title": f"Relationships of {user.display_name}"},
            )
        )
        yield
        dashboard._sections.pop("tests-relationships")

    def test_a_registered_section_is_rendered_with_its_context(self, member: User, registered: None) -> None:
        assert "<h2>Relationships of Alice Member</h2>" in dashboard_page(member)

    def test_registering_the_same_key_again_replaces_the_section(self, member: User, registered: None) -> None:
        dashboard.register_section(
            dashboard.DashboardSection(
                key="tests-relationships",
                template_name="tests/section.html",
                context=lambda user, roles: {"title": "Again"},
            )
        )

        page = dashboard_page(member)

        assert page.count("<h2>Again</h2>") == 1
        assert "Relationships of" not in page


class TestOnboarding:
    def test_both_paths_are_offered_to_someone_new(self, outsider: User, client_for: ClientFor) -> None:
        page = client_for(outsider).get(reverse("accounts:onboarding")).content.decode()

        assert "I represent a mutual" in page
        assert "I want to volunteer as a mentor" in page
        assert "invite you" in page  # joining an existing mutual is by invitation only, and the page says so

    def test_the_mutual_path_leads_to_creating_one(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:onboarding"), {"path": "mutual"})

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mutual_create")

    def test_the_mentor_path_leads_to_volunteering(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:onboarding"), {"path": "mentor"})

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mentor_profile_create")

    def test_a_mentor_is_offered_the_mutual_path_only(self, mentor: User, client_for: ClientFor) -> None:
        client = client_for(mentor)
        page = client.get(reverse("accounts:onboarding")).content.decode()

        assert "I represent a mutual" in page
        assert "I want to volunteer as a mentor" not in page
        assert_form_error(
            client.post(reverse("accounts:onboarding"), {"path": "mentor"}),
            "Select an answer to “What would you like to do?” from the list",
        )

    def test_a_member_is_offered_to_volunteer_too(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        page = client_for(member).get(reverse("accounts:onboarding")).content.decode()

        assert "I want to volunteer as a mentor" in page
        assert mutual.name in page

    @pytest.mark.parametrize("data", [{}, {"path": ""}, {"path": "spectator"}])
    def test_no_choice_is_an_error(self, outsider: User, data: dict[str, str], client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:onboarding"), data)

        assert_form_error(response)

    def test_after_creating_a_mutual_the_mentor_path_is_offered(self, outsider: User, client_for: ClientFor) -> None:
        client = client_for(outsider)
        response = client.post(reverse("accounts:mutual_create"), mutual_form_data(), follow=True)

        assert "Volunteer as a mentor" in response.content.decode()

    def test_signing_in_without_a_role_lands_on_onboarding(self, db: None) -> None:
        UserFactory(email="newcomer@example.org")

        response = Client().post(
            reverse("account_login"), {"login": "newcomer@example.org", "password": "correct-horse-battery-staple"}
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:onboarding")


class TestAmbassadorsPath:
    """Issue 17, finding 2: the ambassador path is a way in like the others."""

    def test_onboarding_offers_becoming_an_ambassador(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:onboarding"), {"path": "ambassador"})
        assert response["Location"] == reverse("ambassadors:apply_start")

    def test_an_applicant_follows_their_application_from_the_dashboard(self) -> None:
        application = ApplicationFactory()

        page = dashboard_page(application.applicant)

        assert "You have not told us how you want to take part yet" not in page
        assert "Your ambassador application" in page
        assert reverse("ambassadors:application_detail", kwargs={"pk": application.pk}) in page

    def test_an_ambassador_reaches_their_profile_and_invitations_and_is_not_asked_to_apply(
        self, client_for: ClientFor
    ) -> None:
        ambassador = AmbassadorFactory()

        page = dashboard_page(ambassador.user)

        assert "You have not told us how you want to take part yet" not in page
        assert "Your ambassador work" in page
        assert reverse("ambassadors:profile_edit") in page and reverse("ambassadors:invitation_list") in page
        directory = client_for(ambassador.user).get(reverse("ambassadors:directory")).content.decode()
        assert "Become an ambassador" not in directory
        assert "Nominate someone to be an ambassador" in directory
        apply_page = client_for(ambassador.user).get(reverse("ambassadors:apply_start")).content.decode()
        assert "Nominate an ambassador" in apply_page and ">Apply<" not in apply_page

    def test_a_person_who_only_applied_is_not_sent_to_onboarding_when_signing_in(self) -> None:
        application = ApplicationFactory()
        request = RequestFactory().get("/")
        request.user = application.applicant
        request.session = {}  # type: ignore[assignment]
        assert AccountAdapter().get_login_redirect_url(request) == reverse("accounts:dashboard")
