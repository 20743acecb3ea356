"""The programme team's dashboard, the whole-programme report, and the emails that could not be sent."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from auditlog.models import LogEntry
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_event
from accounts.decorators import programme_team_required
from accounts.http import AuthenticatedRequest
from accounts.pagination import paginate
from ambassadors.reporting import neutralise_row
from notifications import rendering
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import OutboundEmail
from programme import audit, selectors, trends

REPORT_COLUMNS = (
    ("mutuals", "Mutuals"),
    ("mentors_approved", "Approved mentors"),
    ("requests", "Mentoring requests"),
    ("requests_matched", "Requests matched"),
    ("relationships_active", "Relationships open"),
    ("relationships_completed", "Relationships completed"),
    ("relationships_ended_early", "Relationships ended early"),
)


def _trends(request: HttpRequest) -> tuple[trends.TrendFilterForm, trends.Trends]:
    """The filter form (dates, region, service area) from the query string, and the trends it selects."""
    form = trends.TrendFilterForm(request.GET or None)
    return form, trends.trends(form.trend_filter())


@programme_team_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, found = _trends(request)
    context = {"overview": selectors.overview(), "filter_form": form, "trends": found, "charts": found.charts()}
    return render(request, "programme/dashboard.html", context)


@programme_team_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form, found = _trends(request)
    context = {
        "report": selectors.programme_report(found.filter),
        "columns": REPORT_COLUMNS,
        "filter_form": form,
        "trends": found,
        "charts": found.charts(),
    }
    return render(request, "programme/report.html", context)


@programme_team_required
@require_GET
def report_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The report's tables, then the trends for the same filters as the page (dates, region, service area)."""
    _, found = _trends(request)
    report = selectors.programme_report(found.filter)
    audit_event(actor=request.user, event="programme_report_export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"programme-report-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["Breakdown", "Name", *(label for _, label in REPORT_COLUMNS)])
    for breakdown, rows in (("Region", report.by_region), ("Service area", report.by_service_area)):
        for row in rows:
            # Names are typed by staff (service areas can be added), so they are neutralised like any text.
            writer.writerow(neutralise_row([breakdown, row.label, *(getattr(row, name) for name, _ in REPORT_COLUMNS)]))
    # The trends follow, in the same two leading columns: what the rows are, then which one.
    chosen = found.filter
    writer.writerow(
        neutralise_row(
            [
                "Trends filter",
                f"{chosen.start.isoformat()} to {chosen.end.isoformat()}",
                chosen.region.name if chosen.region else "All regions",
                chosen.service_area.name if chosen.service_area else "All service areas",
            ]
        )
    )
    for chart in found.charts():
        writer.writerow(neutralise_row([chart.title, "", *chart.series]))
        for category, values in chart.rows:
            writer.writerow(neutralise_row([chart.title, category, *values]))
    # The gap by region and topic, one row per pair with anything asked or offered.
    grid, title = found.gap_by_region, "Gap by region and topic"
    writer.writerow([title, "Region", "Topic", "Requests asking", "Mentors with spare places", "Shortfall"])
    for region, cells in grid.rows:
        for topic, cell in zip(grid.topics, cells, strict=True):
            if cell.asked or cell.spare:
                writer.writerow(neutralise_row([title, region, topic, cell.asked, cell.spare, cell.shortfall]))
    return response


@programme_team_required
@require_GET
def failed_emails(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, notification_selectors.failed_emails())
    pagination.page.object_list = rendering.with_subjects(pagination.page.object_list)
    return render(request, "programme/failed_emails.html", {"pagination": pagination})


@require_POST
@programme_team_required
def email_retry(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail.objects.select_related("recipient"), pk=pk)
    address = email.recipient.email if email.recipient is not None else email.to_address
    if notification_services.email_retry(email_id=email.pk):
        messages.success(request, f"We are trying the email to {address} again.")
    else:
        # Pressed twice, or by two people at once: the first press already sent it on its way.
        messages.info(request, f"The email to {address} is no longer waiting to be tried again.")
    return redirect("programme:failed_emails")


def _audit_filter(request: HttpRequest) -> tuple[audit.AuditLogFilter, QuerySet[LogEntry]]:
    filterset = audit.AuditLogFilter(request.GET or None, queryset=audit.entries())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, audit.entries().none()  # the error summary says which filter to correct
    return filterset, filterset.qs


@programme_team_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    filterset, entries = _audit_filter(request)
    pagination = paginate(request, entries, per_page=50)
    rows = [audit.row(entry) for entry in pagination.page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": filterset.form, "pagination": pagination, "rows": rows, "query": query.urlencode()}
    return render(request, "programme/audit_log.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@programme_team_required
@require_GET
def audit_log_csv(request: AuthenticatedRequest) -> HttpResponse:
    filterset, entries = _audit_filter(request)
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{reverse('programme:audit_log')}?{request.GET.urlencode()}")
    # Recorded before the rows are read, so the download shows in the log it downloads.
    audit_event(actor=request.user, event="audit_log_export", details={"filters": request.GET.dict()})
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(audit.CSV_HEADER)
        for entry in entries.iterator(chunk_size=1000):
            # Names, records and values were typed by people: a cell a spreadsheet would run is neutralised.
            yield writer.writerow(neutralise_row(audit.csv_row(entry)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    return response  # type: ignore[return-value]  # streamed: the log can be long; the decorators accept either
