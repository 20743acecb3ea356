"""The public forward look of mutuals in the pipeline: counts by region x service area x stage, quarter by quarter,
and the mutuals that consented to be listed.

What may be published (issue 13): the counts cover every mutual on the pipeline, including those that have not
consented to be listed and the unclaimed emerging projects, so that the figures are true; no count may single one of
them out. Hence:

- a count from 1 to FORWARD_LOOK_SMALL_CELL_THRESHOLD - 1 is never published (shown as "fewer than N"); 0 is;
- a change between two quarters is published only when both counts are;
- a stage's national total for a quarter is suppressed when it is small, and also when exactly one of the cells that
  make it up is suppressed (otherwise the total minus the published cells would give that cell away);
- only mutuals with listed_publicly are named, with their stage and the date they reached it.

Everything is computed in a fixed number of queries, whatever the number of mutuals or stage changes: the stage of
every mutual at each date is a range condition on accounts.StageChange (changed_at < date <= ended_at), counted with
one conditional aggregate per date in a single grouped query.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Mutual, Region, ServiceArea, Stage, StageChange
from accounts.pipeline import current_stage_since

T = TypeVar("T")

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SCHEMA_VERSION = "1.0"


def threshold() -> int:
    return int(getattr(settings, "FORWARD_LOOK_SMALL_CELL_THRESHOLD", 3))


@dataclass(frozen=True)
class Snapshot:
    """A moment the counts are taken at: the end of a past quarter, or now."""

    label: str
    on: date  # the last day the snapshot covers
    at: datetime  # counts include stage changes strictly before this instant

    @property
    def is_today(self) -> bool:
        return self.label.endswith("(today)")


def snapshots(today: date | None = None, quarters: int | None = None) -> list[Snapshot]:
    """The ends of the last `quarters` complete quarters, oldest first, then today."""
    today = today or timezone.localdate()
    quarters = quarters or int(getattr(settings, "FORWARD_LOOK_QUARTERS", 8))
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)  # the first day of this quarter
    starts = []
    for _ in range(quarters):
        starts.append(start)
        start = date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)
    points = [
        Snapshot(
            label=f"{(day - timedelta(days=1)):%-d %b %Y}",
            on=day - timedelta(days=1),
            at=timezone.make_aware(datetime.combine(day, time.min)),
        )
        for day in reversed(starts)
    ]
    tomorrow = today + timedelta(days=1)
    points.append(
        Snapshot(f"{today:%-d %b %Y} (today)", today, timezone.make_aware(datetime.combine(tomorrow, time.min)))
    )
    return points


@dataclass(frozen=True)
class Published:
    """A count as published: `value` is None when the count is suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def publish(count: int) -> Published:
    return Published(None if 0 < count < threshold() else count)


def change(before: Published, after: Published) -> int | None:
    if before.value is None or after.value is None:
        return None
    return after.value - before.value


@dataclass
class CellRow:
    region: Region
    service_area: ServiceArea
    stage: Stage
    counts: list[Published]

    @property
    def current(self) -> Published:
        return self.counts[-1]

    @property
    def change_since_last_quarter(self) -> int | None:
        return change(self.counts[-2], self.counts[-1]) if len(self.counts) > 1 else None


@dataclass
class StageRow:
    stage: Stage
    counts: list[Published]
    changes: list[int | None] = field(default_factory=list)


@dataclass
class ForwardLook:
    snapshots: list[Snapshot]
    threshold: int
    cells: list[CellRow]
    stages: list[StageRow]


def _conditional_counts(points: list[Snapshot]) -> dict[str, Count]:
    return {
        f"at_{index}": Count(
            "pk", filter=Q(changed_at__lt=point.at) & (Q(ended_at__isnull=True) | Q(ended_at__gte=point.at))
        )
        for index, point in enumerate(points)
    }


def fingerprint() -> str:
    """Changes whenever anything the counts depend on may have changed: a stage change written (ids only grow), a
    mutual added, removed or edited (its region or service areas). One indexed query."""
    row = Mutual.objects.aggregate(count=Count("pk"), edited=Max("updated_at"))
    latest = StageChange.objects.aggregate(latest=Max("pk"))["latest"]
    edited = row["edited"].isoformat() if row["edited"] else "-"
    return f"{row['count']}:{edited}:{latest}"


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()`, cached for FORWARD_LOOK_CACHE_SECONDS under a key that changes with the data (fingerprint)."""
    seconds = int(getattr(settings, "FORWARD_LOOK_CACHE_SECONDS", 300))
    if seconds <= 0:
        return build()
    today = timezone.localdate()
    settings_part = f"{threshold()}:{len(snapshots(today))}"
    key = f"forward-look:{SCHEMA_VERSION}:{name}:{today.isoformat()}:{settings_part}:{fingerprint()}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found  # type: ignore[no-any-return]


def forward_look(today: date | None = None) -> ForwardLook:
    """The published counts, cached (FORWARD_LOOK_CACHE_SECONDS) under a key that changes with the data, so a
    cached answer is never stale: the page, the CSV and the JSON share one computation."""
    if today is not None:
        return _compute(today)  # a chosen day (tests, back-dated views) is computed afresh
    return cached("counts", lambda: _compute(timezone.localdate()))


def _compute(today: date) -> ForwardLook:
    """The published counts. Five queries: the taxonomy (3) and the grouped counts (2)."""
    points = snapshots(today)
    regions = {region.pk: region for region in Region.objects.all()}
    areas = {area.pk: area for area in ServiceArea.objects.all()}
    stages = {stage.pk: stage for stage in Stage.objects.all()}
    counted = _conditional_counts(points)
    # Only rows that were current at some snapshot: opened before the last one, not closed before the first one.
    history = StageChange.objects.filter(changed_at__lt=points[-1].at).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=points[0].at)
    )
    grouped = history.values("mutual__region_id", "mutual__service_areas", "to_stage_id").annotate(**counted).order_by()
    cells: list[CellRow] = []
    suppressed_cells: dict[tuple[int, int], int] = defaultdict(int)  # (stage, snapshot) -> cells suppressed
    for row in grouped:
        raw: list[int] = [row[f"at_{index}"] for index in range(len(points))]  # type: ignore[literal-required]
        area_id, stage_id = row["mutual__service_areas"], row["to_stage_id"]
        if not any(raw) or area_id is None:
            continue
        counts = [publish(count) for count in raw]
        for index, published in enumerate(counts):
            suppressed_cells[(stage_id, index)] += published.suppressed
        cells.append(CellRow(regions[row["mutual__region_id"]], areas[area_id], stages[stage_id], counts))
    cells.sort(key=lambda c: (c.region.order, c.region.name, c.service_area.order, c.service_area.name, c.stage.order))

    totals: dict[int, dict[str, int]] = {
        row["to_stage_id"]: row  # type: ignore[misc]
        for row in history.values("to_stage_id").annotate(**counted).order_by()
    }
    stage_rows = []
    for stage in stages.values():
        counts = []
        for index in range(len(points)):
            count = totals.get(stage.pk, {}).get(f"at_{index}", 0)
            # Secondary suppression: one suppressed cell under a published total could be worked out by subtraction.
            counts.append(Published(None) if suppressed_cells[(stage.pk, index)] == 1 else publish(count))
        changes = [None, *(change(before, after) for before, after in itertools.pairwise(counts))]
        stage_rows.append(StageRow(stage, counts, changes))
    return ForwardLook(snapshots=points, threshold=threshold(), cells=cells, stages=stage_rows)


def listed_mutuals() -> QuerySet[Mutual]:
    """The mutuals that consented to be listed, with their stage and the date they reached it. Nobody else."""
    return (
        Mutual.objects.filter(listed_publicly=True)
        .select_related("region", "stage")
        .prefetch_related("service_areas")
        .annotate(stage_since=current_stage_since())
        .order_by("name", "pk")
    )
