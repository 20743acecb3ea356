"""Invariants of the matching engine on random data (hypothesis). No database."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import engine
from matching.engine import IN_PERSON, REMOTE, Assignment, TopK, Weights
from matching.engine.reference import top_k_loop
from tests.matching.engine_builders import random_case

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

weight_values = st.sampled_from([0.0, 0.05, 0.1, 0.15, 0.25, 0.35, 0.5, 1.0])
weights_strategy = st.builds(
    Weights,
    service_area=weight_values,
    topics=weight_values,
    region=weight_values,
    stage=weight_values,
    capacity=weight_values,
    recent_stage=weight_values,
).filter(lambda weights: weights.as_array().sum() > 0)


@st.composite
def cases(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    case = random_case(
        draw(st.integers(0, 2**32 - 1)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 60)),
        topic_count=draw(st.integers(1, 6)),
        area_count=draw(st.integers(1, 4)),
        stage_count=draw(st.integers(1, 3)),
        region_count=draw(st.integers(1, 5)),
    )
    tie_key = draw(st.one_of(st.none(), st.integers(0, 2**64 - 1)))
    return case, draw(weights_strategy), draw(st.integers(1, 6)), draw(st.integers(1, 13)), tie_key


def units_of(scores: np.ndarray) -> np.ndarray:
    return np.rint(scores.astype(np.float64) * engine.SCALE).astype(np.int64)


@PROPERTY_SETTINGS
@given(cases())
def test_suggestions_are_feasible_sorted_and_the_same_as_the_reference(drawn: tuple) -> None:  # type: ignore[type-arg]
    case, weights, k, block_rows, tie_key = drawn
    requests, mentors, taxonomy = case.requests, case.mentors, case.taxonomy

    topk = engine.score_top_k(
        requests,
        mentors,
        taxonomy,
        weights,
        k=k,
        excluded_pairs=case.excluded_pairs,
        block_rows=block_rows,
        tie_key=tie_key,
    )

    excluded = {(int(r), int(m)) for r, m in case.excluded_pairs}
    near = np.eye(len(taxonomy.regions), dtype=bool) | taxonomy.region_adjacency
    for row in range(len(requests)):
        mentor_rows, scores = topk.mentor_rows[row], topk.scores[row]
        found = mentor_rows[mentor_rows >= 0]
        assert (mentor_rows[len(found) :] == -1).all()  # gaps only at the end
        assert (scores[len(found) :] == 0).all()
        assert len(set(found.tolist())) == len(found)
        assert ((scores >= 0) & (scores <= 1)).all()
        assert (np.diff(scores) <= 0).all()
        assert ((topk.components[row] >= 0) & (topk.components[row] <= 1)).all()
        for mentor_row in found.tolist():
            assert (row, mentor_row) not in excluded
            assert mentors.eligible[mentor_row]
            assert mentors.capacity[mentor_row] > mentors.load[mentor_row]
            assert (requests.topics[row] & mentors.topics[mentor_row]).any()
            formats = {int(requests.format[row]), int(mentors.format[mentor_row])}
            assert formats != {IN_PERSON, REMOTE}
            if IN_PERSON in formats:
                assert near[requests.region[row], mentors.region[mentor_row]]

    expected = top_k_loop(
        requests, mentors, taxonomy, weights, k=k, excluded_pairs=case.excluded_pairs, tie_key=tie_key
    )
    units = units_of(topk.scores)
    for row, pairs in expected.items():
        assert [(int(m), int(u)) for m, u in zip(topk.mentor_rows[row], units[row], strict=True) if m >= 0] == pairs


@PROPERTY_SETTINGS
@given(cases())
def test_every_suggestion_is_explained_the_same_way_one_by_one(drawn: tuple) -> None:  # type: ignore[type-arg]
    case, weights, k, _, tie_key = drawn
    topk = engine.score_top_k(
        case.requests, case.mentors, case.taxonomy, weights, k=k, excluded_pairs=case.excluded_pairs, tie_key=tie_key
    )

    reasons = engine.explain_top_k(topk, case.requests, case.mentors, case.taxonomy)

    assert len(reasons) == len(case.requests)
    for row, per_request in enumerate(reasons):
        assert len(per_request) == int((topk.mentor_rows[row] >= 0).sum())
        for slot, sentences in enumerate(per_request):
            mentor_row = int(topk.mentor_rows[row, slot])
            one = engine.explain(
                row, mentor_row, topk.components[row, slot], case.requests, case.mentors, case.taxonomy
            )
            assert sentences == one
            # A suggested mentor always covers a topic and has room.
            assert any(sentence.startswith("Covers") for sentence in sentences)
            assert any(sentence.startswith("Has room for") for sentence in sentences)
            # Recent help at the request's stage is said when, and only when, it counted.
            recent = [sentence for sentence in sentences if sentence.startswith("Started mentoring")]
            level = int(case.mentors.recency[mentor_row, max(int(case.requests.stage[row]), 0)])
            assert len(recent) == (1 if case.requests.stage[row] >= 0 and level > 0 else 0)


@st.composite
def ranked_candidates(draw: st.DrawFn) -> tuple[TopK, np.ndarray]:
    """Any top-k lists over a few mentors (ties and zero scores included) and any spare capacity."""
    request_count = draw(st.integers(1, 7))
    mentor_count = draw(st.integers(1, 5))
    k = draw(st.integers(1, 3))
    mentor_rows = np.full((request_count, k), -1, dtype=np.int64)
    scores = np.zeros((request_count, k), dtype=np.float32)
    unit_values = st.sampled_from([0, 1, 250_000, 500_000, 500_000, 750_000, 999_999, 1_000_000])
    for row in range(request_count):
        chosen = draw(st.lists(st.integers(0, mentor_count - 1), max_size=k, unique=True))
        units = sorted((draw(unit_values) for _ in chosen), reverse=True)
        mentor_rows[row, : len(chosen)] = chosen
        scores[row, : len(chosen)] = engine.units_to_scores(units)
    spare = np.array(draw(st.lists(st.integers(0, 3), min_size=mentor_count, max_size=mentor_count)))
    components = np.zeros((request_count, k, len(engine.COMPONENTS)), dtype=np.float32)
    return TopK(mentor_rows=mentor_rows, scores=scores, components=components), spare


def check_assignment(assignment: Assignment, topk: TopK, spare: np.ndarray, groups: np.ndarray | None = None) -> None:
    """Capacities kept, one mentor at most per request, from its own candidates, and (with groups) never two
    requests of one group; no request left out while one of its candidates still has room (and is still free for
    its group); totals consistent."""
    assigned = assignment.mentor_rows
    for row, mentor_row in enumerate(assigned.tolist()):
        if mentor_row >= 0:
            assert mentor_row in topk.mentor_rows[row].tolist()
            slot = topk.mentor_rows[row].tolist().index(mentor_row)
            assert assignment.scores[row] == topk.scores[row, slot]
        else:
            assert assignment.scores[row] == 0
    used = np.bincount(assigned[assigned >= 0], minlength=spare.shape[0])
    assert (used <= np.maximum(spare, 0)).all()
    group_of = np.zeros(assigned.shape[0], dtype=np.int64) if groups is None else groups
    pairs = [(int(group_of[row]), mentor) for row, mentor in enumerate(assigned.tolist()) if mentor >= 0]
    if groups is not None:
        assert len(pairs) == len(set(pairs))
    left = spare - used
    for row, mentor_row in enumerate(assigned.tolist()):
        if mentor_row < 0:
            candidates = topk.mentor_rows[row][topk.mentor_rows[row] >= 0]
            for candidate in candidates.tolist():
                free_for_group = groups is None or (int(group_of[row]), candidate) not in pairs
                assert left[candidate] <= 0 or not free_for_group
    assert assignment.assigned == int((assigned >= 0).sum())
    assert round(assignment.total_score * engine.SCALE) == int(units_of(assignment.scores).sum())


def best_total_by_brute_force(topk: TopK, spare: np.ndarray, groups: np.ndarray | None = None) -> int:
    units = units_of(topk.scores)
    options = [
        [None, *[(int(m), int(u)) for m, u in zip(topk.mentor_rows[row], units[row], strict=True) if m >= 0]]
        for row in range(topk.mentor_rows.shape[0])
    ]
    best = 0
    for choice in itertools.product(*options):
        taken = [pick[0] for pick in choice if pick is not None]
        if not all(taken.count(mentor) <= spare[mentor] for mentor in set(taken)):
            continue
        if groups is not None:
            keys = [(int(groups[row]), pick[0]) for row, pick in enumerate(choice) if pick is not None]
            if len(keys) != len(set(keys)):
                continue
        best = max(best, sum(pick[1] for pick in choice if pick is not None))
    return best


@settings(max_examples=100, deadline=None)
@given(ranked_candidates())
def test_optimal_assignment_is_optimal_feasible_and_never_worse_than_greedy(drawn: tuple[TopK, np.ndarray]) -> None:
    topk, spare = drawn

    optimal = engine.assign_optimal(topk, spare)
    greedy = engine.assign_greedy(topk, spare)

    check_assignment(optimal, topk, spare)
    check_assignment(greedy, topk, spare)
    optimal_units = int(units_of(optimal.scores).sum())
    assert optimal_units >= int(units_of(greedy.scores).sum())
    assert optimal_units == best_total_by_brute_force(topk, spare)


@settings(max_examples=150, deadline=None)
@given(ranked_candidates(), st.data())
def test_grouped_assignment_never_gives_one_mentor_two_requests_of_a_group(
    drawn: tuple[TopK, np.ndarray], data: st.DataObject
) -> None:
    topk, spare = drawn
    request_count = topk.mentor_rows.shape[0]
    groups = np.array(data.draw(st.lists(st.integers(0, 2), min_size=request_count, max_size=request_count)))

    optimal = engine.assign_optimal(topk, spare, groups)
    greedy = engine.assign_greedy(topk, spare, groups)

    check_assignment(optimal, topk, spare, groups)
    check_assignment(greedy, topk, spare, groups)
    optimal_units = int(units_of(optimal.scores).sum())
    assert optimal_units >= int(units_of(greedy.scores).sum())
    assert optimal_units == best_total_by_brute_force(topk, spare, groups)


@PROPERTY_SETTINGS
@given(cases())
def test_assignment_of_engine_suggestions_keeps_capacity(drawn: tuple) -> None:  # type: ignore[type-arg]
    case, weights, k, _, tie_key = drawn
    topk = engine.score_top_k(
        case.requests, case.mentors, case.taxonomy, weights, k=k, excluded_pairs=case.excluded_pairs, tie_key=tie_key
    )
    spare = case.mentors.spare_capacity

    optimal = engine.assign_optimal(topk, spare)
    greedy = engine.assign_greedy(topk, spare)

    check_assignment(optimal, topk, spare)
    check_assignment(greedy, topk, spare)
    assert optimal.total_score >= greedy.total_score - 1e-9
