"""Taxonomy terms, regions and formats as the engine's columns and codes, and the helpers every loader shares.

Many-to-many fields are read straight from their through tables with values_list and scattered into boolean
matrices with NumPy, so loading costs a handful of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from accounts.models import MentorProfile, Region, ServiceArea, Stage, SupportTopic
from matching import engine
from matching.models import MentoringRequest

FORMAT_CODES: dict[str, int] = {
    MentorProfile.Format.REMOTE: engine.REMOTE,
    MentorProfile.Format.IN_PERSON: engine.IN_PERSON,
    MentorProfile.Format.EITHER: engine.EITHER,
}
# The request's Format has the same values ("remote", "in_person", "either") as the mentor's.
REQUEST_FORMAT_CODES: dict[str, int] = {
    MentoringRequest.Format.REMOTE: engine.REMOTE,
    MentoringRequest.Format.IN_PERSON: engine.IN_PERSON,
    MentoringRequest.Format.EITHER: engine.EITHER,
}


@dataclass(frozen=True)
class Columns:
    """Maps database ids of one taxonomy list to array columns: column[id] is the column, -1 if unknown."""

    ids: np.ndarray
    column: np.ndarray

    @classmethod
    def build(cls, ids: Iterable[int]) -> Columns:
        id_array = np.fromiter(ids, dtype=np.int64)
        column = np.full(int(id_array.max(initial=0)) + 1, -1, dtype=np.int64)
        column[id_array] = np.arange(len(id_array), dtype=np.int64)
        return cls(ids=id_array, column=column)

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, ids: np.ndarray) -> np.ndarray:
        """Columns of the given ids (-1 for ids added since the table was built)."""
        inside = ids < len(self.column)
        result = np.full(len(ids), -1, dtype=np.int64)
        result[inside] = self.column[ids[inside]]
        return result


@dataclass(frozen=True)
class TaxonomyIndex:
    taxonomy: engine.Taxonomy
    service_areas: Columns
    topics: Columns
    stages: Columns
    regions: Columns


def load_taxonomy() -> TaxonomyIndex:
    """Every taxonomy term, inactive ones included: old requests and profiles may still use them."""
    areas = list(ServiceArea.objects.order_by("order", "name", "id").values_list("id", "name"))
    topics = list(SupportTopic.objects.order_by("order", "name", "id").values_list("id", "name", "short_name"))
    stages = list(Stage.objects.order_by("order", "name", "id").values_list("id", "name"))
    regions = list(Region.objects.order_by("order", "name", "id").values_list("id", "name"))
    region_columns = Columns.build(row[0] for row in regions)
    adjacency = np.zeros((len(regions), len(regions)), dtype=bool)
    pairs = id_pairs(Region.neighbours.through.objects.values_list("from_region_id", "to_region_id"))
    if len(pairs):
        adjacency[region_columns.of(pairs[:, 0]), region_columns.of(pairs[:, 1])] = True
        adjacency |= adjacency.T
    np.fill_diagonal(adjacency, False)
    taxonomy = engine.Taxonomy(
        service_areas=tuple(name.lower() for _, name in areas),
        topics=tuple(short_name or name for _, name, short_name in topics),
        stages=tuple(name.lower() for _, name in stages),
        regions=tuple(name for _, name in regions),
        region_adjacency=adjacency,
    )
    return TaxonomyIndex(
        taxonomy=taxonomy,
        service_areas=Columns.build(row[0] for row in areas),
        topics=Columns.build(row[0] for row in topics),
        stages=Columns.build(row[0] for row in stages),
        regions=region_columns,
    )


def id_rows(rows: QuerySet[Any, tuple[int, ...]] | list[tuple[int, ...]], width: int = 2) -> np.ndarray:
    """(N, width) int64 array of id tuples. A values_list queryset is run on a plain cursor: with tens of thousands
    of rows, skipping Django's per-row conversion is most of the loading time."""
    if isinstance(rows, QuerySet):
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if not rows:
        return np.empty((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def id_pairs(rows: QuerySet[Any, tuple[int, int]] | list[tuple[int, int]]) -> np.ndarray:
    return id_rows(rows, width=2)  # type: ignore[arg-type]


def scatter(shape: tuple[int, int], row_ids: np.ndarray, pairs: np.ndarray, columns: Columns) -> np.ndarray:
    """Boolean matrix with True at (row of pairs[:, 0], column of pairs[:, 1]); row_ids must be sorted."""
    matrix = np.zeros(shape, dtype=bool)
    if len(pairs) == 0:
        return matrix
    rows = np.searchsorted(row_ids, pairs[:, 0])
    rows = np.minimum(rows, len(row_ids) - 1)
    cols = columns.of(pairs[:, 1])
    keep = (row_ids[rows] == pairs[:, 0]) & (cols >= 0)
    matrix[rows[keep], cols[keep]] = True
    return matrix
