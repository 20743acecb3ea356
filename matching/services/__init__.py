"""Every write for mentoring requests, suggestions, introductions, runs, weights and batch proposals.

Keyword-only functions named <entity>_<verb>. Each checks the current state first and raises `MatchingError` when
the change is not allowed. Celery work is enqueued only after the transaction commits.

Computing suggestions follows one rule: compute everything first, then write in one transaction at the end, so a
run that fails halfway leaves the previous suggestions in place (and is recorded as failed with its error).

One module per entity; this package re-exports their public names, so callers write `services.request_submit`:
- requests.py       raising, editing, withdrawing, reopening requests; the programme team's queue
- introductions.py  the mutual's choices, introductions sent in turn, answers, expiry, staff introductions
- runs.py           computing and storing suggestions; recording runs; recovering runs whose worker died
- partitions.py     a full rematch spread over the workers in blocks of requests, merged and stored once
- mentor_reach.py   which open requests one mentor can affect (what a mentor's refresh reads)
- batches.py        batch proposals: draft, review, discard
- publishing.py     publishing a batch proposal from a worker, in bulk
- weights.py        versions of the matching weights
- common.py         the domain error, limits, notices to people, enqueueing refreshes
"""

from matching.services.batches import (
    batch_discard,
    batch_propose,
    batch_remove_pair,
)
from matching.services.common import (
    MAX_PREFERENCES,
    PERSIST_BATCH_SIZE,
    SMALL_BATCH,
    SUGGESTIONS_PER_REQUEST,
    MatchingError,
    mentor_profile_changed,
)
from matching.services.introductions import (
    PROGRAMME_SOURCES,
    Accepted,
    introduction_accept,
    introduction_decline,
    introduction_send,
    introduction_withdraw_for_mutual,
    introductions_expire,
    preferences_choose,
    staff_introduce,
)
from matching.services.partitions import (
    rematch_block_score,
    rematch_blocks_merge,
    rematch_blocks_recover,
    rematch_full_spread,
)
from matching.services.publishing import (
    MENTOR_REFRESH_LIMIT,
    batch_publish,
    batch_publish_queue,
    publish_in_progress,
    suggestions_refresh_after_bulk_change,
)
from matching.services.requests import (
    request_mark_needs_attention,
    request_place_in_group,
    request_record_no_match,
    request_reopen,
    request_submit,
    request_update,
    request_withdraw,
)
from matching.services.runs import (
    WORKER_STOPPED,
    PhaseClock,
    Ranking,
    batch_queue,
    match_run_claim,
    match_run_queue,
    match_runs_recover,
    rematch_full,
    suggestions_refresh_for_mentor,
    suggestions_refresh_for_request,
)
from matching.services.weights import (
    weights_save,
)

__all__ = [
    "MAX_PREFERENCES",
    "MENTOR_REFRESH_LIMIT",
    "PERSIST_BATCH_SIZE",
    "PROGRAMME_SOURCES",
    "SMALL_BATCH",
    "SUGGESTIONS_PER_REQUEST",
    "WORKER_STOPPED",
    "Accepted",
    "MatchingError",
    "PhaseClock",
    "Ranking",
    "batch_discard",
    "batch_propose",
    "batch_publish",
    "batch_publish_queue",
    "batch_queue",
    "batch_remove_pair",
    "introduction_accept",
    "introduction_decline",
    "introduction_send",
    "introduction_withdraw_for_mutual",
    "introductions_expire",
    "match_run_claim",
    "match_run_queue",
    "match_runs_recover",
    "mentor_profile_changed",
    "preferences_choose",
    "publish_in_progress",
    "rematch_block_score",
    "rematch_blocks_merge",
    "rematch_blocks_recover",
    "rematch_full",
    "rematch_full_spread",
    "request_mark_needs_attention",
    "request_place_in_group",
    "request_record_no_match",
    "request_reopen",
    "request_submit",
    "request_update",
    "request_withdraw",
    "staff_introduce",
    "suggestions_refresh_after_bulk_change",
    "suggestions_refresh_for_mentor",
    "suggestions_refresh_for_request",
    "weights_save",
]
