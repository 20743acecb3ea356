"""The mentor and mutual directories: who sees what, the filters, pagination and a fixed query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from tests.clients import ClientFor, signed_in_client
from tests.factories import MentorProfileFactory, MutualFactory, region, service_area, stage, topic

pytestmark = pytest.mark.django_db

# Queries for a directory page whatever the number of rows: session and user (2), role checks (2), the filter
# form's choice lists and the validation of a chosen one (5), count and rows (2), one prefetch per many-to-many
# shown (3), saving the session (3), and a little room for the header's counts from other apps.
DIRECTORY_QUERY_BUDGET = 20
# The mentor directory reads its cards' support topics and service areas as names, one query each, and not the
# stages it does not show: 17 with a cold taxonomy cache, as in these tests.
MENTOR_DIRECTORY_QUERY_BUDGET = 17


def names_on(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def make_mentors(count: int) -> list[MentorProfile]:
    mentors = []
    for number in range(count):
        profile = MentorProfileFactory(
            user__full_name=f"Directory Mentor {number:03d}",
            topics=[topic("pensions"), topic("tax")],
            service_areas=[service_area("probation"), service_area("social-work")],
        )
        profile.stages.set([stage("exploring"), stage("established")])
        mentors.append(profile)
    return mentors


def make_mutuals(count: int, start: int = 0) -> list[Mutual]:
    return [
        MutualFactory(
            name=f"Listed Mutual {start + number:03d}",
            listed_publicly=True,
            service_areas=[service_area("probation"), service_area("youth-services")],
        )
        for number in range(count)
    ]


class TestMentorDirectoryAccess:
    def test_members_see_approved_mentors_only(
        self, member: User, mentor_profile: MentorProfile, client_for: ClientFor
    ) -> None:
        MentorProfileFactory(user__full_name="Pending Person", status=MentorProfile.Status.PENDING)
        MentorProfileFactory(user__full_name="Rejected Person", status=MentorProfile.Status.REJECTED)

        page = names_on(client_for(member).get(reverse("accounts:mentor_directory")))

        assert "Bob Mentor" in page
        assert "Pending Person" not in page
        assert "Rejected Person" not in page
        assert "1 mentor" in page

    def test_staff_see_the_directory(self, staff: User, mentor_profile: MentorProfile, client_for: ClientFor) -> None:
        assert "Bob Mentor" in names_on(client_for(staff).get(reverse("accounts:mentor_directory")))

    @pytest.mark.parametrize("persona", ["mentor", "ambassador", "outsider"])
    def test_people_without_a_mutual_get_an_explanation_not_mentors(
        self, persona_client, mentor_profile: MentorProfile, persona: str
    ) -> None:  # type: ignore[no-untyped-def]
        client = persona_client(persona)

        listing = client.get(reverse("accounts:mentor_directory"))
        detail = client.get(reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}))

        for response in (listing, detail):
            assert response.status_code == 403
            assert "You cannot see mentors yet" in names_on(response)
            assert mentor_profile.headline not in names_on(response)

    def test_anonymous_visitors_are_sent_to_sign_in(self, mentor_profile: MentorProfile) -> None:
        response = Client().get(reverse("accounts:mentor_directory"))

        assert response.status_code == 302
        assert "/account/login/" in response["Location"]

    def test_a_pending_mentors_page_is_404_like_a_missing_one(self, member: User, client_for: ClientFor) -> None:
        pending = MentorProfileFactory(status=MentorProfile.Status.PENDING)
        client = client_for(member)

        assert client.get(reverse("accounts:mentor_detail", kwargs={"profile_id": pending.pk})).status_code == 404
        assert client.get(reverse("accounts:mentor_detail", kwargs={"profile_id": 999999})).status_code == 404

    def test_the_public_page_of_a_mentor_hides_private_details(
        self, member: User, mentor_profile: MentorProfile, other_mutual: Mutual, client_for: ClientFor
    ) -> None:
        mentor_profile.conflicts.set([other_mutual])
        MentorProfile.objects.filter(pk=mentor_profile.pk).update(conflicts_note="Sister runs Hillside")

        page = names_on(
            client_for(member).get(reverse("accounts:mentor_detail", kwargs={"profile_id": mentor_profile.pk}))
        )

        assert mentor_profile.headline in page
        assert "Hillside Fire Mutual" not in page
        assert "Sister runs Hillside" not in page
        assert "bob@example.org" not in page


class TestMentorFilters:
    @pytest.fixture
    def mentors(self, db: None) -> dict[str, MentorProfile]:
        return {
            "pensions_london": MentorProfileFactory(
                user__full_name="Penny Pensions",
                headline="Pensions adviser",
                region=region("london"),
                topics=[topic("pensions")],
                service_areas=[service_area("adult-social-care")],
            ),
            "tax_north": MentorProfileFactory(
                user__full_name="Terry Tax",
                headline="Tax partner",
                organisation="Northern Accountants LLP",
                region=region("north-east"),
                topics=[topic("tax")],
                service_areas=[service_area("fire-and-rescue")],
            ),
            "paused": MentorProfileFactory(
                user__full_name="Paula Paused",
                region=region("london"),
                topics=[topic("pensions")],
                paused_until=timezone.localdate() + timedelta(days=20),
            ),
            "full": MentorProfileFactory(
                user__full_name="Fiona Full", capacity=1, active_mentees=1, topics=[topic("tax")]
            ),
        }

    def search(self, member: User, query: str) -> str:
        return names_on(signed_in_client(member).get(reverse("accounts:mentor_directory") + query))

    def test_topic(self, member: User, mentors: dict[str, MentorProfile]) -> None:
        page = self.search(member, "?topic=pensions")

        assert "Penny Pensions" in page and "Paula Paused" in page
        assert "Terry Tax" not in page and "Fiona Full" not in page

    def test_choices_in_one_group_widen_and_groups_narrow(
        self, member: User, mentors: dict[str, MentorProfile]
    ) -> None:
        either = self.search(member, "?topic=pensions&topic=tax")
        narrowed = self.search(member, "?topic=pensions&topic=tax&region=north-east")

        assert all(name in either for name in ("Penny Pensions", "Terry Tax", "Paula Paused", "Fiona Full"))
        assert "Terry Tax" in narrowed
        assert "Penny Pensions" not in narrowed and "Fiona Full" not in narrowed

    def test_service_area(self, member: User, mentors: dict[str, MentorProfile]) -> None:
        page = self.search(member, "?service_area=fire-and-rescue")

        assert "Terry Tax" in page and "Penny Pensions" not in page

    def test_stage(self, member: User, mentors: dict[str, MentorProfile]) -> None:
        mentors["full"].stages.set([stage("recently-spun-out")])

        page = self.search(member, "?stage=recently-spun-out")

        assert "Fiona Full" in page and "Terry Tax" not in page

    def test_available_now_leaves_out_paused_and_full_mentors(
        self, member: User, mentors: dict[str, MentorProfile]
    ) -> None:
        page = self.search(member, "?available=on")

        assert "Penny Pensions" in page and "Terry Tax" in page
        assert "Paula Paused" not in page
        assert "Fiona Full" not in page

    def test_a_pause_that_has_ended_counts_as_available(self, member: User, mentors: dict[str, MentorProfile]) -> None:
        MentorProfile.objects.filter(pk=mentors["paused"].pk).update(paused_until=timezone.localdate())

        assert "Paula Paused" in self.search(member, "?available=on")

    @pytest.mark.parametrize(
        ("query", "found", "not_found"),
        [
            ("?q=terry", "Terry Tax", "Penny Pensions"),
            ("?q=PENSIONS+adviser", "Penny Pensions", "Terry Tax"),
            ("?q=northern+accountants", "Terry Tax", "Penny Pensions"),
            ("?q=tax+london", None, "Terry Tax"),
        ],
    )
    def test_text_search_needs_every_word_somewhere(
        self, member: User, mentors: dict[str, MentorProfile], query: str, found: str | None, not_found: str
    ) -> None:
        page = self.search(member, query)

        if found:
            assert found in page
        assert not_found not in page

    @pytest.mark.parametrize(
        "query", ["?topic=no-such-topic", "?region=%00", "?q=" + "x" * 300, "?available=banana", "?page=-1"]
    )
    def test_nonsense_in_the_query_string_is_not_a_500(self, member: User, query: str, client_for: ClientFor) -> None:
        response = client_for(member).get(reverse("accounts:mentor_directory") + query)

        assert response.status_code == 200

    def test_an_unknown_topic_is_reported_in_the_error_summary(self, member: User) -> None:
        page = self.search(member, "?topic=no-such-topic")

        assert 'class="govuk-error-summary"' in page

    def test_the_filter_form_is_an_accessible_get_form(self, member: User) -> None:
        page = self.search(member, "")

        assert '<form method="get"' in page
        assert "Apply filters" in page
        assert page.count('<fieldset class="govuk-fieldset"') >= 4
        assert '<label class="govuk-label govuk-label--s" for="id_q">Search</label>' in page


def test_each_card_lists_its_own_mentors_topics_and_service_areas_in_display_order(
    member: User, client_for: ClientFor
) -> None:
    MentorProfileFactory(
        user__full_name="Card Mentor A",
        topics=[topic("tax"), topic("business-planning")],
        service_areas=[service_area("social-work"), service_area("probation")],
    )
    no_areas = MentorProfileFactory(user__full_name="Card Mentor B", topics=[topic("hr")])
    no_areas.service_areas.clear()

    page = names_on(client_for(member).get(reverse("accounts:mentor_directory")))
    first, second = page.split("Card Mentor A", 1)[1].split("Card Mentor B", 1)

    assert "Can help with: Business planning, Tax</p>" in first
    assert "Service areas: Social work, Probation</p>" in first
    assert "Can help with: HR</p>" in second
    assert "Service areas: None given</p>" in second


class TestPagination:
    def test_twenty_a_page_with_the_filters_kept(self, member: User, client_for: ClientFor) -> None:
        make_mentors(45)

        first = names_on(client_for(member).get(reverse("accounts:mentor_directory") + "?topic=pensions"))
        third = names_on(client_for(member).get(reverse("accounts:mentor_directory") + "?topic=pensions&page=3"))

        assert first.count('class="app-card"') == 20
        assert "45 mentors" in first
        assert 'class="govuk-pagination"' in first
        assert "?topic=pensions&amp;page=2" in first
        assert third.count('class="app-card"') == 5
        assert 'rel="prev"' in third and 'rel="next"' not in third

    def test_a_page_beyond_the_end_shows_the_last_page(self, member: User, client_for: ClientFor) -> None:
        make_mentors(25)

        page = names_on(client_for(member).get(reverse("accounts:mentor_directory") + "?page=99"))

        assert page.count('class="app-card"') == 5


class TestMutualDirectory:
    @pytest.fixture
    def mutuals(self, db: None) -> dict[str, Mutual]:
        return {
            "listed": MutualFactory(
                name="Lakeside Probation Mutual",
                listed_publicly=True,
                region=region("north-west"),
                stage=stage("exploring"),
                description="Secret plans for a merger.",
                parent_body="Lakeside County Council",
                service_areas=[service_area("probation")],
            ),
            "unlisted": MutualFactory(name="Quiet Care Mutual", listed_publicly=False),
        }

    def test_the_public_sees_only_consenting_mutuals(self, mutuals: dict[str, Mutual]) -> None:
        page = names_on(Client().get(reverse("accounts:mutual_directory")))

        assert "Lakeside Probation Mutual" in page
        assert "Quiet Care Mutual" not in page
        assert "Secret plans" not in page  # only name, region, service areas and stage were consented to

    @pytest.mark.parametrize("persona", ["member", "mentor", "outsider"])
    def test_signed_in_people_see_only_consenting_mutuals(
        self, persona_client, mutuals: dict[str, Mutual], persona: str
    ) -> None:  # type: ignore[no-untyped-def]
        page = names_on(persona_client(persona).get(reverse("accounts:mutual_directory")))

        assert "Lakeside Probation Mutual" in page
        assert "Quiet Care Mutual" not in page

    def test_staff_see_every_mutual(self, staff: User, mutuals: dict[str, Mutual], client_for: ClientFor) -> None:
        page = names_on(client_for(staff).get(reverse("accounts:mutual_directory")))

        assert "Lakeside Probation Mutual" in page
        assert "Quiet Care Mutual" in page

    def test_filters(self, mutuals: dict[str, Mutual]) -> None:
        client = Client()
        url = reverse("accounts:mutual_directory")

        assert "Lakeside" in names_on(client.get(url + "?service_area=probation&region=north-west&stage=exploring"))
        assert "Lakeside" not in names_on(client.get(url + "?region=london"))
        assert "Lakeside" not in names_on(client.get(url + "?stage=established"))
        assert "Lakeside" in names_on(client.get(url + "?q=lakeside"))

    def test_the_public_cannot_search_text_the_mutual_did_not_publish(self, mutuals: dict[str, Mutual]) -> None:
        url = reverse("accounts:mutual_directory")

        assert "Lakeside" not in names_on(Client().get(url + "?q=merger"))
        assert "Lakeside" not in names_on(Client().get(url + "?q=county+council"))

    def test_staff_search_descriptions_and_parent_bodies(
        self, staff: User, mutuals: dict[str, Mutual], client_for: ClientFor
    ) -> None:
        url = reverse("accounts:mutual_directory")

        assert "Lakeside" in names_on(client_for(staff).get(url + "?q=merger"))
        assert "Lakeside" in names_on(client_for(staff).get(url + "?q=county+council"))


class TestQueryBudget:
    @pytest.mark.parametrize("rows", [5, 50])
    def test_mentor_directory(
        self, member: User, rows: int, django_assert_max_num_queries, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        make_mentors(rows)
        client = client_for(member)

        with django_assert_max_num_queries(MENTOR_DIRECTORY_QUERY_BUDGET):
            response = client.get(reverse("accounts:mentor_directory") + "?topic=pensions&available=on")

        assert response.status_code == 200
        assert names_on(response).count('class="app-card"') == min(rows, 20)

    def test_the_count_does_not_grow_with_the_rows(self, member: User, staff: User, client_for: ClientFor) -> None:
        url = reverse("accounts:mentor_directory") + "?topic=pensions"
        make_mentors(5)
        make_mutuals(5)

        def measure() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as mentors_page:
                client_for(member).get(url)
            with CaptureQueriesContext(connection) as mutuals_page:
                client_for(staff).get(reverse("accounts:mutual_directory"))
            return len(mentors_page), len(mutuals_page)

        measure()  # warm the process-wide caches (content types, the taxonomy) that the first request fills
        counts = [measure()]
        make_mentors(45)
        make_mutuals(45, start=5)
        counts.append(measure())

        assert counts[0] == counts[1]

    @pytest.mark.parametrize("rows", [5, 50])
    def test_mutual_directory_for_the_public(self, rows: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
        make_mutuals(rows)
        client = Client()

        with django_assert_max_num_queries(DIRECTORY_QUERY_BUDGET):
            response = client.get(reverse("accounts:mutual_directory") + "?service_area=probation")

        assert response.status_code == 200
        assert names_on(response).count("Listed Mutual") == min(rows, 20)

    @pytest.mark.parametrize("rows", [5, 50])
    def test_mutual_directory_for_staff(
        self, staff: User, rows: int, django_assert_max_num_queries, client_for: ClientFor
    ) -> None:  # type: ignore[no-untyped-def]
        make_mutuals(rows)
        client = client_for(staff)

        with django_assert_max_num_queries(DIRECTORY_QUERY_BUDGET):
            response = client.get(reverse("accounts:mutual_directory"))

        assert response.status_code == 200
        assert names_on(response).count("Listed Mutual") >= min(rows, 20)

    @pytest.mark.parametrize("rows", [5, 50])
    def test_vetting_queue(self, staff: User, rows: int, django_assert_max_num_queries, client_for: ClientFor) -> None:  # type: ignore[no-untyped-def]
        for profile in make_mentors(rows):
            MentorProfile.objects.filter(pk=profile.pk).update(status=MentorProfile.Status.PENDING)
        client = client_for(staff)

        with django_assert_max_num_queries(DIRECTORY_QUERY_BUDGET):
            response = client.get(reverse("accounts:vetting_queue"))

        assert response.status_code == 200
        assert names_on(response).count("Directory Mentor") >= min(rows, 20)
