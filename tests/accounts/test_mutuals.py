"""Mutual profiles: creating, viewing and editing them, and who may do so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Mutual, User
from tests.accounts.helpers import HOSTILE_TEXT, assert_escaped, assert_form_error, mutual_form_data
from tests.clients import ClientFor
from tests.factories import MutualFactory, region, service_area, stage

pytestmark = pytest.mark.django_db


def mutual_service_data(name: str) -> dict[str, object]:
    """What the form hands the service: model instances rather than ids."""
    return {
        "name": name,
        "service_areas": [service_area("youth-services")],
        "region": region("north-east"),
        "stage": stage("exploring"),
    }


class TestCreate:
    def test_creator_becomes_the_first_member(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:mutual_create"), mutual_form_data())

        mutual = Mutual.objects.get(name="Northgate Youth Mutual")
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:mutual_detail", kwargs={"slug": "northgate-youth-mutual"})
        assert list(mutual.members.all()) == [outsider]
        assert mutual.created_by == outsider
        assert {area.slug for area in mutual.service_areas.all()} == {"youth-services", "social-work"}
        assert mutual.region.slug == "north-east"
        assert mutual.staff_count == 45
        assert mutual.website == "https://northgate-youth.example.org"
        assert mutual.listed_publicly is False
        assert mutual.listing_consent_at is None

    def test_consent_given_at_creation_is_time_stamped(self, outsider: User, client_for: ClientFor) -> None:
        client_for(outsider).post(reverse("accounts:mutual_create"), mutual_form_data(listed_publicly="on"))

        mutual = Mutual.objects.get(name="Northgate Youth Mutual")
        assert mutual.listed_publicly is True
        assert mutual.listing_consent_at is not None

    def test_slugs_are_unique_and_never_shadow_the_create_page(self, outsider: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(services, "MUTUALS_PER_ACCOUNT_PER_DAY", 10)  # one person makes four here
        first = services.mutual_create(user=outsider, data=mutual_service_data("New"))
        second = services.mutual_create(user=outsider, data=mutual_service_data("New"))
        third = services.mutual_create(user=outsider, data=mutual_service_data("日本"))
        fourth = services.mutual_create(user=outsider, data=mutual_service_data("日本"))

        assert (first.slug, second.slug) == ("new-2", "new-3")
        assert (third.slug, fourth.slug) == ("mutual", "mutual-2")

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"name": ""}, "Enter the name of the mutual"),
            ({"service_areas": []}, "Select at least one service area"),
            ({"region": ""}, "Select a region"),
            ({"stage": ""}, "Select how far along you are"),
            ({"region": "999999"}, "Select region from the list"),
            ({"staff_count": "lots"}, "Number of staff must be a whole number"),
            ({"staff_count": "-3"}, "Number of staff must be 0 or more"),
            ({"name": "x" * 201}, "Name of the mutual must be 200 characters or fewer"),
            ({"description": "x" * 4001}, "Describe the mutual in 4000 characters or fewer"),
            (
                {"website": "javascript:alert(1)"},
                "Enter a web address in the correct format, like https://www.example.org",
            ),
            ({"legal_form": "plc"}, "Select legal form from the list"),
        ],
    )
    def test_bad_input_is_refused_with_an_error_summary(
        self, outsider: User, overrides: dict[str, object], message: str, client_for: ClientFor
    ) -> None:
        response = client_for(outsider).post(reverse("accounts:mutual_create"), mutual_form_data(**overrides))

        assert_form_error(response, message)
        assert not Mutual.objects.exists()
        assert not Membership.objects.exists()

    def test_an_empty_post_is_refused(self, outsider: User, client_for: ClientFor) -> None:
        response = client_for(outsider).post(reverse("accounts:mutual_create"), {})

        assert_form_error(response, "Enter the name of the mutual", "Select at least one service area")
        assert not Mutual.objects.exists()

    def test_withdrawn_service_areas_are_not_offered(self, outsider: User, client_for: ClientFor) -> None:
        area = service_area("probation")
        area.is_active = False
        area.save()

        response = client_for(outsider).post(
            reverse("accounts:mutual_create"), mutual_form_data(service_areas=[area.pk])
        )

        assert_form_error(response, "Select an answer to “Which public services do you deliver?” from the list")

    def test_anonymous_visitors_are_sent_to_sign_in(self, db: None) -> None:
        response = Client().post(reverse("accounts:mutual_create"), mutual_form_data())

        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
        assert not Mutual.objects.exists()


class TestDetailAndEdit:
    def test_member_sees_the_profile(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        response = client_for(member).get(reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug}))

        assert response.status_code == 200
        assert mutual.name in response.content.decode()
        assert "Alice Member" in response.content.decode()

    @pytest.mark.parametrize(
        ("url_name", "method"),
        [
            ("accounts:mutual_detail", "get"),
            ("accounts:mutual_edit", "get"),
            ("accounts:mutual_edit", "post"),
            ("accounts:mutual_members", "get"),
            ("accounts:mutual_members", "post"),
            ("accounts:membership_leave", "get"),
            ("accounts:membership_leave", "post"),
        ],
    )
    def test_another_mutual_is_the_same_404_as_a_missing_one(
        self, member: User, other_mutual: Mutual, url_name: str, method: str, client_for: ClientFor
    ) -> None:
        client = client_for(member)
        data = {**mutual_form_data(), "email": "alice.friend@example.org", "answer": "yes"}
        theirs = getattr(client, method)(reverse(url_name, kwargs={"slug": other_mutual.slug}), data)
        missing = getattr(client, method)(reverse(url_name, kwargs={"slug": "no-such-mutual"}), data)

        assert theirs.status_code == missing.status_code == 404
        assert [t.name for t in theirs.templates] == [t.name for t in missing.templates]
        other_mutual.refresh_from_db()
        assert other_mutual.name == "Hillside Fire Mutual"
        assert not other_mutual.invitations.exists()
        assert other_mutual.members.count() == 1

    @pytest.mark.parametrize("persona", ["mentor", "staff", "outsider", "ambassador"])
    def test_non_members_cannot_see_or_edit(self, persona_client, mutual: Mutual, persona: str) -> None:  # type: ignore[no-untyped-def]
        client = persona_client(persona)
        assert client.get(reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug})).status_code == 404
        response = client.post(reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}), mutual_form_data())

        assert response.status_code == 404
        mutual.refresh_from_db()
        assert mutual.name != "Northgate Youth Mutual"

    def test_member_edits_the_profile_and_the_slug_stays(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        old_slug = mutual.slug
        response = client_for(member).post(
            reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}), mutual_form_data(name="Renamed Mutual")
        )

        assert response.status_code == 302
        mutual.refresh_from_db()
        assert mutual.name == "Renamed Mutual"
        assert mutual.slug == old_slug
        assert mutual.parent_body == "Northgate City Council"

    def test_consent_is_stamped_when_given_and_cleared_when_withdrawn(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        client = client_for(member)
        url = reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug})

        client.post(url, mutual_form_data(listed_publicly="on"))
        mutual.refresh_from_db()
        first_stamp = mutual.listing_consent_at
        assert mutual.listed_publicly is True
        assert first_stamp is not None

        client.post(url, mutual_form_data(listed_publicly="on", description="Still consenting."))
        mutual.refresh_from_db()
        assert mutual.listing_consent_at == first_stamp  # consent kept, not re-given

        client.post(url, mutual_form_data())
        mutual.refresh_from_db()
        assert mutual.listed_publicly is False
        assert mutual.listing_consent_at is None

    def test_bad_input_on_edit_saves_nothing(self, member: User, mutual: Mutual, client_for: ClientFor) -> None:
        name = mutual.name
        response = client_for(member).post(
            reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}), mutual_form_data(name="", region="")
        )

        assert_form_error(response, "Enter the name of the mutual", "Select a region")
        mutual.refresh_from_db()
        assert mutual.name == name

    def test_hostile_text_is_stored_as_typed_and_shown_escaped(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        client = client_for(member)
        client.post(
            reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}),
            mutual_form_data(name=HOSTILE_TEXT, description=HOSTILE_TEXT, parent_body=HOSTILE_TEXT),
        )
        mutual.refresh_from_db()
        assert mutual.name == HOSTILE_TEXT
        assert mutual.description == HOSTILE_TEXT

        assert_escaped(client.get(reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug})))
        assert_escaped(client.get(reverse("accounts:dashboard")))

    def test_a_withdrawn_service_area_the_mutual_has_survives_an_edit(
        self, member: User, mutual: Mutual, client_for: ClientFor
    ) -> None:
        area = service_area("adult-social-care")  # the factory's default for the mutual
        area.is_active = False
        area.save()

        response = client_for(member).post(
            reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}), mutual_form_data(service_areas=[area.pk])
        )

        assert response.status_code == 302
        assert list(mutual.service_areas.all()) == [area]

    def test_update_changes_only_the_given_fields(self, member: User) -> None:
        mutual = MutualFactory(listed_publicly=False)
        services.mutual_update(mutual=mutual, data={"description": "Only this."})

        mutual.refresh_from_db()
        assert mutual.description == "Only this."
        assert mutual.listing_consent_at is None
