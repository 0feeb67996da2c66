"""Dates in the user's language where people read them, ISO where browsers read them."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation
from django.utils.formats import date_format

import apps

DAY = dt.date(2026, 5, 11)
MOMENT = dt.datetime(2026, 5, 11, 9, 30)  # a wall-clock value, as a widget gets it


def form_classes() -> list[type[forms.Form]]:
    found = []
    for module_info in pkgutil.walk_packages(apps.__path__, "apps."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ]
    return found


def date_widgets():
    for form_class in form_classes():
        for name, field in form_class.base_fields.items():
            widget = field.widget
            if isinstance(widget, forms.DateTimeInput) and widget.input_type == "datetime-local":
                yield f"{form_class.__name__}.{name}", widget, MOMENT, "2026-05-11T09:30"
            elif isinstance(widget, forms.DateInput) and widget.input_type == "date":
                yield f"{form_class.__name__}.{name}", widget, DAY, "2026-05-11"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_it_gives_date_inputs_iso_values_in_every_language(language):
    """An <input type="date"> shows nothing for "11.05.2026": the value must stay ISO."""
    widgets = list(date_widgets())
    assert len(widgets) >= 4  # the forms are found
    with translation.override(language):
        wrong = {
            name: widget.format_value(value)
            for name, widget, value, iso in widgets
            if widget.format_value(value) != iso
        }
    assert not wrong


@pytest.mark.parametrize(
    "language, day, moment",
    [
        ("en", "11 May 2026", "11 May 2026, 09:30"),
        ("az", "11 may 2026", "11 may 2026, 09:30"),
        ("ru", "11 мая 2026", "11 мая 2026, 09:30"),
    ],
)
def test_it_writes_dates_in_one_style_per_language(language, day, moment):
    """charterhub/formats/: the day, the month as it is written inside a date (the genitive in
    Russian, lower case in Azerbaijani), the year; the 24-hour clock."""
    with translation.override(language):
        assert date_format(DAY, "DATE_FORMAT") == day
        assert date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert date_format(MOMENT, "DATETIME_FORMAT") == moment
