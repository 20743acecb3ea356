"""The matching engine: score mentors for mentoring requests, explain the scores, assign requests to mentors.

Pure functions over NumPy arrays and frozen dataclasses; no ORM, no settings, no request. The callers (matching
services, ambassador engagements, the benchmark) encode their rows into `RequestArrays` and `MentorArrays`.

One module per part; this package re-exports their public names, so callers write `engine.score_top_k`:
- datatypes.py     constants (components, format codes, score scale), weights, the array dataclasses in and out
- rules.py         the scoring rules every path shares: fixed-point units, region table, strength bands
- encoding.py      the feature matrices scoring multiplies, and each request category's feasible mentors
- scoring.py       score_top_k: the best k mentors per request, fast and in bounded memory
- explanations.py  plain-language reasons for each suggested pair
- assignment.py    optimal (min-cost flow) and greedy assignment within spare capacity
- reference.py     the same scoring one pair at a time in plain Python: the tests' oracle and the benchmark's
                   baseline (not imported here: production code never needs it)
"""

from matching.engine.assignment import assign_greedy, assign_optimal
from matching.engine.datatypes import (
    COMPONENTS,
    EITHER,
    FORMATS,
    IN_PERSON,
    RECENCY_DAYS_PER_MONTH,
    RECENCY_MONTHS,
    REMOTE,
    SCALE,
    Assignment,
    BoolArray,
    FloatArray,
    IntArray,
    MentorArrays,
    RequestArrays,
    Taxonomy,
    TopK,
    Weights,
)
from matching.engine.explanations import explain, explain_top_k, explanation_texts, region_phrase
from matching.engine.rules import (
    GOOD_MATCH,
    STRONG_MATCH,
    component_units,
    region_tenths_table,
    strength_band,
    tie_codes,
    units_to_scores,
)
from matching.engine.scoring import default_workers, pair_components, score_top_k

__all__ = [
    "COMPONENTS",
    "EITHER",
    "FORMATS",
    "GOOD_MATCH",
    "IN_PERSON",
    "RECENCY_DAYS_PER_MONTH",
    "RECENCY_MONTHS",
    "REMOTE",
    "SCALE",
    "STRONG_MATCH",
    "Assignment",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "MentorArrays",
    "RequestArrays",
    "Taxonomy",
    "TopK",
    "Weights",
    "assign_greedy",
    "assign_optimal",
    "component_units",
    "default_workers",
    "explain",
    "explain_top_k",
    "explanation_texts",
    "pair_components",
    "region_phrase",
    "region_tenths_table",
    "score_top_k",
    "strength_band",
    "tie_codes",
    "units_to_scores",
]
