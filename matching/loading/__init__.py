"""Encodes profiles from the database into the engine's arrays, in a few bulk queries.

One module per kind of row; this package re-exports their public names, so callers write `loading.mentor_table()`:
- taxonomy.py  taxonomy terms, regions and formats as columns and codes; the bulk-reading helpers every loader uses
- mentors.py   the cached table of approved mentors, and their load and pauses read fresh
- requests.py  mentoring requests, and the pairs each must never be suggested
- inputs.py    prepare(): the mentors and the requests together, where every mentor-matching computation starts
"""

from matching.loading.inputs import EngineInput, prepare, tie_key
from matching.loading.mentors import (
    MENTOR_TABLE_GENERATION_KEY,
    MentorTable,
    encode_mentor_table,
    forget_mentor_table,
    mentor_arrays,
    mentor_subset,
    mentor_table,
    mentor_table_fingerprint,
    mentor_table_not_kept,
    stage_recency,
)
from matching.loading.requests import (
    RequestBatch,
    candidates_only,
    excluded_pairs,
    load_requests,
    request_subset,
)
from matching.loading.taxonomy import (
    FORMAT_CODES,
    Columns,
    TaxonomyIndex,
    encode_requests,
    format_codes,
    id_pairs,
    id_rows,
    load_taxonomy,
    scatter,
)

__all__ = [
    "FORMAT_CODES",
    "MENTOR_TABLE_GENERATION_KEY",
    "Columns",
    "EngineInput",
    "MentorTable",
    "RequestBatch",
    "TaxonomyIndex",
    "candidates_only",
    "encode_mentor_table",
    "encode_requests",
    "excluded_pairs",
    "forget_mentor_table",
    "format_codes",
    "id_pairs",
    "id_rows",
    "load_requests",
    "load_taxonomy",
    "mentor_arrays",
    "mentor_subset",
    "mentor_table",
    "mentor_table_fingerprint",
    "mentor_table_not_kept",
    "prepare",
    "request_subset",
    "scatter",
    "stage_recency",
    "tie_key",
]
