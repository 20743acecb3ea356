"""Ties are broken fairly: mentors with the same profile are suggested about equally often, whatever their id.
No database."""

from __future__ import annotations

import numpy as np

from matching import engine
from matching.engine import Weights
from tests.matching.engine_builders import TAXONOMY, Mentor, Request, mentor_arrays, request_arrays

TIE_KEY = 0x5EED_F00D_CAFE_BEEF
MENTORS, REQUESTS, K = 200, 2000, 10


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, tied values sharing their mean rank (as Spearman's coefficient wants)."""
    order = np.argsort(values, kind="stable")
    ranked = np.empty(len(values), dtype=np.float64)
    ranked[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        same = values == value
        ranked[same] = ranked[same].mean()
    return ranked


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def exposure(tie_key: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(mentor ids, how many requests suggest each) for identical mentors and identical requests."""
    # Ids in sign-up order with gaps, rows in a shuffled order: neither may matter.
    ids = np.random.default_rng(3).permutation(np.arange(1, MENTORS + 1) * 7 + 100)
    mentors = mentor_arrays(*(Mentor(id=int(mentor_id), capacity=3) for mentor_id in ids))
    requests = request_arrays(*(Request(id=1000 + row) for row in range(REQUESTS)))
    topk = engine.score_top_k(requests, mentors, TAXONOMY, Weights(), k=K, tie_key=tie_key)
    assert (topk.mentor_rows >= 0).all()
    assert len(np.unique(topk.scores)) == 1  # every pair is a true tie
    counts = np.bincount(topk.mentor_rows.ravel(), minlength=MENTORS)
    return mentors.ids, counts


def test_identical_mentors_are_suggested_about_equally_often_whatever_their_id() -> None:
    ids, counts = exposure(TIE_KEY)

    expected = REQUESTS * K / MENTORS  # 100 each
    # Each request picks 10 of 200 alike mentors; by chance alone the counts are about Binomial(2000, 0.05), whose
    # chi-square statistic over 200 mentors is about 190 +- 20. Anything below 280 is within chance.
    chi_square = float(((counts - expected) ** 2 / expected).sum())
    assert chi_square < 280, chi_square
    assert counts.min() > 0.6 * expected
    assert counts.max() < 1.4 * expected
    assert abs(spearman(ids, counts)) < 0.2


def test_without_a_key_ties_go_to_the_lower_ids_which_is_the_skew_the_key_removes() -> None:
    ids, counts = exposure(None)

    assert sorted(ids[counts > 0].tolist()) == sorted(ids.tolist())[:K]
    assert spearman(ids, counts) < -0.3


def test_the_tie_order_is_the_same_for_the_same_data_and_does_not_depend_on_other_requests_or_row_order() -> None:
    mentors = mentor_arrays(*(Mentor(id=mentor_id) for mentor_id in range(10, 60)))
    everyone = request_arrays(*(Request(id=request_id) for request_id in range(1, 30)))
    alone = request_arrays(Request(id=17))
    backwards = engine.MentorArrays(
        **{name: getattr(mentors, name)[::-1].copy() for name in mentors.__dataclass_fields__}
    )

    def top(requests: engine.RequestArrays, pool: engine.MentorArrays, row: int) -> list[int]:
        topk = engine.score_top_k(requests, pool, TAXONOMY, Weights(), k=5, tie_key=TIE_KEY)
        return [int(pool.ids[mentor_row]) for mentor_row in topk.mentor_rows[row]]

    first = top(everyone, mentors, 16)
    assert top(everyone, mentors, 16) == first
    assert top(alone, mentors, 0) == first
    assert top(alone, backwards, 0) == first
    # Another request (and another key) orders the same tie differently.
    assert top(everyone, mentors, 3) != first
    other_key = engine.score_top_k(alone, mentors, TAXONOMY, Weights(), k=5, tie_key=TIE_KEY + 1)
    assert [int(mentors.ids[row]) for row in other_key.mentor_rows[0]] != first


def test_a_real_difference_still_beats_the_tie_order() -> None:
    mentors = mentor_arrays(
        *(Mentor(id=mentor_id, capacity=4, load=1) for mentor_id in range(1, 40)),
        Mentor(id=99, areas=("fire-and-rescue",), capacity=4, load=1),  # the one in the requested service area
        Mentor(id=98, capacity=4),  # more room as a fraction of capacity
    )
    requests = request_arrays(*(Request(id=request_id) for request_id in range(1, 50)))

    topk = engine.score_top_k(requests, mentors, TAXONOMY, Weights(), k=3, tie_key=TIE_KEY)

    for row in range(len(requests)):
        assert [int(mentors.ids[mentor_row]) for mentor_row in topk.mentor_rows[row, :2]] == [99, 98]
