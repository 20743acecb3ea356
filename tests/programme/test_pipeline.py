"""One pipeline: every mutual has a stage with a dated history; members and the programme team move it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts import pipeline
from accounts.models import Mutual, StageChange, User
from tests.accounts.helpers import mutual_form_data
from tests.clients import ClientFor
from tests.factories import MembershipFactory, MutualFactory, region, service_area, stage

pytestmark = pytest.mark.django_db


def test_a_member_moves_their_mutual_and_the_page_shows_the_history(
    member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    client = client_for(member)
    url = reverse("accounts:mutual_stage", kwargs={"slug": mutual.slug})
    start = mutual.stage

    response = client.post(url, {"to_stage": stage("preparing").pk})

    assert response.status_code == 302
    mutual.refresh_from_db()
    assert mutual.stage.slug == "preparing"
    latest = mutual.stage_changes.select_related("from_stage", "to_stage").first()
    assert latest is not None
    assert (latest.from_stage, latest.to_stage.slug, latest.changed_by, latest.ended_at) == (
        start,
        "preparing",
        member,
        None,
    )
    # The row it replaced is closed when the new one opens, so the stage at any date is unambiguous.
    assert mutual.stage_changes.filter(ended_at__isnull=True).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "is now at the stage Preparing to spin out" in page
    assert "Stage history" in page
    assert "Alice Member" in page
    assert start.name in page


def test_editing_the_profile_to_a_new_stage_records_it_too(member: User, mutual: Mutual, client_for: ClientFor) -> None:
    data = mutual_form_data(name=mutual.name, stage=stage("spinning-out").pk)

    assert (
        client_for(member).post(reverse("accounts:mutual_edit", kwargs={"slug": mutual.slug}), data).status_code == 302
    )

    latest = mutual.stage_changes.first()
    assert latest is not None and (latest.to_stage.slug, latest.changed_by) == ("spinning-out", member)


def test_choosing_the_same_stage_says_so_and_records_nothing(
    member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    before = mutual.stage_changes.count()
    url = reverse("accounts:mutual_stage", kwargs={"slug": mutual.slug})

    response = client_for(member).post(url, {"to_stage": mutual.stage.pk})

    assert response.status_code == 200
    assert f"is already at the stage {mutual.stage.name}" in response.content.decode()
    assert mutual.stage_changes.count() == before


def test_an_empty_choice_asks_for_a_stage(member: User, mutual: Mutual, client_for: ClientFor) -> None:
    response = client_for(member).post(reverse("accounts:mutual_stage", kwargs={"slug": mutual.slug}), {})

    assert response.status_code == 200
    assert "Choose the stage the mutual has reached" in response.content.decode()


@pytest.mark.parametrize("persona", ["mentor", "ambassador", "outsider", "staff"])
def test_nobody_else_can_use_the_members_stage_page(
    persona_client: Callable[[str], Client], persona: str, mutual: Mutual
) -> None:
    url = reverse("accounts:mutual_stage", kwargs={"slug": mutual.slug})
    before = mutual.stage_id

    assert persona_client(persona).post(url, {"to_stage": stage("preparing").pk}).status_code == 404

    mutual.refresh_from_db()
    assert mutual.stage_id == before


def test_staff_move_any_mutual_including_an_unclaimed_one(staff: User, client_for: ClientFor) -> None:
    unclaimed = pipeline.mutual_add_unclaimed(
        added_by=staff, name="Eastshire Libraries", region=region(), service_areas=[service_area()]
    )
    url = reverse("programme:pipeline_mutual", kwargs={"slug": unclaimed.slug})
    client = client_for(staff)

    response = client.post(url, {"to_stage": stage("building-support").pk})

    assert response.status_code == 302
    unclaimed.refresh_from_db()
    assert unclaimed.stage.slug == "building-support"
    assert [(c.from_stage.slug if c.from_stage else None, c.to_stage.slug) for c in unclaimed.stage_changes.all()] == [
        ("exploring", "building-support"),
        (None, "exploring"),
    ]
    listing = client.get(reverse("programme:pipeline")).content.decode()
    assert "Eastshire Libraries" in listing and "Unclaimed" in listing
    detail = client.get(url).content.decode()
    assert "Sam Staff" in detail


@pytest.mark.parametrize("persona", ["anonymous", "member", "mentor", "ambassador", "outsider"])
def test_only_staff_see_the_pipeline_pages(persona_client: Callable[[str], Client], persona: str) -> None:
    other = MutualFactory()
    client = persona_client(persona)
    detail = reverse("programme:pipeline_mutual", kwargs={"slug": other.slug})
    expected = 302 if persona == "anonymous" else 404

    assert client.get(reverse("programme:pipeline")).status_code == expected
    assert client.post(detail, {"to_stage": stage("preparing").pk}).status_code == expected
    other.refresh_from_db()
    assert other.stage.slug == "developing"


def test_the_service_refuses_someone_who_is_not_a_member(outsider: User, mutual: Mutual) -> None:
    with pytest.raises(pipeline.PipelineError):
        pipeline.mutual_stage_move(mutual=mutual, to_stage=stage("preparing"), moved_by=outsider)
    mutual.refresh_from_db()
    assert mutual.stage.slug != "preparing"


def test_the_stage_and_its_history_change_together_or_not_at_all(
    member: User, mutual: Mutual, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (mutual.stage_id, mutual.stage_changes.count())

    def broken(**kwargs: object) -> StageChange:
        raise IntegrityError("the history could not be written")

    monkeypatch.setattr(StageChange.objects, "create", broken)
    with pytest.raises(IntegrityError):
        pipeline.mutual_stage_move(mutual=mutual, to_stage=stage("preparing"), moved_by=member)

    mutual.refresh_from_db()
    assert (mutual.stage_id, mutual.stage_changes.count()) == before


def test_a_mutual_can_have_only_one_current_stage(mutual: Mutual) -> None:
    with pytest.raises(IntegrityError):
        StageChange.objects.create(mutual=mutual, to_stage=stage("preparing"))


def test_creating_a_mutual_starts_its_history(outsider: User, client_for: ClientFor) -> None:
    response = client_for(outsider).post(reverse("accounts:mutual_create"), mutual_form_data(name="New Dawn Mutual"))

    assert response.status_code == 302
    created = Mutual.objects.get(name="New Dawn Mutual")
    change = created.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == (None, created.stage, outsider)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_pipeline_list_has_a_query_budget(
    rows: int, staff: User, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rows):
        MembershipFactory()
    client = client_for(staff)
    url = reverse("programme:pipeline")
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_migration_gives_every_existing_mutual_its_first_history_row(outsider: User) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0007_stage_history")
    before = Mutual.objects.create(
        name="Old Mill Mutual", slug="old-mill", region=region(), stage=stage("preparing"), created_by=outsider
    )

    migration.start_histories(apps, None)

    change = StageChange.objects.get(mutual=before)
    assert (change.from_stage, change.to_stage.slug, change.changed_by, change.changed_at, change.ended_at) == (
        None,
        "preparing",
        outsider,
        before.created_at,
        None,
    )
