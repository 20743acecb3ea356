"""What the engine takes and gives back: the constants, the weights, and frozen dataclasses of NumPy arrays.

The callers (matching services, ambassador engagements, the benchmark) encode their rows into `RequestArrays` and
`MentorArrays`; scoring returns a `TopK`, assignment an `Assignment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import numpy.typing as npt

REMOTE, IN_PERSON, EITHER = 0, 1, 2  # format codes (of a candidate, and of a request)
FORMATS = (REMOTE, IN_PERSON, EITHER)

SCALE = 1_000_000  # score units per 1.0 of score

# How far back helping a mutual at a stage counts, in whole 30-day months: a mentor who accepted an introduction
# from a mutual at that stage m whole months ago (m < RECENCY_MONTHS) has recency level RECENCY_MONTHS - m, and
# the recent-stage component is level / RECENCY_MONTHS (1 this month, falling a step a month, 0 after 540 days).
RECENCY_MONTHS = 18
RECENCY_DAYS_PER_MONTH = 30

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Weights:
    """How much each component of a score counts, each 0 to 1 (only their balance matters). The fields are the
    components, in order: everything else that lists them (COMPONENTS, the weights form and model, the stored
    components of a suggestion) is derived from these six lines."""

    service_area: float = 0.25
    topics: float = 0.35
    region: float = 0.15
    stage: float = 0.05
    capacity: float = 0.15
    recent_stage: float = 0.05  # helped a mutual at the request's stage recently (see RECENCY_MONTHS)

    def as_array(self) -> npt.NDArray[np.float64]:
        return np.array([getattr(self, name) for name in COMPONENTS], dtype=np.float64)

    def as_dict(self) -> dict[str, float]:
        """{component: weight}, in COMPONENTS order: e.g. the fields of a MatchingWeights row."""
        return {name: float(getattr(self, name)) for name in COMPONENTS}

    def validate(self) -> None:
        values = self.as_array()
        for name, value in zip(COMPONENTS, values, strict=True):
            if not math.isfinite(value) or not 0.0 <= value <= 1.0:
                raise ValueError(f"The {name.replace('_', ' ')} weight must be a number from 0 to 1.")
        if values.sum() <= 0.0:
            raise ValueError("At least one weight must be more than 0.")


# The components of a score, in the order of every array with one entry per component (TopK.components, the
# units from rules.component_units): the names of the weights.
COMPONENTS: tuple[str, ...] = tuple(field.name for field in fields(Weights))


@dataclass(frozen=True)
class Taxonomy:
    """Labels for explanations, indexed like the array columns."""

    service_areas: tuple[str, ...]  # lower-case phrases for sentences, e.g. "fire and rescue"
    topics: tuple[str, ...]  # short labels, e.g. "TUPE", "procurement"
    stages: tuple[str, ...]  # e.g. "recently spun out"
    regions: tuple[str, ...]  # e.g. "North West"
    region_adjacency: np.ndarray  # bool (NR, NR), symmetric, False on the diagonal


@dataclass(frozen=True)
class MentorArrays:
    """M candidates: mentors, or ambassadors for engagements. Rows need not be sorted by id."""

    ids: np.ndarray  # int64 (M,) database ids
    service_areas: np.ndarray  # bool (M, S)
    topics: np.ndarray  # bool (M, T)
    stages: np.ndarray  # bool (M, G) stage experience
    region: np.ndarray  # int32 (M,) index into Taxonomy.regions
    format: np.ndarray  # int8 (M,) REMOTE / IN_PERSON / EITHER
    capacity: np.ndarray  # int32 (M,) total capacity (>= 1)
    load: np.ndarray  # int32 (M,) active relationships + pending introductions
    eligible: np.ndarray  # bool (M,) approved and not paused (capacity is checked separately)
    # uint8 (M, G) recency level per stage, 0 to RECENCY_MONTHS (see there); None: no recent help anywhere (e.g.
    # ambassadors).
    stage_recency: np.ndarray | None = field(default=None)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def recency(self) -> npt.NDArray[np.uint8]:
        """`stage_recency`, zeros when not given."""
        if self.stage_recency is None:
            return np.zeros(self.stages.shape, dtype=np.uint8)
        return np.asarray(self.stage_recency, dtype=np.uint8)

    @property
    def spare_capacity(self) -> IntArray:
        """The places each candidate can take now: capacity minus load, never below 0, and 0 when not eligible.

        The one meaning of spare capacity: scoring (who can be suggested, the capacity component), the reasons
        ("Has room for 2 more mutuals"), the loaders' candidate filter, and the `spare_capacity` argument of the
        assignment functions all use it.
        """
        spare = np.maximum(self.capacity.astype(np.int64) - self.load.astype(np.int64), 0)
        return np.where(self.eligible, spare, 0)

    def spare_capacity_at(self, row: int) -> int:
        """`spare_capacity` of one row: the same rule in plain ints, for `explain`, which runs once per pair and
        would otherwise spend most of its time building arrays of one element."""
        if not self.eligible[row]:
            return 0
        return max(int(self.capacity[row]) - int(self.load[row]), 0)


@dataclass(frozen=True)
class RequestArrays:
    """R requests."""

    ids: np.ndarray  # int64 (R,)
    service_areas: np.ndarray  # bool (R, S) the areas asked about (a request has one; a mutual may have several)
    topics: np.ndarray  # bool (R, T) at least one True per row
    stage: np.ndarray  # int32 (R,) index into Taxonomy.stages, -1 unknown
    region: np.ndarray  # int32 (R,)
    format: np.ndarray  # int8 (R,)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class TopK:
    mentor_rows: np.ndarray  # int64 (R, k) row indexes into MentorArrays, -1 where fewer than k feasible
    scores: np.ndarray  # float32 (R, k) in [0, 1], descending per row; 0 where mentor_rows == -1
    components: np.ndarray  # float32 (R, k, len(COMPONENTS)) each component in [0, 1] before weighting


@dataclass(frozen=True)
class Assignment:
    mentor_rows: np.ndarray  # int64 (R,) assigned mentor row, -1 = unassigned
    scores: np.ndarray  # float32 (R,) score of the assigned pair, 0 when unassigned
    total_score: float
    assigned: int
