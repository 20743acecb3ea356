"""The public forward look: counts by region x service area x stage over time, consenting mutuals, open data, and
the small-count suppression that keeps a mutual that has not consented from being singled out."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Mutual, StageChange
from programme import forward_look
from tests.factories import MutualFactory, region, service_area, stage

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def mutual_with_history(*moves: tuple[str, str], listed: bool = False, **fields: object) -> Mutual:
    """A mutual whose stage history is the given (date, stage slug) moves, oldest first."""
    final = moves[-1][1]
    mutual = MutualFactory(stage=stage(final), listed_publicly=listed, **fields)
    mutual.stage_changes.all().delete()
    previous = None
    for index, (day, slug) in enumerate(moves):
        ended = _at(moves[index + 1][0]) if index + 1 < len(moves) else None
        StageChange.objects.create(
            mutual=mutual, from_stage=previous, to_stage=stage(slug), changed_at=_at(day), ended_at=ended
        )
        previous = stage(slug)
    return mutual


def _csv_rows(response: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))  # type: ignore[attr-defined]


def test_the_snapshots_are_the_ends_of_the_last_quarters_then_today(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_QUARTERS = 3
    points = forward_look.snapshots(TODAY)

    assert [point.on for point in points] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), TODAY]
    assert points[-1].label == "6 Dec 2026 (today)"


def test_counts_follow_the_stage_history_quarter_by_quarter(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_SMALL_CELL_THRESHOLD = 1  # nothing suppressed: the raw counts are visible
    settings.FORWARD_LOOK_QUARTERS = 3
    for _ in range(2):
        mutual_with_history(("2026-02-10", "exploring"), ("2026-05-01", "developing"), ("2026-11-20", "preparing"))
    mutual_with_history(("2026-08-01", "exploring"))

    look = forward_look.forward_look(TODAY)

    by_stage = {row.stage.slug: [published.value for published in row.counts] for row in look.stages}
    assert by_stage["exploring"] == [2, 0, 1, 1]
    assert by_stage["developing"] == [0, 2, 2, 0]
    assert by_stage["preparing"] == [0, 0, 0, 2]
    changes = {row.stage.slug: row.changes for row in look.stages}
    assert changes["preparing"] == [None, 0, 0, 2]
    cell = next(c for c in look.cells if c.stage.slug == "preparing")
    assert (cell.region, cell.service_area, cell.current.value, cell.change_since_last_quarter) == (
        region(),
        service_area(),
        2,
        2,
    )


def test_a_mutual_with_several_service_areas_counts_in_each(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_SMALL_CELL_THRESHOLD = 1
    mutual_with_history(
        ("2026-01-10", "exploring"), service_areas=[service_area("probation"), service_area("fire-and-rescue")]
    )

    look = forward_look.forward_look(TODAY)

    assert sorted(cell.service_area.slug for cell in look.cells) == ["fire-and-rescue", "probation"]
    assert next(row for row in look.stages if row.stage.slug == "exploring").counts[-1].value == 1


def test_small_counts_are_suppressed_everywhere(settings, client: Client) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_SMALL_CELL_THRESHOLD = 3
    for name in ("Quietvale Probation Team", "Hushford Probation Team"):
        mutual_with_history(("2026-01-10", "preparing"), name=name, service_areas=[service_area("probation")])

    look = forward_look.forward_look()
    cell = next(c for c in look.cells if c.service_area.slug == "probation")
    assert cell.current.suppressed and cell.current.value is None
    assert cell.change_since_last_quarter is None

    page = client.get(reverse("forward_look:page")).content.decode()
    assert "fewer than 3" in page
    assert "Quietvale" not in page and "Hushford" not in page

    rows = [
        row for row in _csv_rows(client.get(reverse("forward_look:counts_csv"))) if row["stage_code"] == "preparing"
    ]
    # Zero before the two mutuals arrived (published), then two: never published.
    assert {row["mutuals"] for row in rows if row["snapshot_date"] < "2026-01-10"} == {"0"}
    later = [row for row in rows if row["snapshot_date"] > "2026-01-10"]
    assert later and all(row["mutuals"] == "" and row["suppressed"] == "true" for row in later)

    body = json.loads(client.get(reverse("forward_look:data_json")).content)
    assert body["suppression_threshold"] == 3
    assert all(record["mutuals"] is None for record in body["counts"] if record["snapshot_date"] > "2026-01-10")
    preparing = next(row for row in body["stage_totals"] if row["stage_code"] == "preparing")
    assert preparing["mutuals"][-1] is None
    assert "Quietvale" not in json.dumps(body)


def test_a_count_at_the_threshold_is_published(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_SMALL_CELL_THRESHOLD = 3
    for _ in range(3):
        mutual_with_history(("2026-01-10", "preparing"))

    cell = forward_look.forward_look().cells[0]

    assert (cell.current.value, cell.current.suppressed) == (3, False)


def test_a_total_is_suppressed_when_it_would_give_away_its_one_suppressed_cell(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FORWARD_LOOK_SMALL_CELL_THRESHOLD = 3
    for _ in range(5):
        mutual_with_history(("2026-01-10", "developing"), region=region("london"))
    mutual_with_history(("2026-01-10", "developing"), region=region("north-east"))

    look = forward_look.forward_look()

    london = next(c for c in look.cells if c.region.slug == "london")
    north_east = next(c for c in look.cells if c.region.slug == "north-east")
    assert (london.current.value, north_east.current.suppressed) == (5, True)
    # 6 in total minus the 5 published in London would reveal the single mutual in the North East.
    developing = next(row for row in look.stages if row.stage.slug == "developing")
    assert developing.counts[-1].suppressed


def test_only_consenting_mutuals_are_listed_with_their_stage_and_since_when(client: Client) -> None:
    listed = mutual_with_history(("2025-03-01", "exploring"), ("2026-04-15", "developing"), listed=True)
    hidden = mutual_with_history(("2025-03-01", "exploring"), name="Secret Spinout Mutual")

    page = client.get(reverse("forward_look:page")).content.decode()
    assert listed.name in page and "April 2026" in page
    assert hidden.name not in page

    rows = _csv_rows(client.get(reverse("forward_look:mutuals_csv")))
    assert [(row["name"], row["stage_code"], row["stage_since"]) for row in rows] == [
        (listed.name, "developing", "2026-04-15")
    ]
    body = json.loads(client.get(reverse("forward_look:data_json")).content)
    assert [record["name"] for record in body["mutuals"]] == [listed.name]
    assert body["licence"] == "Open Government Licence v3.0"
    assert body["schema_version"] == "1.0"


def test_the_open_data_keeps_its_documented_columns(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    mutual_with_history(("2026-01-10", "exploring"), listed=True)
    counts = client.get(reverse("forward_look:counts_csv"))
    mutuals = client.get(reverse("forward_look:mutuals_csv"))

    assert counts["Content-Type"].startswith("text/csv") and "attachment" in counts["Content-Disposition"]
    assert counts.content.decode().splitlines()[0] == (
        "snapshot_date,region_code,region,service_area_code,service_area,stage_code,stage,mutuals,suppressed,"
        "change_since_previous"
    )
    assert mutuals.content.decode().splitlines()[0] == (
        "name,region_code,region,service_area_codes,service_areas,stage_code,stage,stage_since"
    )
    documented = (Path(settings.BASE_DIR) / "docs" / "forward-look-open-data.md").read_text(encoding="utf-8")
    header = counts.content.decode().splitlines()[0].split(",") + mutuals.content.decode().splitlines()[0].split(",")
    for column in header:
        assert f"`{column}`" in documented


def test_a_name_that_looks_like_a_formula_is_neutralised(client: Client) -> None:
    mutual_with_history(("2026-01-10", "exploring"), listed=True, name='=HYPERLINK("http://x")')

    rows = _csv_rows(client.get(reverse("forward_look:mutuals_csv")))

    assert rows[0]["name"].startswith("'=")


@pytest.mark.parametrize("url_name", ["forward_look:page", "forward_look:counts_csv", "forward_look:data_json"])
@pytest.mark.parametrize("rows", [5, 50])
def test_the_forward_look_has_a_query_budget(
    url_name: str, rows: int, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for index in range(rows):
        mutual_with_history(("2025-06-01", "exploring"), ("2026-06-01", "developing"), listed=index % 2 == 0)
    # 2 for the cache key, 5 to count on a miss, 3 for the listed mutuals
    with django_assert_max_num_queries(11):
        assert client.get(reverse(url_name)).status_code == 200


def test_seed_demo_gives_a_forward_look_with_quarterly_changes(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("seed_demo", size=40, seed=3, stdout=io.StringIO())

    look = forward_look.forward_look()
    assert any(change not in (None, 0) for row in look.stages for change in row.changes)
    assert Mutual.objects.filter(listed_publicly=True).exists()
    # Every demo mutual's history ends at its current stage.
    for mutual in Mutual.objects.prefetch_related("stage_changes"):
        current = [change for change in mutual.stage_changes.all() if change.ended_at is None]
        assert [change.to_stage_id for change in current] == [mutual.stage_id]
