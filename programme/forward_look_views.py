"""The public forward look (programme/forward_look.py) as a page and as open data: two CSV files and one JSON file
whose schema is documented in docs/forward-look-open-data.md. Anyone may read them; nothing here needs an account."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.models import Mutual
from accounts.pagination import paginate
from ambassadors.reporting import neutralise_row
from programme import forward_look as data

LISTED_PER_PAGE = 50
COUNT_COLUMNS = [
    "snapshot_date",
    "region_code",
    "region",
    "service_area_code",
    "service_area",
    "stage_code",
    "stage",
    "mutuals",
    "suppressed",
    "change_since_previous",
]
MUTUAL_COLUMNS = [
    "name",
    "region_code",
    "region",
    "service_area_codes",
    "service_areas",
    "stage_code",
    "stage",
    "stage_since",
]


@require_safe
def forward_look(request: HttpRequest) -> HttpResponse:
    context = {
        "look": data.forward_look(),
        "pagination": paginate(request, data.listed_mutuals(), per_page=LISTED_PER_PAGE),
        "licence": data.LICENCE,
        "licence_url": data.LICENCE_URL,
    }
    return render(request, "programme/forward_look.html", context)


def _count_records(look: data.ForwardLook) -> list[dict[str, Any]]:
    records = []
    for cell in look.cells:
        for index, (point, published) in enumerate(zip(look.snapshots, cell.counts, strict=True)):
            records.append(
                {
                    "snapshot_date": point.on.isoformat(),
                    "region_code": cell.region.slug,
                    "region": cell.region.name,
                    "service_area_code": cell.service_area.slug,
                    "service_area": cell.service_area.name,
                    "stage_code": cell.stage.slug,
                    "stage": cell.stage.name,
                    "mutuals": published.value,
                    "suppressed": published.suppressed,
                    "change_since_previous": data.change(cell.counts[index - 1], published) if index else None,
                }
            )
    return records


def _mutual_record(mutual: Mutual) -> dict[str, Any]:
    areas = list(mutual.service_areas.all())
    return {
        "name": mutual.name,
        "region_code": mutual.region.slug,
        "region": mutual.region.name,
        "service_area_codes": [area.slug for area in areas],
        "service_areas": [area.name for area in areas],
        "stage_code": mutual.stage.slug,
        "stage": mutual.stage.name,
        "stage_since": mutual.stage_since.date().isoformat() if mutual.stage_since else None,  # type: ignore[attr-defined]
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return value


def _csv_text(header: list[str], records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for record in records:
        # Names are typed by the mutuals themselves: neutralised so a spreadsheet does not run them as formulas.
        writer.writerow(neutralise_row([_cell(record[column]) for column in header]))
    return buffer.getvalue()


def _download(filename: str, body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate().isoformat()}.csv"'
    return response


# The open-data files are built once per change to the pipeline (programme.forward_look.cached), not per download.


@require_safe
def counts_csv(request: HttpRequest) -> HttpResponse:
    body = data.cached("counts.csv", lambda: _csv_text(COUNT_COLUMNS, _count_records(data.forward_look())))
    return _download("forward-look-counts", body)


@require_safe
def mutuals_csv(request: HttpRequest) -> HttpResponse:
    body = data.cached(
        "mutuals.csv", lambda: _csv_text(MUTUAL_COLUMNS, [_mutual_record(m) for m in data.listed_mutuals()])
    )
    return _download("forward-look-mutuals", body)


@require_safe
def data_json(request: HttpRequest) -> HttpResponse:
    body = data.cached("data.json", _json_body)
    return HttpResponse(body, content_type="application/json")


def _json_body() -> str:
    look = data.forward_look()
    body = {
        "schema_version": data.SCHEMA_VERSION,
        "title": "Forward look of public service mutuals in the pipeline",
        "licence": data.LICENCE,
        "licence_url": data.LICENCE_URL,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "suppression_threshold": look.threshold,
        "snapshot_dates": [point.on.isoformat() for point in look.snapshots],
        "stage_totals": [
            {
                "stage_code": row.stage.slug,
                "stage": row.stage.name,
                "mutuals": [published.value for published in row.counts],
            }
            for row in look.stages
        ],
        "counts": _count_records(look),
        "mutuals": [_mutual_record(mutual) for mutual in data.listed_mutuals()],
    }
    return json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder)
