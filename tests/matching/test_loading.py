"""Loading data for the engine: one encoding of the taxonomy, regions and formats for mentors, mentoring requests
and ambassadors, and prepare(), where every mentor-matching computation starts."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import models

from accounts.models import MentorProfile, Mutual, User
from ambassadors.models import EngagementRequest, Format
from ambassadors.ranking import ambassador_arrays
from ambassadors.ranking import request_arrays as engagement_request_arrays
from ambassadors.selectors import ambassadors_for_matching
from matching import engine, loading
from matching.models import MentoringRequest
from tests.ambassadors.factories import AmbassadorFactory, EngagementRequestFactory
from tests.factories import MentorProfileFactory, region, service_area, topic
from tests.matching.factories import MentoringRequestFactory


@pytest.mark.parametrize("choices", [MentorProfile.Format, MentoringRequest.Format, Format])
def test_every_stored_format_has_an_engine_code(choices: type[models.TextChoices]) -> None:
    assert set(choices.values) == set(loading.FORMAT_CODES)


def test_format_codes_and_an_unknown_format_counts_as_either() -> None:
    codes = loading.format_codes(["remote", "in_person", "either", "by carrier pigeon"])
    assert codes.tolist() == [engine.REMOTE, engine.IN_PERSON, engine.EITHER, engine.EITHER]
    assert codes.dtype == np.int8


def test_scatter_puts_each_pair_in_its_row_and_column_and_refuses_unsorted_rows() -> None:
    columns = loading.Columns.build([7, 9])
    pairs = np.array([[2, 9], [1, 7], [2, 8]])  # term 8 has no column (added since the columns were built)
    assert loading.scatter(np.array([1, 2]), pairs, columns).tolist() == [[True, False], [False, True]]
    with pytest.raises(ValueError, match="sorted"):
        loading.scatter(np.array([2, 1]), pairs, columns)


@pytest.mark.django_db
def test_mentors_requests_and_ambassadors_are_encoded_the_same_way(mutual: Mutual, member: User) -> None:
    topics = [topic("pensions"), topic("tupe-and-employment")]
    areas = [service_area("fire-and-rescue")]
    mentor = MentorProfileFactory(topics=topics, service_areas=areas, region=region("london"), format="remote")
    AmbassadorFactory(topics=topics, service_areas=areas, region=region("london"), format=Format.REMOTE)
    mentoring = MentoringRequestFactory(
        mutual=mutual, created_by=member, topics=topics, service_area=areas[0], format="in_person"
    )
    engagement = EngagementRequestFactory(
        topics=topics, service_area=areas[0], region=mutual.region, kind=EngagementRequest.Kind.VISIT
    )

    loaded = loading.prepare(MentoringRequest.objects.filter(pk=mentoring.pk))
    index = loading.load_taxonomy()
    ambassadors = ambassador_arrays(list(ambassadors_for_matching()), index)
    engagements = engagement_request_arrays(engagement, index)

    assert index.taxonomy.topics == loaded.taxonomy.topics
    assert index.taxonomy.regions == loaded.taxonomy.regions
    row = int(loaded.table.rows_of(np.array([mentor.pk]))[0])
    for name in ("service_areas", "topics", "region", "format"):
        assert getattr(ambassadors, name)[0].tolist() == getattr(loaded.mentors, name)[row].tolist(), name
    for name in ("service_areas", "topics", "region", "format"):
        assert getattr(engagements, name)[0].tolist() == getattr(loaded.batch.arrays, name)[0].tolist(), name
    assert loaded.batch.arrays.format.tolist() == [engine.IN_PERSON]
    assert engagements.stage.tolist() == [-1]  # stages do not apply to engagements
    assert loaded.batch.arrays.stage.tolist() == [loaded.table.index.stages.of(np.array([mutual.stage_id]))[0]]


@pytest.mark.django_db
def test_prepare_loads_the_mentors_now_and_the_requests_against_the_same_table(mutual: Mutual, member: User) -> None:
    mentor = MentorProfileFactory(capacity=3)
    request = MentoringRequestFactory(mutual=mutual, created_by=member)

    loaded = loading.prepare(MentoringRequest.objects.filter(pk=request.pk))

    assert loaded.table is loading.mentor_table()  # the cached table, not a second encoding
    assert loaded.mentors.ids.tolist() == loaded.table.ids.tolist()
    assert mentor.pk in loaded.mentors.ids.tolist()
    assert loaded.batch.arrays.ids.tolist() == [request.pk]
    assert loaded.taxonomy is loaded.table.index.taxonomy


@pytest.mark.django_db
def test_a_one_off_computation_encodes_the_mentor_table_afresh_and_keeps_nothing() -> None:
    mentor = MentorProfileFactory()
    kept = loading.mentor_table()

    with loading.mentor_table_not_kept():
        first, second = loading.mentor_table(), loading.mentor_table()

    assert first is not kept and second is not first  # encoded each time, never stored
    assert first.ids.tolist() == kept.ids.tolist() == [mentor.pk]
    assert loading.mentor_table() is kept  # the process's cached table is as it was
