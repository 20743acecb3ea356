"""Django admin for every accounts model: a fallback for the programme team, not their main tool."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.models import (
    CodeOfConduct,
    ConductAcceptance,
    Membership,
    MentorProfile,
    Mutual,
    MutualInvitation,
    Region,
    ServiceArea,
    Stage,
    SupportTopic,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_programme_team", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_programme_team", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        (
            "Roles and permissions",
            {"fields": ("is_programme_team", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (they set it up again at their next sign-in)")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For a person who lost their phone: staff cannot turn their own second factor off (accounts.adapters).
        Their current sessions end, so the next thing they do is sign in and set up a new authenticator."""
        people = [person for person in queryset if person.pk != request.user.pk]
        for person in people:
            services.two_factor_reset(user=person)
        self.message_user(
            request, f"Two-factor authentication reset for {len(people)} people. You cannot reset your own."
        )


class TaxonomyTermAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(ServiceArea, TaxonomyTermAdmin)
admin.site.register(Stage, TaxonomyTermAdmin)


@admin.register(SupportTopic)
class SupportTopicAdmin(TaxonomyTermAdmin):
    list_display = ["name", "short_name", "slug", "order", "is_active"]


@admin.register(Region)
class RegionAdmin(TaxonomyTermAdmin):
    filter_horizontal = ["neighbours"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Mutual)
class MutualAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "region", "stage", "legal_form", "listed_publicly", "created_at"]
    list_filter = ["listed_publicly", "region", "stage", "legal_form", "service_areas"]
    search_fields = ["name", "slug", "parent_body", "description"]
    list_select_related = ["region", "stage"]
    filter_horizontal = ["service_areas"]
    readonly_fields = ["listing_consent_at", "created_by", "created_at", "updated_at"]
    inlines = [MembershipInline]
    # A website typed without a scheme is taken as https, as in the service's own form (and Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "mutual", "job_title", "joined_at"]
    search_fields = ["user__email", "user__full_name", "mutual__name"]
    list_select_related = ["user", "mutual"]
    autocomplete_fields = ["user", "mutual"]
    readonly_fields = ["joined_at"]


@admin.register(MutualInvitation)
class MutualInvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["email", "mutual", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "mutual__name"]
    list_select_related = ["mutual", "invited_by"]
    # The token is a secret that works as a key to the mutual: it is never shown.
    exclude = ["token"]
    readonly_fields = [
        "mutual",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent by members, so that the email goes out


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "headline", "status", "region", "capacity", "active_mentees", "paused_until", "created_at"]
    list_filter = ["status", "region", "format", "topics", "service_areas"]
    search_fields = ["user__email", "user__full_name", "headline", "organisation"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "conflicts"]
    filter_horizontal = ["topics", "service_areas", "stages"]
    # Vetting goes through the vetting queue (so the mentor is emailed); mentees are counted by relationships.
    readonly_fields = [
        "status",
        "status_reason",
        "vetted_by",
        "vetted_at",
        "active_mentees",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MentorProfile]:
        return super().get_queryset(request).select_related("user", "region")


@admin.register(CodeOfConduct)
class CodeOfConductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A new version is published by adding it with a publication time: from then every mentor must accept it before
    their next introduction (accounts/conduct.py). A published version is never edited: publish a new one."""

    list_display = ["version", "summary", "published_at", "created_at"]
    search_fields = ["summary", "body"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: CodeOfConduct | None = None) -> list[str]:
        if obj is not None and obj.published_at is not None:
            return ["version", "summary", "body", "published_at", "created_at"]
        return ["created_at"]


@admin.register(ConductAcceptance)
class ConductAcceptanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The record of who accepted which version when: read only."""

    list_display = ["user", "code", "accepted_at"]
    list_filter = ["code"]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = ["user", "code", "accepted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ConductAcceptance | None = None) -> bool:
        return False
