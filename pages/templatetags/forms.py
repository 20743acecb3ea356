"""Renders Django form fields in GOV.UK Design System markup.

`{% govuk_field form.name %}` gives the label, hint, inline error message and the input with the right classes,
and wraps checkbox and radio groups in a fieldset with a legend, so templates never hand-write field markup.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accounts.fields import DATE_PARTS, DateInputWidget, date_error_parts

register = template.Library()


def _error_id(field: BoundField) -> str:
    return f"{field.auto_id}-error"


def _hint_id(field: BoundField) -> str:
    return f"{field.auto_id}-hint"


def _describedby(field: BoundField, hint: str = "") -> str:
    ids = []
    if hint or field.help_text:
        ids.append(_hint_id(field))
    if field.errors:
        ids.append(_error_id(field))
    return " ".join(ids)


def _hint(field: BoundField, hint: str = "") -> SafeString:
    text = hint or field.help_text
    if not text:
        return mark_safe("")
    return format_html('<div id="{}" class="govuk-hint">{}</div>', _hint_id(field), text)


def _error(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        _error_id(field),
        " ".join(str(e) for e in field.errors),
    )


def _with_attrs(field: BoundField, css: str, hint: str = "") -> str:
    # The Design System advises against placeholders (they vanish on input and fail contrast): labels and hints
    # carry that text instead, so a placeholder set by a third-party form (allauth's) is dropped.
    # Nor the browser's maxlength, which cuts pasted text short without a word: too long an answer is refused by
    # the server with a message that says the limit, and a textarea counts characters as you type.
    attrs: dict[str, str | bool] = {"class": css, "placeholder": False, "maxlength": False}
    describedby = _describedby(field, hint)
    if _character_limit(field):
        describedby = f"{describedby} {_count_id(field)}".strip()
    if describedby:
        attrs["aria-describedby"] = describedby
    return str(field.as_widget(attrs=attrs))


def _character_limit(field: BoundField) -> int | None:
    """A textarea's most characters, for the GOV.UK character count; None for other fields or no limit."""
    if not isinstance(field.field.widget, forms.Textarea):
        return None
    limit = getattr(field.field, "max_length", None)
    return int(limit) if limit else None


def _count_id(field: BoundField) -> str:
    return f"{field.auto_id}-info"


def _choice_group(field: BoundField, kind: str, legend_size: str, is_page_heading: bool) -> SafeString:
    """Checkboxes or radios: a fieldset with a legend, one item per choice."""
    input_type = "checkbox" if kind == "checkboxes" else "radio"
    items = []
    for index, option in enumerate(field.subwidgets):
        option_id = option.id_for_label or f"{field.auto_id}_{index}"
        checked = " checked" if option.data.get("selected") else ""
        items.append(
            format_html(
                '<div class="govuk-{kind}__item"><input class="govuk-{kind}__input" id="{id}" name="{name}" '
                'type="{type}" value="{value}"{checked}><label class="govuk-label govuk-{kind}__label" '
                'for="{id}">{label}</label></div>',
                kind=kind,
                id=option_id,
                name=field.html_name,
                type=input_type,
                value=option.data["value"],
                checked=mark_safe(checked),  # noqa: S308 - constant
                label=option.choice_label,
            )
        )
    legend = format_html('<h1 class="govuk-fieldset__heading">{}</h1>', field.label) if is_page_heading else field.label
    describedby = _describedby(field)
    small = " govuk-checkboxes--small" if kind == "checkboxes" and len(items) > 6 else ""
    return format_html(
        '<div class="govuk-form-group{err}"><fieldset class="govuk-fieldset"{db}>'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--{size}">{legend}</legend>{hint}{error}'
        '<div class="govuk-{kind}{small}" data-module="govuk-{kind}">{items}</div></fieldset></div>',
        err=" govuk-form-group--error" if field.errors else "",
        db=format_html(' aria-describedby="{}"', describedby) if describedby else "",
        size=legend_size,
        legend=legend,
        hint=_hint(field),
        error=_error(field),
        kind=kind,
        small=small,
        items=format_html_join("", "{}", ((item,) for item in items)),
    )


def _date_parts_in_error(field: BoundField) -> tuple[str, ...]:
    parts: list[str] = []
    for error in field.errors.as_data():
        parts += [part for part in date_error_parts(error) if part not in parts]
    return tuple(parts)


def _date_input(field: BoundField, legend_size: str, is_page_heading: bool, label: str, hint: str) -> SafeString:
    """The GOV.UK date input: a fieldset whose legend is the question, three boxes, only the wrong ones marked."""
    values = field.value()
    values = values if isinstance(values, (list, tuple)) else ["", "", ""]
    wrong = _date_parts_in_error(field)
    items = []
    for part, value in zip(DATE_PARTS, values, strict=False):
        width = 4 if part == "year" else 2
        error_class = " govuk-input--error" if part in wrong else ""
        items.append(
            format_html(
                '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                '<label class="govuk-label govuk-date-input__label" for="{id}">{label}</label>'
                '<input class="govuk-input govuk-date-input__input govuk-input--width-{width}{error}" id="{id}" '
                'name="{name}" type="text" inputmode="numeric" value="{value}"></div></div>',
                id=f"{field.auto_id}_{part}",
                label=part.capitalize(),
                width=width,
                error=error_class,
                name=f"{field.html_name}_{part}",
                value="" if value is None else value,
            )
        )
    text = label or field.label
    legend = format_html('<h1 class="govuk-fieldset__heading">{}</h1>', text) if is_page_heading else text
    describedby = _describedby(field, hint)
    return format_html(
        '<div class="govuk-form-group{err}"><fieldset class="govuk-fieldset" role="group"{db}>'
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--{size}">{legend}</legend>{hint}{error}'
        '<div class="govuk-date-input" id="{id}">{items}</div></fieldset></div>',
        err=" govuk-form-group--error" if field.errors else "",
        db=format_html(' aria-describedby="{}"', describedby) if describedby else "",
        size=legend_size,
        legend=legend,
        hint=_hint(field, hint),
        error=_error(field),
        id=field.auto_id,
        items=format_html_join("", "{}", ((item,) for item in items)),
    )


@register.simple_tag
def govuk_field(
    field: BoundField,
    label_size: str = "s",
    heading: bool = False,
    width: str = "",
    label: str = "",
    hint: str = "",
) -> SafeString:
    """One field. `label` and `hint` replace the form's own wording (for third-party forms such as allauth's)."""
    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        return _date_input(field, label_size, heading, label, hint)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _choice_group(field, "checkboxes", label_size, heading)
    if isinstance(widget, forms.RadioSelect):
        return _choice_group(field, "radios", label_size, heading)

    error_class = " govuk-form-group--error" if field.errors else ""
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="govuk-form-group{}"><div class="govuk-checkboxes" data-module="govuk-checkboxes">{}{}'
            '<div class="govuk-checkboxes__item">{}<label class="govuk-label govuk-checkboxes__label" for="{}">{}'
            "</label></div></div></div>",
            error_class,
            _error(field),
            _hint(field, hint),
            mark_safe(_with_attrs(field, "govuk-checkboxes__input", hint)),  # noqa: S308 - rendered by Django
            field.auto_id,
            label or field.label,
        )

    limit = _character_limit(field)
    if isinstance(widget, forms.Textarea):
        css = "govuk-textarea" + (" govuk-textarea--error" if field.errors else "")
        if limit:
            css += " govuk-js-character-count"
    elif isinstance(widget, forms.Select):
        css = "govuk-select" + (" govuk-select--error" if field.errors else "")
    elif isinstance(widget, forms.FileInput):
        css = "govuk-file-upload" + (" govuk-file-upload--error" if field.errors else "")
    else:
        css = "govuk-input" + (" govuk-input--error" if field.errors else "")
        if width:
            css += f" govuk-input--width-{width}"
    label_html = format_html(
        '<label class="govuk-label govuk-label--{}" for="{}">{}</label>',
        label_size,
        field.id_for_label,
        label or field.label,
    )
    if heading:
        label_html = format_html('<h1 class="govuk-label-wrapper">{}</h1>', label_html)
    if limit:
        # GOV.UK character count: the hint below says the limit, and with JavaScript counts down as you type.
        return format_html(
            '<div class="govuk-form-group govuk-character-count{}" data-module="govuk-character-count" '
            'data-maxlength="{}">{}{}{}{}<div id="{}" class="govuk-hint govuk-character-count__message">'
            "You can enter up to {} characters</div></div>",
            error_class,
            limit,
            label_html,
            _hint(field, hint),
            _error(field),
            mark_safe(_with_attrs(field, css, hint)),  # noqa: S308 - rendered by Django, values escaped
            _count_id(field),
            f"{limit:,}",
        )
    return format_html(
        '<div class="govuk-form-group{}">{}{}{}{}</div>',
        error_class,
        label_html,
        _hint(field, hint),
        _error(field),
        mark_safe(_with_attrs(field, css, hint)),  # noqa: S308 - rendered by Django, values escaped
    )


@register.filter
def error_target_id(field: BoundField) -> str:
    """The id an error summary link should point at: the input itself, or the first option of a group."""
    if isinstance(field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return f"{field.auto_id}_0"
    if isinstance(field.field.widget, DateInputWidget):
        return f"{field.auto_id}_{(_date_parts_in_error(field) or DATE_PARTS)[0]}"
    return field.id_for_label or field.auto_id


@register.filter
def first_field_id(form: forms.BaseForm) -> str:
    """Where a form-wide error (such as "email or password not recognised") should take the reader."""
    visible = form.visible_fields()
    return error_target_id(visible[0]) if visible else "main-content"


@register.simple_tag
def govuk_fields(form: forms.BaseForm) -> SafeString:
    """Every visible field of a form, in order, plus its hidden fields."""
    parts = [govuk_field(field) for field in form.visible_fields()]
    parts += [mark_safe(str(field)) for field in form.hidden_fields()]  # noqa: S308 - rendered by Django
    return format_html_join("", "{}", ((p,) for p in parts))
