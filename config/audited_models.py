"""What the audit log records: the models staff change to run the programme, and which of their fields.

django-auditlog registers these by label when it starts (AUDITLOG_INCLUDE_TRACKING_MODELS), so no app imports
another to be audited. Each entry keeps who acted (the actor middleware), when, and every listed field's value
before and after. Fields are listed rather than whole rows so that the log holds the decisions staff made, not
copies of people's free text (a mentor's biography, an enquiry's question): those stay where deletion reaches them.
Events that change no row (an export, a deletion someone asked for) are written by accounts.audit.
"""

from __future__ import annotations

from typing import Any

_TAXONOMY = ["name", "slug", "order", "is_active"]

AUDITED_MODELS: tuple[dict[str, Any], ...] = (
    # Role changes: who is on the programme team, who may use the admin, whose account is switched off.
    {"model": "accounts.User", "include_fields": ["is_programme_team", "is_staff", "is_superuser", "is_active"]},
    # Second factors set up, and removed (a colleague's reset from the admin): the kind only, never the secret.
    {"model": "mfa.Authenticator", "include_fields": ["user", "type"]},
    {"model": "accounts.ServiceArea", "include_fields": _TAXONOMY},
    {"model": "accounts.Region", "include_fields": _TAXONOMY},
    {"model": "accounts.SupportTopic", "include_fields": _TAXONOMY},
    {"model": "accounts.Stage", "include_fields": _TAXONOMY},
    # Vetting: every decision on a mentor, not just the latest (the profile keeps only the latest).
    {"model": "accounts.MentorProfile", "include_fields": ["status", "status_reason", "vetted_by", "vetted_at"]},
    {"model": "accounts.Mutual", "include_fields": ["name", "stage", "region", "listed_publicly"]},
    # Invitations to a mutual, among them the programme team's invitations to claim one nobody has joined.
    {
        "model": "accounts.MutualInvitation",
        "include_fields": ["mutual", "kind", "invited_by", "accepted_at", "revoked_at"],
    },
    # Requests to claim a mutual nobody has joined: who asked, and the programme team's decision.
    {
        "model": "accounts.MutualClaimRequest",
        "include_fields": ["mutual", "requested_by", "status", "decided_by", "decided_at"],
    },
    {"model": "matching.MatchingWeights"},
    {"model": "matching.BatchProposal", "include_fields": ["status", "request_count", "decided_by", "decided_at"]},
    {"model": "matching.ProposedPair", "include_fields": ["proposal", "request", "mentor", "outcome", "outcome_note"]},
    {"model": "messaging.MessageReport", "include_fields": ["reason", "resolved_at", "resolved_by"]},
    {
        "model": "messaging.ModerationAction",
        "include_fields": ["action", "report", "target_message", "target_group_message", "target_user", "note"],
    },
    # A mentoring group the programme team made (or closed), and which mutuals are in it: no conversation text.
    {
        "model": "messaging.MentoringGroup",
        "include_fields": ["mentor", "title", "topic", "status", "created_by", "closed_at", "closed_by"],
    },
    {"model": "messaging.GroupMember", "include_fields": ["group", "mutual", "request", "left_at"]},
    {"model": "ambassadors.Cohort"},
    {"model": "ambassadors.Application", "include_fields": ["status", "cohort", "decided_at"]},
    {
        "model": "ambassadors.Ambassador",
        "include_fields": ["status", "cohort", "appointed_at", "stood_down_at", "stood_down_by", "stood_down_reason"],
    },
    {"model": "ambassadors.EngagementRequest", "include_fields": ["status"]},
    {
        "model": "information.Enquiry",
        "include_fields": ["status", "assigned_to", "first_response_at", "closed_at", "closed_by", "closing_note"],
    },
    {"model": "information.EnquiryReply", "include_fields": ["enquiry", "author"]},
    {"model": "information.EnquiryInvitation", "include_fields": ["enquiry", "kind", "created_by", "accepted_at"]},
    {
        "model": "information.Resource",
        "include_fields": ["title", "slug", "status", "published_at", "owner", "reviewed_on"],
    },
    {
        "model": "information.CaseStudy",
        "include_fields": [
            "title",
            "slug",
            "status",
            "published_at",
            "consent_given_by",
            "consent_given_on",
            "consent_how",
            "consent_recorded_by",
        ],
    },
    {"model": "information.GuideTask", "include_fields": ["stage", "title", "resource", "link_url", "order"]},
    # Imports: the upload, the import (when, and its counts) and the file's deletion; never the file's rows.
    {"model": "programme.ImportBatch", "include_fields": ["kind", "filename", "applied_at", "result"]},
    {
        "model": "programme.Announcement",
        "include_fields": ["subject", "status", "sent_by", "recipients_total", "banner_until"],
    },
)
