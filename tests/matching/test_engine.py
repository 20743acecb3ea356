"""The matching engine on hand-built cases whose best answer is known. No database."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from matching import engine
from matching.engine import EITHER, IN_PERSON, REMOTE, TopK, Weights
from matching.engine.reference import top_k_loop
from tests.matching.engine_builders import (
    TAXONOMY,
    Mentor,
    Request,
    mentor_arrays,
    random_case,
    request_arrays,
    suggested_ids,
)

FIRE_TUPE_NORTH_WEST = Request(id=1, areas=("fire-and-rescue",), topics=("tupe-and-employment",))


def rank(requests, mentors, **options):  # type: ignore[no-untyped-def]
    return engine.score_top_k(requests, mentors, TAXONOMY, options.pop("weights", Weights()), **options)


def test_fire_and_rescue_mutual_in_the_north_west_asking_for_tupe_gets_the_fire_tupe_north_west_mentor_first() -> None:
    mentors = mentor_arrays(
        Mentor(id=10, areas=("libraries-and-culture",)),  # everything but the service area
        Mentor(id=20, areas=("fire-and-rescue",), region="london"),  # far away, both can meet remotely
        Mentor(id=5, areas=("fire-and-rescue",), topics=("procurement-and-commissioning",)),  # no TUPE at all
        # The one, who started mentoring a mutual at this stage this month.
        Mentor(
            id=30,
            areas=("fire-and-rescue",),
            topics=("tupe-and-employment", "pensions"),
            recency=(("recently-spun-out", 18), ("exploring", 9)),
        ),
        Mentor(id=40, areas=("fire-and-rescue",), region="yorkshire-and-the-humber"),  # a neighbouring region
        Mentor(id=50, areas=("fire-and-rescue",), capacity=4, load=3),  # nearly full
    )

    topk = rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentors, k=10)

    assert suggested_ids(topk.mentor_rows[0], mentors) == [30, 40, 20, 50, 10]
    # 0.25 area + 0.35 topics + 0.15 region (x1, x0.6, x0.3) + 0.05 stage + 0.15 capacity (spare / capacity)
    # + 0.05 recent help at the request's stage (only mentor 30).
    assert topk.scores[0, :5].tolist() == pytest.approx([1.0, 0.89, 0.845, 0.8375, 0.7], abs=1e-6)
    assert topk.mentor_rows[0, 5:].tolist() == [-1] * 5
    assert topk.scores[0, 5:].tolist() == [0.0] * 5
    assert topk.components[0, 0].tolist() == [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert topk.components[0, 1, 5] == 0.0
    assert topk.components[0, 2].tolist() == pytest.approx([1.0, 1.0, 0.3, 1.0, 1.0, 0.0])
    assert topk.components[0, 3].tolist() == pytest.approx([1.0, 1.0, 1.0, 1.0, 0.25, 0.0])


def test_explanations_say_why_in_plain_language() -> None:
    mentors = mentor_arrays(
        # Started mentoring a mutual at the request's stage 5 whole months ago (level 18 - 5).
        Mentor(
            id=30,
            areas=("fire-and-rescue",),
            topics=("tupe-and-employment", "pensions"),
            recency=(("recently-spun-out", 13),),
        ),
        # 15 whole months ago.
        Mentor(
            id=40,
            areas=("fire-and-rescue",),
            region="yorkshire-and-the-humber",
            capacity=3,
            load=2,
            recency=(("recently-spun-out", 3),),
        ),
        # Recent help only at another stage: not said.
        Mentor(
            id=20,
            areas=("probation",),
            topics=("pensions",),
            stages=("exploring",),
            region="london",
            recency=(("exploring", 18),),
        ),
    )
    request = Request(id=1, topics=("tupe-and-employment", "pensions", "procurement-and-commissioning"))
    requests = request_arrays(request)

    topk = rank(requests, mentors)
    reasons = engine.explain_top_k(topk, requests, mentors, TAXONOMY)

    assert suggested_ids(topk.mentor_rows[0], mentors) == [30, 40, 20]
    assert reasons[0][0] == [
        "Works in fire and rescue",
        "Covers 2 of your 3 topics: TUPE, pensions",
        "Also in the North West",
        "Has helped mutuals at your stage: launched",
        "Has room for 2 more mutuals",
        "Started mentoring a mutual at your stage (launched) in the last year",
    ]
    assert reasons[0][1] == [
        "Works in fire and rescue",
        "Covers 1 of your 3 topics: TUPE",
        "Based nearby, in Yorkshire and the Humber",
        "Has helped mutuals at your stage: launched",
        "Has room for 1 more mutual",
        "Started mentoring a mutual at your stage (launched) in the last 18 months",
    ]
    # No shared area or stage: no sentence for them.
    assert reasons[0][2] == [
        "Covers 1 of your 3 topics: pensions",
        "Based in London; you can both meet remotely",
        "Has room for 2 more mutuals",
    ]
    for slot in range(3):
        one = engine.explain(0, int(topk.mentor_rows[0, slot]), topk.components[0, slot], requests, mentors, TAXONOMY)
        assert one == reasons[0][slot]


@pytest.mark.parametrize(
    ("level", "period"),
    [(18, "the last year"), (7, "the last year"), (6, "the last 18 months"), (1, "the last 18 months")],
)
def test_recent_help_at_the_stage_is_said_for_the_period_it_falls_in(level: int, period: str) -> None:
    # Level 7: 11 whole 30-day months ago, so under 360 days; level 6: 12 months, up to 389 days (not within a year).
    mentors = mentor_arrays(Mentor(id=1, recency=(("recently-spun-out", level),)))
    requests = request_arrays(FIRE_TUPE_NORTH_WEST)

    topk = rank(requests, mentors)

    assert topk.components[0, 0, 5] == pytest.approx(level / engine.RECENCY_MONTHS)
    sentence = f"Started mentoring a mutual at your stage (launched) in {period}"
    assert engine.explain_top_k(topk, requests, mentors, TAXONOMY)[0][0][-1] == sentence
    assert engine.explain(0, 0, topk.components[0, 0], requests, mentors, TAXONOMY)[-1] == sentence


def test_recent_help_at_the_request_stage_breaks_an_otherwise_equal_tie() -> None:
    mentors = mentor_arrays(
        Mentor(id=1), Mentor(id=2, recency=(("recently-spun-out", 4),)), Mentor(id=3, recency=(("exploring", 18),))
    )

    topk = rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentors, k=3)

    assert suggested_ids(topk.mentor_rows[0], mentors) == [2, 1, 3]  # help at another stage does not count
    assert topk.scores[0, 0] > topk.scores[0, 1] == topk.scores[0, 2]


def test_explanations_after_the_mentor_changed_leave_out_what_is_no_longer_true() -> None:
    requests = request_arrays(FIRE_TUPE_NORTH_WEST)
    topk = rank(requests, mentor_arrays(Mentor(id=1, areas=("fire-and-rescue",))))
    # Since the suggestion was scored the mentor filled up and dropped TUPE and fire and rescue.
    changed = mentor_arrays(Mentor(id=1, areas=("probation",), topics=("tax",), load=2))

    reasons = engine.explain_top_k(topk, requests, changed, TAXONOMY)
    one = engine.explain(0, 0, topk.components[0, 0], requests, changed, TAXONOMY)

    expected = ["Also in the North West", "Has helped mutuals at your stage: launched"]
    assert reasons == [[expected]]
    assert one == expected


@pytest.mark.parametrize(
    ("requested", "mentor_topics", "sentence"),
    [
        (("tupe-and-employment",), ("tupe-and-employment",), "Covers your topic: TUPE"),
        (
            ("tupe-and-employment", "pensions"),
            ("tupe-and-employment", "pensions"),
            "Covers both of your topics: TUPE, pensions",
        ),
        (
            ("business-planning", "tupe-and-employment", "pensions"),
            ("business-planning", "tupe-and-employment", "pensions", "tax"),
            "Covers all 3 of your topics: business planning, TUPE, pensions",
        ),
    ],
)
def test_topic_sentence_wording(requested: tuple[str, ...], mentor_topics: tuple[str, ...], sentence: str) -> None:
    mentors = mentor_arrays(Mentor(id=1, topics=mentor_topics))
    requests = request_arrays(Request(id=1, topics=requested))
    topk = rank(requests, mentors)
    assert engine.explain_top_k(topk, requests, mentors, TAXONOMY)[0][0][0] == sentence  # no shared area


def test_region_phrases_take_an_article_only_where_english_does() -> None:
    assert engine.region_phrase("North West") == "the North West"
    assert engine.region_phrase("East of England") == "the East of England"
    assert engine.region_phrase("London") == "London"
    assert engine.region_phrase("Yorkshire and the Humber") == "Yorkshire and the Humber"


def test_excluded_pairs_are_never_suggested_but_the_mentor_stays_available_to_others() -> None:
    mentors = mentor_arrays(Mentor(id=1, areas=("fire-and-rescue",)), Mentor(id=2))
    requests = request_arrays(FIRE_TUPE_NORTH_WEST, Request(id=2))

    topk = rank(requests, mentors, excluded_pairs=np.array([[0, 0]]))

    assert suggested_ids(topk.mentor_rows[0], mentors) == [2]
    assert suggested_ids(topk.mentor_rows[1], mentors) == [1, 2]


def test_an_in_person_request_is_scored_only_against_mentors_it_could_meet() -> None:
    from matching.engine.encoding import encode

    mentors = mentor_arrays(
        Mentor(id=1, format=IN_PERSON, region="london"),  # far away and in person only: never computed
        Mentor(id=2, format=IN_PERSON),
        Mentor(id=3, format=REMOTE),  # remote only: never computed either
        Mentor(id=4, region="london"),  # far away, but could meet remotely: not for an in-person request
        Mentor(id=5, region="yorkshire-and-the-humber"),  # nearby, in person or remotely
    )
    in_person = Request(id=1, format=IN_PERSON)
    requests = request_arrays(in_person, Request(id=2, format=REMOTE))
    # Excluding a pair that could never be suggested is allowed, and changes nothing.
    topk = rank(requests, mentors, excluded_pairs=np.array([[0, 0], [0, 2], [1, 1]]), k=5)

    assert suggested_ids(topk.mentor_rows[0], mentors) == [2, 5]
    assert suggested_ids(topk.mentor_rows[1], mentors) == [3, 5, 4]
    encoded = encode(requests, mentors, TAXONOMY, Weights(), 5, None)
    widths = sorted(
        int((layout.position_candidate < len(encoded.candidate_rows)).sum()) for layout in encoded.layouts.values()
    )
    assert widths == [2, 3]  # two mentors for the in-person request, three for the remote one, of five


@pytest.mark.parametrize(
    "unavailable",
    [
        Mentor(id=1, areas=("fire-and-rescue",), eligible=False),  # not approved, or paused
        Mentor(id=1, areas=("fire-and-rescue",), capacity=2, load=2),  # at capacity
        Mentor(id=1, areas=("fire-and-rescue",), capacity=1, load=3),  # over capacity after it was lowered
        Mentor(id=1, areas=("fire-and-rescue",), topics=("tax", "hr")),  # covers none of the topics
    ],
    ids=["not eligible", "at capacity", "over capacity", "no requested topic"],
)
def test_unavailable_mentors_never_appear(unavailable: Mentor) -> None:
    mentors = mentor_arrays(unavailable, Mentor(id=2))
    topk = rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentors)
    assert suggested_ids(topk.mentor_rows[0], mentors) == [2]


def test_spare_capacity_is_capacity_minus_load_never_below_0_and_0_when_not_eligible() -> None:
    mentors = mentor_arrays(
        Mentor(id=1, capacity=3, load=1),
        Mentor(id=2, capacity=2, load=2),  # full
        Mentor(id=3, capacity=2, load=5),  # over capacity (took mentees before lowering it)
        Mentor(id=4, capacity=3, load=0, eligible=False),  # paused
    )
    assert mentors.spare_capacity.tolist() == [2, 0, 0, 0]
    assert [mentors.spare_capacity_at(row) for row in range(len(mentors))] == [2, 0, 0, 0]


@pytest.mark.parametrize(
    ("request_format", "request_region", "mentor_format", "mentor_region", "region_component"),
    [
        (IN_PERSON, "north-west", REMOTE, "north-west", None),  # in person only, mentor remote only
        (REMOTE, "north-west", IN_PERSON, "north-west", None),  # the reverse
        (IN_PERSON, "north-west", EITHER, "london", None),  # in person, too far
        (EITHER, "north-west", IN_PERSON, "london", None),  # mentor only in person, too far
        (IN_PERSON, "north-west", IN_PERSON, "yorkshire-and-the-humber", 0.6),  # neighbours can meet
        (IN_PERSON, "north-west", EITHER, "north-west", 1.0),
        (REMOTE, "north-west", REMOTE, "london", 0.3),
        (EITHER, "north-west", EITHER, "south-west", 0.3),
        (REMOTE, "north-west", EITHER, "north-west", 1.0),
    ],
)
def test_formats_that_cannot_work_are_excluded(
    request_format: int, request_region: str, mentor_format: int, mentor_region: str, region_component: float | None
) -> None:
    mentors = mentor_arrays(Mentor(id=1, format=mentor_format, region=mentor_region))
    requests = request_arrays(Request(id=1, format=request_format, region=request_region))

    topk = rank(requests, mentors)

    if region_component is None:
        assert topk.mentor_rows[0].tolist() == [-1] * 10
    else:
        assert topk.mentor_rows[0, 0] == 0
        assert topk.components[0, 0, 2] == pytest.approx(region_component)


def test_ties_go_to_the_lower_mentor_id_even_at_the_cut_off() -> None:
    mentors = mentor_arrays(Mentor(id=50), Mentor(id=7), Mentor(id=23), Mentor(id=11, load=1))
    topk = rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentors, k=2)
    assert suggested_ids(topk.mentor_rows[0], mentors) == [7, 23]
    assert topk.scores[0, 0] == topk.scores[0, 1]


def test_a_mutual_with_several_service_areas_matches_on_any_of_them_once() -> None:
    mentors = mentor_arrays(
        Mentor(id=1, areas=("probation", "youth-services")),
        Mentor(id=2, areas=("youth-services",)),
        Mentor(id=3, areas=("leisure-and-sport",)),
    )
    requests = request_arrays(Request(id=1, areas=("probation", "youth-services", "social-work")))

    topk = rank(requests, mentors)
    reasons = engine.explain_top_k(topk, requests, mentors, TAXONOMY)

    assert suggested_ids(topk.mentor_rows[0], mentors) == [1, 2, 3]
    assert topk.scores[0].tolist()[:3] == pytest.approx([0.95, 0.95, 0.7])
    assert reasons[0][0][0] == "Works in probation and youth services"
    assert reasons[0][1][0] == "Works in youth services"


def test_weights_change_the_ranking() -> None:
    mentors = mentor_arrays(
        Mentor(id=1, areas=("fire-and-rescue",), region="london"),  # right service, far away
        Mentor(id=2, areas=("probation",)),  # wrong service, same region
    )
    requests = request_arrays(Request(id=1, format=REMOTE))

    by_area = rank(
        requests, mentors, weights=Weights(service_area=1, topics=0, region=0, stage=0, capacity=0, recent_stage=0)
    )
    by_region = rank(
        requests, mentors, weights=Weights(service_area=0, topics=0, region=1, stage=0, capacity=0, recent_stage=0)
    )

    assert suggested_ids(by_area.mentor_rows[0], mentors) == [1, 2]
    assert by_area.scores[0, :2].tolist() == [1.0, 0.0]
    assert suggested_ids(by_region.mentor_rows[0], mentors) == [2, 1]
    assert by_region.scores[0, :2].tolist() == pytest.approx([1.0, 0.3])


@pytest.mark.parametrize(
    "weights",
    [
        Weights(service_area=-0.1),
        Weights(topics=1.5),
        Weights(region=math.nan),
        Weights(stage=math.inf),
        Weights(service_area=0, topics=0, region=0, stage=0, capacity=0, recent_stage=0),
    ],
)
def test_invalid_weights_are_refused(weights: Weights) -> None:
    with pytest.raises(ValueError):
        weights.validate()
    with pytest.raises(ValueError):
        rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentor_arrays(Mentor(id=1)), weights=weights)


def test_weights_as_array_follow_the_components_order() -> None:
    assert Weights().as_array().tolist() == [0.25, 0.35, 0.15, 0.05, 0.15, 0.05]
    assert engine.COMPONENTS == ("service_area", "topics", "region", "stage", "capacity", "recent_stage")
    Weights().validate()


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1.0, "Strong match"),
        (0.75, "Strong match"),
        (0.7499, "Good match"),
        (0.5, "Good match"),
        (0.49, "Possible match"),
    ],
)
def test_strength_band(score: float, band: str) -> None:
    assert engine.strength_band(score) == band


@pytest.mark.parametrize("seed", range(4))
def test_block_size_and_threads_do_not_change_results(seed: int) -> None:
    case = random_case(seed, 90, 260, topic_count=6, region_count=5)
    results = [
        engine.score_top_k(
            case.requests,
            case.mentors,
            case.taxonomy,
            Weights(),
            k=7,
            excluded_pairs=case.excluded_pairs,
            block_rows=block_rows,
            workers=workers,
        )
        for block_rows, workers in [(1, 1), (7, 2), (512, 1), (512, 2)]
    ]
    for other in results[1:]:
        np.testing.assert_array_equal(other.mentor_rows, results[0].mentor_rows)
        np.testing.assert_array_equal(other.scores, results[0].scores)
        np.testing.assert_array_equal(other.components, results[0].components)


@pytest.mark.parametrize("seed", range(3))
def test_matches_the_plain_python_reference_at_a_size_that_uses_column_groups(seed: int) -> None:
    case = random_case(seed, 40, 700, topic_count=8)
    topk = engine.score_top_k(
        case.requests, case.mentors, case.taxonomy, Weights(), k=10, excluded_pairs=case.excluded_pairs
    )
    expected = top_k_loop(
        case.requests, case.mentors, case.taxonomy, Weights(), k=10, excluded_pairs=case.excluded_pairs
    )
    units = np.rint(topk.scores.astype(np.float64) * engine.SCALE).astype(np.int64)
    for row, pairs in expected.items():
        found = [(int(m), int(u)) for m, u in zip(topk.mentor_rows[row], units[row], strict=True) if m >= 0]
        assert found == pairs


def test_no_requests_or_no_available_mentors() -> None:
    mentors = mentor_arrays(Mentor(id=1, eligible=False))
    empty = engine.score_top_k(request_arrays(), mentors, TAXONOMY, Weights(), k=3)
    assert empty.mentor_rows.shape == (0, 3)
    assert empty.components.shape == (0, 3, 6)
    none_available = rank(request_arrays(FIRE_TUPE_NORTH_WEST), mentors, k=3)
    assert none_available.mentor_rows.tolist() == [[-1, -1, -1]]
    assert engine.explain_top_k(none_available, request_arrays(FIRE_TUPE_NORTH_WEST), mentors, TAXONOMY) == [[]]


def test_bad_input_is_refused_with_a_clear_error() -> None:
    mentors = mentor_arrays(Mentor(id=1))
    requests = request_arrays(FIRE_TUPE_NORTH_WEST)
    with pytest.raises(ValueError, match="k must be at least 1"):
        rank(requests, mentors, k=0)
    with pytest.raises(ValueError, match="excluded_pairs"):
        rank(requests, mentors, excluded_pairs=np.array([[0, 5]]))
    wrong_topics = engine.RequestArrays(**{**requests.__dict__, "topics": requests.topics[:, :3]})
    with pytest.raises(ValueError, match=r"requests\.topics"):
        rank(wrong_topics, mentors)
    wrong_format = engine.MentorArrays(**{**mentors.__dict__, "format": np.array([7], dtype=np.int8)})
    with pytest.raises(ValueError, match=r"mentors\.format"):
        rank(requests, wrong_format)


# ---- assignment ------------------------------------------------------------------------------------------------


def topk_of(rows: list[list[tuple[int, float]]], k: int = 3) -> TopK:
    """A TopK from (mentor row, score) lists, best first."""
    mentor_rows = np.full((len(rows), k), -1, dtype=np.int64)
    scores = np.zeros((len(rows), k), dtype=np.float32)
    for index, pairs in enumerate(rows):
        for slot, (mentor_row, score) in enumerate(pairs):
            mentor_rows[index, slot] = mentor_row
            scores[index, slot] = score
    return TopK(mentor_rows=mentor_rows, scores=scores, components=np.zeros((len(rows), k, 6), dtype=np.float32))


def test_optimal_assignment_beats_greedy_when_greedy_takes_the_contested_mentor() -> None:
    # Request 0 prefers mentor 0 only a little; request 1 can only have mentor 0.
    topk = topk_of([[(0, 0.9), (1, 0.8)], [(0, 0.85)]])
    spare = np.array([1, 1])

    optimal = engine.assign_optimal(topk, spare)
    greedy = engine.assign_greedy(topk, spare)

    assert optimal.mentor_rows.tolist() == [1, 0]
    assert optimal.scores.tolist() == pytest.approx([0.8, 0.85])
    assert optimal.total_score == pytest.approx(1.65)
    assert optimal.assigned == 2
    assert greedy.mentor_rows.tolist() == [0, -1]
    assert greedy.total_score == pytest.approx(0.9)
    assert greedy.assigned == 1


def test_one_mentor_is_never_proposed_for_two_requests_of_the_same_mutual() -> None:
    # Both requests come from one mutual; mentor 0 is the best for each and has room for two.
    topk = topk_of([[(0, 0.9), (1, 0.3)], [(0, 0.8), (1, 0.4)]])
    spare = np.array([2, 1])

    ungrouped = engine.assign_optimal(topk, spare)
    optimal = engine.assign_optimal(topk, spare, np.array([7, 7]))
    greedy = engine.assign_greedy(topk, spare, np.array([7, 7]))

    assert ungrouped.mentor_rows.tolist() == [0, 0]
    assert optimal.mentor_rows.tolist() == [0, 1]
    assert optimal.total_score == pytest.approx(1.3)
    assert greedy.mentor_rows.tolist() == [0, 1]
    # Requests of different mutuals may share the mentor.
    assert engine.assign_optimal(topk, spare, np.array([7, 8])).mentor_rows.tolist() == [0, 0]


def test_assignment_respects_the_spare_capacity_given() -> None:
    topk = topk_of([[(0, 0.9)], [(0, 0.8)], [(0, 0.7), (1, 0.1)], [(2, 0.5)]])
    spare = np.array([2, 1, 0])  # mentor 2 has filled up since the suggestions were scored

    for assignment in (engine.assign_optimal(topk, spare), engine.assign_greedy(topk, spare)):
        assert assignment.mentor_rows.tolist() == [0, 0, 1, -1]
        assert assignment.assigned == 3
        assert assignment.scores[3] == 0.0


def test_a_zero_score_candidate_is_still_better_than_no_mentor() -> None:
    topk = topk_of([[(0, 0.0)], [(1, 0.4)]])
    optimal = engine.assign_optimal(topk, np.array([1, 1]))
    assert optimal.mentor_rows.tolist() == [0, 1]
    assert optimal.assigned == 2


def test_assignment_with_no_candidates() -> None:
    topk = topk_of([[], []])
    for assignment in (engine.assign_optimal(topk, np.array([3])), engine.assign_greedy(topk, np.array([3]))):
        assert assignment.mentor_rows.tolist() == [-1, -1]
        assert assignment.assigned == 0
        assert assignment.total_score == 0.0


def test_assignment_of_engine_suggestions_end_to_end() -> None:
    mentors = mentor_arrays(
        Mentor(id=1, areas=("fire-and-rescue",), capacity=1),
        Mentor(id=2, capacity=1),
        Mentor(id=3, topics=("tax",), capacity=1),
    )
    requests = request_arrays(
        FIRE_TUPE_NORTH_WEST, Request(id=2, areas=("adult-social-care",)), Request(id=3, topics=("tax",))
    )
    topk = rank(requests, mentors)

    optimal = engine.assign_optimal(topk, mentors.spare_capacity)

    assert [int(mentors.ids[row]) for row in optimal.mentor_rows] == [1, 2, 3]
    assert optimal.total_score == pytest.approx(float(optimal.scores.astype(np.float64).sum()), abs=1e-5)


def test_the_engine_imports_nothing_from_django_or_the_apps() -> None:
    """Pure: no ORM, no settings, no request. Every module of the package, the reference included."""
    modules = sorted(Path(engine.__file__).parent.glob("*.py"))
    assert len(modules) >= 6
    apps = {"django", "config", "accounts", "ambassadors", "information", "messaging", "pages", "programme"}
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in apps, f"{module.name} imports {name}"
                assert top != "matching" or name.startswith("matching.engine"), f"{module.name} imports {name}"
