"""Programme staff add service areas and support topics, and withdraw or reinstate them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ServiceArea, SupportTopic, User
from tests.accounts.helpers import HOSTILE_TEXT, assert_escaped, assert_form_error
from tests.clients import ClientFor
from tests.factories import service_area, topic

pytestmark = pytest.mark.django_db


class TestAdd:
    def test_staff_add_a_service_area_that_profiles_can_then_choose(
        self, staff: User, outsider: User, client_for: ClientFor
    ) -> None:
        response = client_for(staff).post(reverse("accounts:service_area_add"), {"name": "  Housing   support "})

        assert response.status_code == 302
        area = ServiceArea.objects.get(name="Housing support")
        assert area.slug == "housing-support"
        assert area.is_active
        form_page = client_for(outsider).get(reverse("accounts:mutual_create")).content.decode()
        assert "Housing support" in form_page

    def test_staff_add_a_topic_with_a_short_name(self, staff: User, client_for: ClientFor) -> None:
        client_for(staff).post(reverse("accounts:topic_add"), {"name": "Digital services", "short_name": "digital"})

        added = SupportTopic.objects.get(name="Digital services")
        assert added.short_name == "digital"
        assert added.label == "digital"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"name": ""}, "Enter the name of the service area"),
            ({"name": "   "}, "Enter the name of the service area"),
            ({"name": "Probation"}, "Probation is already on the list"),
            ({"name": "fire AND rescue"}, "fire AND rescue is already on the list"),
            ({"name": "x" * 101}, "Name of the service area must be 100 characters or fewer"),
        ],
    )
    def test_bad_service_area_names_are_refused(
        self, staff: User, data: dict[str, str], message: str, client_for: ClientFor
    ) -> None:
        before = ServiceArea.objects.count()

        response = client_for(staff).post(reverse("accounts:service_area_add"), data)

        assert_form_error(response, message)
        assert ServiceArea.objects.count() == before

    def test_bad_topic_input_is_refused(self, staff: User, client_for: ClientFor) -> None:
        before = SupportTopic.objects.count()

        response = client_for(staff).post(reverse("accounts:topic_add"), {"name": "Tax", "short_name": "x" * 41})

        assert_form_error(response, "Short name must be 40 characters or fewer")
        assert SupportTopic.objects.count() == before

    def test_hostile_names_are_shown_escaped(self, staff: User, client_for: ClientFor) -> None:
        client = client_for(staff)
        client.post(reverse("accounts:service_area_add"), {"name": HOSTILE_TEXT})

        assert ServiceArea.objects.filter(name=HOSTILE_TEXT).exists()
        assert_escaped(client.get(reverse("accounts:taxonomy")))

    @pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
    def test_nobody_else_can_add_or_withdraw(self, persona_client, persona: str) -> None:  # type: ignore[no-untyped-def]
        client = persona_client(persona)
        area = service_area("probation")

        assert client.get(reverse("accounts:taxonomy")).status_code == 404
        assert client.post(reverse("accounts:service_area_add"), {"name": "Housing"}).status_code == 404
        assert client.post(reverse("accounts:topic_add"), {"name": "Digital"}).status_code == 404
        withdraw = reverse("accounts:taxonomy_deactivate", kwargs={"kind": "service-areas", "term_id": area.pk})
        assert client.post(withdraw).status_code == 404

        assert not ServiceArea.objects.filter(name="Housing").exists()
        assert not SupportTopic.objects.filter(name="Digital").exists()
        area.refresh_from_db()
        assert area.is_active


class TestWithdraw:
    def test_a_withdrawn_topic_is_no_longer_offered_and_can_be_reinstated(
        self, staff: User, outsider: User, client_for: ClientFor
    ) -> None:
        tax = topic("tax")
        client = client_for(staff)
        volunteer_form = reverse("accounts:mentor_profile_create")
        assert ">Tax</label>" in client_for(outsider).get(volunteer_form).content.decode()

        client.post(reverse("accounts:taxonomy_deactivate", kwargs={"kind": "topics", "term_id": tax.pk}))
        tax.refresh_from_db()
        assert tax.is_active is False
        assert ">Tax</label>" not in client_for(outsider).get(volunteer_form).content.decode()

        client.post(reverse("accounts:taxonomy_reactivate", kwargs={"kind": "topics", "term_id": tax.pk}))
        tax.refresh_from_db()
        assert tax.is_active is True

    def test_withdrawing_twice_says_so(self, staff: User, client_for: ClientFor) -> None:
        area = service_area("probation")
        url = reverse("accounts:taxonomy_deactivate", kwargs={"kind": "service-areas", "term_id": area.pk})
        client = client_for(staff)
        client.post(url)

        response = client.post(url, follow=True)

        assert "Probation is already withdrawn" in response.content.decode()

    def test_an_unknown_list_or_term_is_404(self, staff: User, client_for: ClientFor) -> None:
        client = client_for(staff)

        assert (
            client.post(reverse("accounts:taxonomy_deactivate", kwargs={"kind": "regions", "term_id": 1})).status_code
            == 404
        )
        assert (
            client.post(
                reverse("accounts:taxonomy_deactivate", kwargs={"kind": "topics", "term_id": 999999})
            ).status_code
            == 404
        )

    def test_withdrawing_by_get_changes_nothing(self, staff: User, client_for: ClientFor) -> None:
        area = service_area("probation")

        response = client_for(staff).get(
            reverse("accounts:taxonomy_deactivate", kwargs={"kind": "service-areas", "term_id": area.pk})
        )

        assert response.status_code == 405
        area.refresh_from_db()
        assert area.is_active
