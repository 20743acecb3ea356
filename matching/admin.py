"""Django admin for the matching models: for inspection and repair by the programme's administrators.

Workflows (sending, accepting, publishing) belong to the services and pages, so most state fields are read-only here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from matching import engine
from matching.models import (
    BatchProposal,
    Introduction,
    MatchingWeights,
    MatchRun,
    MentoringRequest,
    ProposedPair,
    Suggestion,
)


@admin.register(MentoringRequest)
class MentoringRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "mutual", "status", "service_area", "format", "urgency", "created_at"]
    list_filter = ["status", "format", "urgency", "service_area"]
    search_fields = ["title", "description", "mutual__name"]
    raw_id_fields = ["mutual", "created_by", "closed_by"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_at", "updated_at", "first_ranked_at"]
    date_hierarchy = "created_at"


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["request", "mentor", "state", "rank", "score", "declined_at", "updated_at"]
    list_filter = ["state"]
    search_fields = ["request__title", "request__mutual__name", "mentor__user__email", "mentor__user__full_name"]
    raw_id_fields = ["request", "mentor", "run"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["request__mutual", "mentor__user"]

    # Suggestions are computed: an edit by hand would be overwritten, or skipped by the ranking digest.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["request", "mentor", "preference", "source", "status", "sent_at", "expires_at", "responded_at"]
    list_filter = ["status", "source"]
    search_fields = ["request__title", "request__mutual__name", "mentor__user__email", "mentor__user__full_name"]
    raw_id_fields = ["request", "mentor", "created_by"]
    readonly_fields = ["created_at", "sent_at", "responded_at"]
    list_select_related = ["request__mutual", "mentor__user"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "kind", "source", "status", "request_count", "suggestion_count", "created_at", "finished_at"]
    list_filter = ["kind", "status", "source"]
    raw_id_fields = ["started_by", "request", "mentor", "weights_version"]
    readonly_fields = ["created_at", "started_at", "finished_at", "timings", "weights", "error"]


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", *engine.COMPONENTS, "created_by", "created_at", "note"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Versions are a history: a change is a new version, saved from the weights page.
        return False


class ProposedPairInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProposedPair
    extra = 0
    raw_id_fields = ["request", "mentor"]
    fields = ["request", "mentor", "score", "outcome", "outcome_note"]
    readonly_fields = ["score"]


@admin.register(BatchProposal)
class BatchProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "status", "request_count", "total_score", "greedy_total_score", "created_by", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["run", "created_by", "decided_by"]
    readonly_fields = ["created_at", "decided_at"]
    inlines = [ProposedPairInline]


@admin.register(ProposedPair)
class ProposedPairAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["proposal", "request", "mentor", "score", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["proposal", "request", "mentor"]
