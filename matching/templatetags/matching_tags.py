"""Template helpers for matching pages: the strength band of a score, and a component as a percentage."""

from __future__ import annotations

from django import template

from matching import engine
from matching.wording import reasons_for_mentor

register = template.Library()

BAND_COLOURS = {"Strong match": "green", "Good match": "blue", "Possible match": "grey"}


@register.filter
def strength_band(score: float | None) -> str:
    return engine.strength_band(float(score or 0.0))


@register.inclusion_tag("matching/includes/strength_tag.html")
def strength_tag(score: float | None) -> dict[str, str]:
    band = engine.strength_band(float(score or 0.0))
    return {"band": band, "colour": BAND_COLOURS.get(band, "grey")}


@register.filter
def percent(value: float | None) -> str:
    return f"{round(float(value or 0.0) * 100)}%"


@register.filter
def component(components: dict[str, float] | None, name: str) -> float:
    return float((components or {}).get(name, 0.0))


@register.filter
def for_mentor(reasons: list[str] | None) -> list[str]:
    """{{ introduction.reasons|for_mentor }}: the reasons as the mentor reads them (matching/wording.py)."""
    return reasons_for_mentor(reasons or [])
