"""The announcement form: the message, its audience, and an optional banner with an end date."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.fields import GovukDateField, today
from accounts.form_messages import GovukModelForm
from accounts.models import Region, ServiceArea, SupportTopic
from ambassadors.models import Cohort
from programme.models import Announcement


def _choices(queryset: Any, label: str, hint: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset, required=False, label=label, help_text=hint, widget=forms.CheckboxSelectMultiple
    )


class AnnouncementForm(GovukModelForm):
    roles = forms.MultipleChoiceField(
        choices=Announcement.Role.choices,
        required=False,
        label="Who is it for?",
        help_text="Leave all unticked for everyone: members of mutuals, approved mentors and active ambassadors.",
        widget=forms.CheckboxSelectMultiple,
    )
    regions = _choices(Region.objects.filter(is_active=True), "Regions", "Leave unticked for every region.")
    service_areas = _choices(
        ServiceArea.objects.filter(is_active=True), "Service areas", "Leave unticked for every service area."
    )
    topics = _choices(SupportTopic.objects.filter(is_active=True), "Topics", "Leave unticked for every topic.")
    cohorts = _choices(
        Cohort.objects.all(), "Ambassador cohorts", "Choosing a cohort sends it to that cohort's ambassadors only."
    )
    relationship_status = forms.ChoiceField(
        choices=Announcement.RelationshipStatus.choices,
        required=False,
        label="Mentoring relationships",
        widget=forms.RadioSelect,
        initial="",
    )
    banner_until = GovukDateField(
        label="Show as a banner on every page until (optional)",
        noun="the banner's end date",
        required=False,
        help_text="Leave empty for no banner. For example, 27 3 2027",
        earliest=today,
        too_early="The banner's end date must be today or in the future",
    )

    class Meta:
        model = Announcement
        fields = [
            "subject",
            "body",
            "roles",
            "regions",
            "service_areas",
            "topics",
            "cohorts",
            "relationship_status",
            "banner_until",
        ]
        error_messages = {
            "subject": {"required": "Enter a subject", "max_length": "Subject must be 150 characters or fewer"},
            "body": {"required": "Enter the message", "max_length": "Message must be 5,000 characters or fewer"},
        }
