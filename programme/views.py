"""The programme team's dashboard and the whole-programme report."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import programme_team_required
from ambassadors.reporting import neutralise_row
from programme import selectors

REPORT_COLUMNS = (
    ("mutuals", "Mutuals"),
    ("mentors_approved", "Approved mentors"),
    ("requests", "Mentoring requests"),
    ("requests_matched", "Requests matched"),
    ("relationships_active", "Relationships open"),
    ("relationships_completed", "Relationships completed"),
    ("relationships_ended_early", "Relationships ended early"),
)


@programme_team_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/dashboard.html", {"overview": selectors.overview()})


@programme_team_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/report.html", {"report": selectors.programme_report(), "columns": REPORT_COLUMNS})


@programme_team_required
@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    report = selectors.programme_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"programme-report-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Breakdown", "Name", *(label for _, label in REPORT_COLUMNS)])
    for breakdown, rows in (("Region", report.by_region), ("Service area", report.by_service_area)):
        for row in rows:
            # Names are typed by staff (service areas can be added), so they are neutralised like any text.
            writer.writerow(neutralise_row([breakdown, row.label, *(getattr(row, name) for name, _ in REPORT_COLUMNS)]))
    return response
