"""The programme report as CSV rows, with spreadsheet-formula injection neutralised."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ambassadors.selectors import ProgrammeReport

# A spreadsheet treats a cell starting with one of these as a formula (or a formula after a tab or carriage return).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The numeric columns of every breakdown: (ReportRow attribute, label), shared by the page and the CSV.
REPORT_COLUMNS = (
    ("requested", "Engagements requested"),
    ("held", "Held"),
    ("declined", "Declined"),
    ("reached", "People reached"),
)
HEADER: list[object] = ["Breakdown", "Name", *(label for _, label in REPORT_COLUMNS)]


def neutralise_cell(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would run as a formula. Numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(row: Sequence[object]) -> list[object]:
    return [neutralise_cell(value) for value in row]


def report_rows(report: ProgrammeReport) -> Iterator[list[object]]:
    yield HEADER
    sections = (
        ("Cohort", report.by_cohort),
        ("Ambassador", report.by_ambassador),
        ("Region and service area", report.by_region_and_service_area),
    )
    for breakdown, rows in sections:
        for row in rows:
            yield [breakdown, row.label, *(getattr(row, name) for name, _ in REPORT_COLUMNS)]
