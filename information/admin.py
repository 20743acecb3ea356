"""Django admin for the information service: a fallback for the programme team's own pages, read-mostly."""

from __future__ import annotations

from django.contrib import admin

from information.models import CaseStudy, Enquiry, EnquiryReply, GuideTask, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "status", "owner", "reviewed_on")
    list_filter = ("status", "topics", "stages")
    search_fields = ("title", "summary")
    readonly_fields = ("slug", "published_at", "created_at", "updated_at")
    filter_horizontal = ("topics", "stages", "service_areas")


@admin.register(GuideTask)
class GuideTaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "stage", "order")
    list_filter = ("stage",)


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "mutual_name", "status", "consent_recorded_at")
    list_filter = ("status",)
    # Consent and publication go through the service's own pages, which check them.
    readonly_fields = ("status", "published_at", "consent_recorded_by", "consent_recorded_at", "source_relationship")


class EnquiryReplyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EnquiryReply
    extra = 0
    readonly_fields = ("author", "body", "created_at")
    can_delete = False


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "kind", "name", "status", "created_at", "respond_by")
    list_filter = ("status", "kind")
    search_fields = ("reference", "name", "email", "organisation")
    readonly_fields = ("reference", "created_at", "respond_by", "first_response_at", "closed_at", "closed_by")
    inlines = [EnquiryReplyInline]
