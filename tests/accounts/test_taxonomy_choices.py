"""The directories' and guidance pages' taxonomy checkboxes come from the cache (accounts/taxonomy_choices.py):
no query for them once read, a term added or switched off by staff shows at once, and what a person ticks is still
checked against the database."""

from __future__ import annotations

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SupportTopic, User
from accounts.taxonomy_choices import terms_filter
from tests.clients import ClientFor

pytestmark = pytest.mark.django_db


def _checkbox_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]+)"', html)


def test_the_second_visit_reads_no_taxonomy_table(member: User, client_for: ClientFor) -> None:
    client = client_for(member)
    client.get(reverse("accounts:mentor_directory"))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:mentor_directory")).content.decode()

    assert "pensions" in _checkbox_values(page, "topic")
    # A query of a whole taxonomy list ends its FROM clause with the table: FROM "accounts_region" WHERE ...
    lists = tuple(f'FROM "accounts_{name}"' for name in ("supporttopic", "servicearea", "region", "stage"))
    assert [query["sql"] for query in queries if query["sql"].split(" WHERE")[0].endswith(lists)] == []


def test_a_term_added_or_switched_off_shows_at_once(member: User, client_for: ClientFor) -> None:
    client = client_for(member)
    url = reverse("accounts:mentor_directory")
    client.get(url)

    added = SupportTopic.objects.create(name="Social value reporting", slug="social-value-reporting")
    assert "social-value-reporting" in _checkbox_values(client.get(url).content.decode(), "topic")

    added.is_active = False
    added.save()
    assert "social-value-reporting" not in _checkbox_values(client.get(url).content.decode(), "topic")
    assert "social-value-reporting" not in _checkbox_values(
        client.get(reverse("information:resource_list")).content.decode(), "topic"
    )


def test_a_ticked_term_is_kept_and_an_unknown_one_is_an_error(member: User, client_for: ClientFor) -> None:
    client = client_for(member)

    ticked = client.get(reverse("accounts:mentor_directory"), {"topic": "pensions"}).content.decode()
    unknown = client.get(reverse("accounts:mentor_directory"), {"topic": "no-such-topic"}).content.decode()

    assert 'value="pensions" checked' in ticked
    assert "govuk-error-summary" in unknown


def test_each_filter_set_gets_its_own_copy_of_a_terms_filter() -> None:
    # Filter sets copy their filters for every request: nothing a request changes may reach the next one.
    original = terms_filter("topics", SupportTopic, "Support topic")
    copied = copy.deepcopy(original)

    assert copied.queryset is not original.queryset
    assert copied.queryset.query is not original.queryset.query
    assert copied.extra is not original.extra
    copied.extra["help_text"] = "Changed for one request"
    list(copied.queryset)
    assert "help_text" not in original.extra
    assert original.queryset._result_cache is None
    assert str(copied.queryset.query) == str(original.queryset.query)
