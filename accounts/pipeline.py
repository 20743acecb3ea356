"""The pipeline of mutuals: moving a mutual from stage to stage, and mutuals nobody has claimed yet.

Every mutual, including the emerging projects ambassadors and the programme team spot, is a Mutual with a stage and
a dated history of its stage (accounts.models.StageChange). An emerging project is a Mutual with no members: it is
"unclaimed" until somebody from it joins, and it never appears in public (it has not consented to be listed).
Members of a mutual and the programme team move its stage; the history records who, when, from and to.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery

from accounts.models import Mutual, Region, ServiceArea, Stage, StageChange, User
from accounts.slugs import mutual_slug
from accounts.stage_history import stage_record

# The stage an emerging project starts at unless whoever spotted it knows better: the guide's first stage.
FIRST_STAGE_SLUG = "exploring"


class PipelineError(Exception):
    """A stage change the rules do not allow. The message is shown to the person who asked for it."""


def can_move_stage(user: User, mutual: Mutual) -> bool:
    """Members of the mutual and the programme team may move its stage."""
    if not user.is_authenticated:
        return False
    return user.is_programme_team or mutual.memberships.filter(user=user).exists()


@transaction.atomic
def mutual_stage_move(*, mutual: Mutual, to_stage: Stage, moved_by: User) -> StageChange:
    """Move the mutual to to_stage and record the move in its history, in one transaction."""
    if not can_move_stage(moved_by, mutual):
        raise PipelineError("Only the mutual's members and the programme team can change its stage.")
    if not to_stage.is_active:
        raise PipelineError(f"{to_stage.name} is no longer a stage you can choose.")
    # Lock the mutual: two people moving it at once must leave a history whose last row is the current stage.
    locked = Mutual.objects.select_for_update().get(pk=mutual.pk)
    if locked.stage_id == to_stage.pk:
        raise PipelineError(f"{locked.name} is already at the stage {to_stage.name}.")
    locked.stage = to_stage
    locked.save(update_fields=["stage", "updated_at"])
    mutual.stage = to_stage
    return stage_record(mutual=locked, to_stage=to_stage, changed_by=moved_by)


@transaction.atomic
def mutual_add_unclaimed(
    *,
    added_by: User | None,
    name: str,
    region: Region,
    service_areas: Iterable[ServiceArea],
    stage: Stage | None = None,
    description: str = "",
) -> Mutual:
    """Put an emerging project on the pipeline as a mutual with no members, not listed publicly."""
    stage = stage or Stage.objects.get(slug=FIRST_STAGE_SLUG)
    mutual = Mutual.objects.create(
        name=name,
        slug=mutual_slug(name),
        region=region,
        stage=stage,
        description=description,
        created_by=added_by,
        listed_publicly=False,
    )
    mutual.service_areas.set(list(service_areas))
    stage_record(mutual=mutual, to_stage=stage, changed_by=added_by)
    return mutual


def stage_history_of(mutual: Mutual) -> QuerySet[StageChange]:
    """The mutual's stage changes, newest first, with what the history table shows."""
    return StageChange.objects.filter(mutual=mutual).select_related("from_stage", "to_stage", "changed_by")


def current_stage_since() -> Subquery:
    """For annotating mutuals: when the mutual reached its current stage (its open history row)."""
    return Subquery(StageChange.objects.filter(mutual=OuterRef("pk"), ended_at__isnull=True).values("changed_at")[:1])


def pipeline_mutuals(stage: Stage | None = None) -> QuerySet[Mutual]:
    """Every mutual on the pipeline, claimed or not, for the programme team, with when it reached its stage."""
    mutuals = (
        Mutual.objects.select_related("region", "stage")
        .prefetch_related("service_areas")
        .annotate(member_count=Count("memberships"), stage_since=current_stage_since())
        .order_by("stage__order", "name")
    )
    return mutuals.filter(stage=stage) if stage is not None else mutuals
