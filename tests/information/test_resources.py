"""Guidance pages: written, previewed, published and unpublished by the programme team in the service; public,
searchable (ranked full-text search on PostgreSQL, LIKE on SQLite) and filterable; reviewed on a schedule."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from information import search, services
from information.models import Resource
from information.selectors import resources_due_for_review
from tests.factories import stage, topic
from tests.forms import date_input
from tests.information.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def resource_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Fair Deal for pensions",
        "summary": "What Fair Deal means for staff pensions.",
        "body": "## What it is\n\nFair Deal protects the pensions of staff who move out of the public sector.",
        "document_url": "",
        "document_label": "",
        "source": "",
        "topics": [topic("pensions").pk],
        "stages": [stage("preparing").pk],
        "owner": "",
        **date_input("reviewed_on", timezone.localdate()),
    }
    data.update(overrides)
    return data


def test_staff_write_preview_publish_and_unpublish_a_page(staff_client: Client, client: Client) -> None:
    response = staff_client.post(reverse("information:resource_create"), resource_form())
    resource = Resource.objects.get()
    assert response["Location"] == reverse("information:resource_preview", kwargs={"pk": resource.pk})
    assert (resource.status, resource.slug) == ("draft", "fair-deal-for-pensions")
    public_url = reverse("information:resource_detail", kwargs={"slug": resource.slug})
    assert client.get(public_url).status_code == 404

    preview = staff_client.get(response["Location"]).content.decode()
    assert "This is a draft: only the programme team can see it." in preview
    assert '<h2 class="govuk-heading-m">What it is</h2>' in preview

    staff_client.post(reverse("information:resource_publish", kwargs={"pk": resource.pk}))
    resource.refresh_from_db()
    assert resource.status == "published" and resource.published_at is not None
    assert client.get(public_url).status_code == 200

    staff_client.post(reverse("information:resource_unpublish", kwargs={"pk": resource.pk}))
    resource.refresh_from_db()
    assert resource.status == "draft"
    assert client.get(public_url).status_code == 404


def test_a_page_needs_words_or_a_document(staff_client: Client) -> None:
    response = staff_client.post(reverse("information:resource_create"), resource_form(body=""))
    assert response.status_code == 200
    assert "Write the page, or give a link to a document" in response.content.decode()
    response = staff_client.post(
        reverse("information:resource_create"),
        resource_form(body="", document_url="https://example.org/tupe.pdf", document_label="TUPE (PDF)"),
    )
    assert response.status_code == 302


def test_bad_input_is_refused_with_the_error_summary(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("information:resource_create"),
        resource_form(
            title="", topics=[], **date_input("reviewed_on", (1, 1, 2999)), document_url="javascript:alert(1)"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    for error in ("Enter a title", "Select at least one topic", "cannot be in the future", "Enter a full web address"):
        assert error in html
    assert not Resource.objects.exists()


def test_publishing_needs_a_topic_and_a_stage(staff: User) -> None:
    draft = ResourceFactory(status=Resource.Status.DRAFT, topics=[])
    with pytest.raises(services.InformationError, match="at least one topic and one stage"):
        services.resource_publish(resource=draft, actor=staff)
    with pytest.raises(services.InformationError, match="is not published"):
        services.resource_unpublish(resource=draft, actor=staff)


def test_the_review_list_and_marking_a_page_reviewed(staff_client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RESOURCE_REVIEW_MONTHS = 12
    today = timezone.localdate()
    old = ResourceFactory(title="Old page", reviewed_on=today - timedelta(days=400))
    soon = ResourceFactory(title="Soon page", reviewed_on=today - timedelta(days=350))
    ResourceFactory(title="Fresh page", reviewed_on=today - timedelta(days=10))
    review = resources_due_for_review(today)
    assert ([r.title for r in review.overdue], [r.title for r in review.due_soon]) == (["Old page"], ["Soon page"])

    html = staff_client.get(reverse("information:resource_review_list")).content.decode()
    assert "Old page" in html and "Soon page" in html and "Fresh page" not in html

    staff_client.post(reverse("information:resource_reviewed", kwargs={"pk": old.pk}))
    old.refresh_from_db()
    assert old.reviewed_on == today
    assert soon.pk in [r.pk for r in resources_due_for_review(today).due_soon]


def test_search_ranks_title_matches_first_and_filters_narrow(client: Client) -> None:
    body_only = ResourceFactory(
        title="Working with your commissioner", body="Pensions come up in every negotiation with the commissioner."
    )
    in_title = ResourceFactory(title="Fair Deal for pensions", summary="Pensions when staff transfer.")
    ResourceFactory(title="Choosing a legal form", body="Community interest companies and co-operatives.")
    draft = ResourceFactory(title="Pensions draft", status=Resource.Status.DRAFT)

    html = client.get(reverse("information:resource_list") + "?q=pensions").content.decode()
    assert "2 guidance pages found" in html
    assert html.index(in_title.title) < html.index(body_only.title)
    assert draft.title not in html

    filtered = client.get(reverse("information:resource_list") + "?q=pensions&topic=pensions").content.decode()
    assert "0 guidance pages found" in filtered  # the factory's pages are about business planning


def test_search_finds_word_forms_on_postgresql(client: Client) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    ResourceFactory(title="Transferring staff", body="Staff transfer under TUPE.")
    html = client.get(reverse("information:resource_list") + "?q=transfers").content.decode()
    assert "Transferring staff" in html


def test_the_sqlite_fallback_needs_every_word_and_puts_titles_first() -> None:
    ResourceFactory(title="Tax for new mutuals", body="Register for VAT.")
    ResourceFactory(title="Your first day", body="Tax and payroll are ready.")
    ResourceFactory(title="Back office", body="Payroll only.")
    with mock.patch.object(search, "uses_full_text_search", return_value=False):
        found = list(search.search(Resource.objects.all(), "tax"))
        both = list(search.search(Resource.objects.all(), "tax payroll"))
    assert [r.title for r in found] == ["Tax for new mutuals", "Your first day"]
    assert [r.title for r in both] == ["Your first day"]


def test_a_nonsense_filter_is_an_error_not_a_crash(client: Client) -> None:
    response = client.get(reverse("information:resource_list") + "?topic=no-such-topic&q=" + "x" * 300)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_a_page_offers_a_mentor_on_its_topics(client: Client, member: User) -> None:
    resource = ResourceFactory(topics=[topic("pensions"), topic("tupe-and-employment")])
    html = client.get(reverse("information:resource_detail", kwargs={"slug": resource.slug})).content.decode()
    ask = reverse("matching:request_create") + "?topic=tupe-and-employment&amp;topic=pensions"
    assert ask in html or reverse("matching:request_create") + "?topic=pensions&amp;topic=tupe-and-employment" in html

    member_client = Client()
    member_client.force_login(member)
    form = member_client.get(reverse("matching:request_create") + "?topic=pensions&topic=nonsense").content.decode()
    assert f'value="{topic("pensions").pk}" checked' in form
    assert f'value="{topic("tax").pk}" checked' not in form
