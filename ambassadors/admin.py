from __future__ import annotations

from django.contrib import admin

from ambassadors.models import (
    Ambassador,
    Application,
    ApplicationEvent,
    Cohort,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Nomination,
    ReviewerNote,
)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "capacity", "applications_open_at", "applications_close_at"]
    search_fields = ["name"]


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "note", "created_at"]
    can_delete = False


class ReviewerNoteInline(admin.TabularInline):
    model = ReviewerNote
    extra = 0
    readonly_fields = ["author", "created_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "cohort", "status", "region", "submitted_at"]
    list_filter = ["status", "cohort", "region"]
    search_fields = ["applicant__email", "applicant__full_name", "organisation"]
    raw_id_fields = ["applicant", "nomination"]
    # Status changes go through the pipeline (services.application_move) so that they are checked and recorded.
    readonly_fields = ["status", "decided_at"]
    inlines = [ApplicationEventInline, ReviewerNoteInline]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    raw_id_fields = ["application", "actor"]


@admin.register(ReviewerNote)
class ReviewerNoteAdmin(admin.ModelAdmin):
    list_display = ["application", "author", "created_at"]
    raw_id_fields = ["application", "author"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee_name", "nominee_email", "cohort", "nominated_by", "created_at", "completed_at"]
    list_filter = ["cohort"]
    search_fields = ["nominee_name", "nominee_email"]
    raw_id_fields = ["nominated_by"]
    readonly_fields = ["token", "completed_at"]


@admin.register(Ambassador)
class AmbassadorAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "region", "status", "engagements_per_quarter"]
    list_filter = ["status", "cohort", "region"]
    search_fields = ["user__email", "user__full_name", "organisation"]
    raw_id_fields = ["user", "application", "stood_down_by"]
    filter_horizontal = ["service_areas", "topics"]


@admin.register(EngagementRequest)
class EngagementRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "requested_by", "region", "service_area", "status", "created_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["title", "organisation", "requested_by__email"]
    raw_id_fields = ["requested_by"]


@admin.register(EngagementInvitation)
class EngagementInvitationAdmin(admin.ModelAdmin):
    list_display = ["request", "ambassador", "status", "created_at", "responded_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "ambassador", "invited_by"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["request", "ambassador", "held_on", "attendees"]
    raw_id_fields = ["request", "ambassador", "logged_by"]


@admin.register(EmergingProject)
class EmergingProjectAdmin(admin.ModelAdmin):
    list_display = ["mutual", "added_by", "created_at"]
    list_filter = ["mutual__region"]
    raw_id_fields = ["mutual", "source_engagement", "added_by"]
