"""Taxonomy terms, regions and formats as the engine's columns and codes, and the helpers every loader shares.

The one encoding of the shared taxonomy: mentors, mentoring requests and ambassadors (ambassadors/ranking.py)
all go through it, so a term has the same column, and a format the same code, whoever is being matched.

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

# Mentor profiles, mentoring requests and ambassadors store their format with the same three values ("remote",
# "in_person", "either"); a test holds their choices to these keys.
FORMAT_CODES: dict[str, int] = {
    MentorProfile.Format.REMOTE: engine.REMOTE,
    MentorProfile.Format.IN_PERSON: engine.IN_PERSON,
    MentorProfile.Format.EITHER: engine.EITHER,
}


def format_codes(values: Iterable[str]) -> np.ndarray:
    """The engine's int8 format codes of stored format values; a value it does not know counts as EITHER."""
    return np.fromiter((FORMAT_CODES.get(value, engine.EITHER) for value in values), dtype=np.int8)


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

    def flags(self, ids: np.ndarray) -> np.ndarray:
        """Bool (N, columns): each row True at the column of its one id (no column for an unknown id)."""
        matrix = np.zeros((len(ids), len(self)), dtype=bool)
        columns = self.of(ids)
        known = columns >= 0
        matrix[np.flatnonzero(known), columns[known]] = True
        return matrix


@dataclass(frozen=True)
class TaxonomyIndex:
    """The taxonomy as the engine sees it: its labels, and for each list the map from database ids to columns
    (regions: to the index the arrays' `region` holds)."""

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


def scatter(row_ids: np.ndarray, pairs: np.ndarray, columns: Columns) -> np.ndarray:
    """Bool (len(row_ids), columns): True at (row of pairs[:, 0], column of pairs[:, 1]). Pairs are (row id, term id),
    e.g. (mentor id, topic id) from a through table; row_ids must be sorted ascending (rows are found by bisection).
    """
    matrix = np.zeros((len(row_ids), len(columns)), dtype=bool)
    if len(pairs) == 0:
        return matrix
    if (np.diff(row_ids) <= 0).any():
        raise ValueError("scatter needs row_ids sorted ascending, without repeats.")
    rows = np.searchsorted(row_ids, pairs[:, 0])
    rows = np.minimum(rows, len(row_ids) - 1)
    cols = columns.of(pairs[:, 1])
    keep = (row_ids[rows] == pairs[:, 0]) & (cols >= 0)
    matrix[rows[keep], cols[keep]] = True
    return matrix


def encode_requests(
    index: TaxonomyIndex,
    *,
    ids: np.ndarray,
    service_area_ids: np.ndarray,
    topic_pairs: np.ndarray,
    stage_ids: np.ndarray | None,
    region_ids: np.ndarray,
    formats: Iterable[str],
) -> engine.RequestArrays:
    """Requests (mentoring or engagement) as the engine's arrays, against `index`'s columns. One row per id, ids
    sorted ascending; `topic_pairs` are (request id, topic id); `stage_ids` None when stages do not apply."""
    count = len(ids)
    stage = np.full(count, -1, dtype=np.int64) if stage_ids is None else index.stages.of(stage_ids)
    return engine.RequestArrays(
        ids=ids,
        service_areas=index.service_areas.flags(service_area_ids),
        topics=scatter(ids, topic_pairs, index.topics),
        stage=stage.astype(np.int32),
        region=index.regions.of(region_ids).astype(np.int32),
        format=format_codes(formats),
    )
