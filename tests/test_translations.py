"""Every label a person reads in the admin and the portal's forms exists in Indonesian.

`make messages-check` finds msgids without a translation, but a name that never went through
gettext (a field without a verbose_name gets "source key" from its attribute) never reaches the
catalogue. This walks what is actually shown instead: every model's names, field names and
choices, every form's labels and choices, the admin's columns, filters, fieldsets and actions,
and fails on any text that reads the same in Indonesian as in English.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.forms.utils import pretty_name
from django.test import RequestFactory
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ksbb.accounts import urls as account_urls
from recipients.importers.base import DataFileError, Summary

FormClass = type[forms.Form] | type[forms.ModelForm]
APPS = ("recipients", "commitments", "complaints")
FORM_PACKAGES = (*APPS, "ksbb.accounts")

# Texts that are the same in both languages, lower case, each with its reason. Keep it short:
# every entry is a label the check no longer sees.
SAME_IN_BOTH = {
    "id",  # the primary key column
    "rw",  # rukun warga: an Indonesian institution, no English name
    "odp",  # orang dalam pemantauan: the official 2020 COVID-19 term, kept as the files wrote it
    "pdp",  # pasien dalam pengawasan: likewise
    "suspek",  # the official term from July 2020 (KMK 413/2020)
    "probable",  # likewise: Indonesian documents use the English word
    "positif / konfirmasi",  # the headline count under both schemas' Indonesian names
    "demo",  # data made up for a demonstration: "demo" in Indonesian too
    "admin (pokja ksbb)",  # "admin" is the Indonesian word as well; Pokja KSBB is a name
    "kelurahan",  # administrative levels keep their Indonesian names in English too
    "kecamatan",
    "kota/kabupaten",
    "pesantren",
    "dinas",  # a provincial agency, and its branch: Jakarta's own names for its offices
    "suku dinas",
    "sms / whatsapp",  # product names
    "ketua rw",
    "status",  # "status" is the Indonesian word as well
    "email",  # Django's own translation of its "Email" label is "Email"
    "bahasa indonesia",  # a language is named in itself
    "english",
    "hamba allah",  # the anonymous donor's public name, Indonesian in every language
}


def untranslated(collect: Callable[[], Iterable[tuple[str, Any]]]) -> list[str]:
    """ "where: text" of every text that `collect()` gives the same in Indonesian and English,
    but for the words meant to be the same. Texts are collected once under each language, as
    some are translated when a form class is built rather than when it is shown."""
    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            texts[language] = [(where, str(text)) for where, text in collect()]
    return [
        f"{where}: {indonesian}"
        for (where, indonesian), (_where, english) in zip(texts["id"], texts["en"], strict=True)
        if indonesian == english and indonesian.strip().lower() not in SAME_IN_BOTH
    ]


def assert_translated(collect: Callable[[], Iterable[tuple[str, Any]]]) -> None:
    missing = untranslated(collect)
    if missing:
        pytest.fail(
            "Not translated (mark it with gettext_lazy and add it to the catalogue, or add a "
            "word that is the same in both languages to SAME_IN_BOTH):\n" + "\n".join(missing)
        )


def our_models() -> list[type[models.Model]]:
    """Every model of our apps, with the history models django-simple-history adds."""
    return [model for label in APPS for model in apps.get_app_config(label).get_models()]


def model_texts(model: type[models.Model]) -> Iterator[tuple[str, Any]]:
    opts = model._meta
    yield f"{opts.label} verbose_name", opts.verbose_name
    yield f"{opts.label} verbose_name_plural", opts.verbose_name_plural
    for field in opts.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations have no label of their own
        if model.__name__.startswith("Historical") and field.name.startswith("history_"):
            continue  # django-simple-history's own columns, shown under its own translated titles
        assert isinstance(field, models.Field)
        yield f"{opts.label}.{field.name}", field.verbose_name
        for value, choice_label in field.flatchoices or ():
            yield f"{opts.label}.{field.name} choice {value!r}", choice_label


def form_fields(form_class: FormClass) -> dict[str, forms.Field]:
    """The fields of a form as it is shown: from an instance where one can be made without
    arguments (some forms label their fields in __init__), else the declared ones."""
    try:
        return form_class().fields
    except TypeError:
        return form_class.base_fields


def form_texts(name: str, form_class: FormClass) -> Iterator[tuple[str, Any]]:
    for field_name, field in form_fields(form_class).items():
        if field.widget.is_hidden:
            continue
        # A field without a label is shown under its attribute's name, in English.
        yield f"{name}.{field_name}", field.label or pretty_name(field_name)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            for value, choice_label in cast(Iterable[tuple[Any, Any]], field.choices):
                if value and not isinstance(choice_label, list | tuple):
                    yield f"{name}.{field_name} choice {value!r}", choice_label


def our_form_classes() -> dict[str, FormClass]:
    """Form classes defined in our apps' modules (found by importing them all), and the forms
    of the account pages."""
    found: dict[str, FormClass] = {}
    for package_name in FORM_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.Form | forms.ModelForm)
                    and value.__module__ == info.name
                ):
                    found[f"{value.__module__}.{value.__qualname__}"] = value
    for pattern in account_urls.urlpatterns:
        form_class = getattr(getattr(pattern.callback, "view_class", None), "form_class", None)
        if form_class is not None:
            found[f"{form_class.__module__}.{form_class.__qualname__}"] = form_class
    return found


def admin_texts(request: Any) -> Iterator[tuple[str, Any]]:
    """Labels of the admin pages of our models: forms (with inlines), list columns, read-only
    fields, filters, fieldsets and actions, as a superuser sees them."""
    for model in our_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        name = f"admin {model._meta.label}"
        yield from form_texts(name, model_admin.get_form(request))
        for inline in model_admin.get_inline_instances(request):
            inline_form = inline.get_formset(request).form
            yield from form_texts(f"{name} inline {inline.model._meta.label}", inline_form)
            for field_name in inline.get_readonly_fields(request):
                yield (
                    f"{name} inline {field_name}",
                    label_for_field(field_name, inline.model, inline),
                )
        for field_name in (*model_admin.get_list_display(request), *model_admin.readonly_fields):
            if field_name != "__str__":
                yield f"{name} column {field_name}", label_for_field(field_name, model, model_admin)
        for list_filter in model_admin.get_list_filter(request):
            if isinstance(list_filter, type):
                yield f"{name} filter {list_filter.__name__}", list_filter.title
        for title, _options in model_admin.get_fieldsets(request) or ():
            if title:
                yield f"{name} fieldset", title
        for action_name, action in model_admin.get_actions(request).items():
            if action is not None:
                yield f"{name} action {action_name}", action[2]  # (function, name, description)


@pytest.fixture
def superuser_request(db) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    return request


def test_every_model_name_field_name_and_choice_is_translated():
    def collect() -> Iterator[tuple[str, Any]]:
        for model in our_models():
            yield from model_texts(model)

    assert len(list(collect())) > 100  # the walk reached the models
    assert_translated(collect)


def test_every_form_label_and_choice_is_translated(db):  # some forms list rows (kelurahan)
    form_classes = our_form_classes()
    # The walk reached the pledge form, the admin's import form and the login form.
    assert "commitments.forms.CommitmentForm" in form_classes
    assert "recipients.admin_cases.RWCaseFileForm" in form_classes
    assert "django.contrib.auth.forms.AuthenticationForm" in form_classes

    def collect() -> Iterator[tuple[str, Any]]:
        for name, form_class in form_classes.items():
            yield from form_texts(name, form_class)

    assert_translated(collect)


def test_every_admin_label_of_our_models_is_translated(superuser_request):
    texts = list(admin_texts(superuser_request))
    assert any("Recipient column need_progress" in where for where, _text in texts)
    assert_translated(lambda: admin_texts(superuser_request))


def test_the_check_catches_a_label_that_never_went_through_gettext():
    class Unmarked(forms.Form):
        source_key = forms.CharField()
        created = forms.CharField(label="Created")
        rw = forms.CharField(label="RW")

    assert untranslated(lambda: form_texts("Unmarked", Unmarked)) == [
        "Unmarked.source_key: Source key",
        "Unmarked.created: Created",
    ]


def test_the_check_catches_a_model_field_without_verbose_name():
    field: models.Field[Any, Any] = models.CharField(max_length=10)
    field.set_attributes_from_name("source_key")
    assert untranslated(lambda: [("field", capfirst(field.verbose_name))]) == ["field: Source key"]


def test_commands_print_in_indonesian_by_default(db):
    # As under manage.py, where no language was activated: Django runs a command in
    # settings.LANGUAGE_CODE (unless the command is marked @no_translations).
    translation.deactivate()
    out = io.StringIO()
    call_command("expire_commitments", stdout=out)
    assert "0 komitmen kedaluwarsa" in out.getvalue()


def test_an_import_summary_speaks_the_active_language():
    summary = Summary(_("areas"), created=2, unchanged=1)
    with translation.override("id"):
        summary.skip(DataFileError("villages.csv", "unknown parent code '31.71.99'", row=5))
        assert summary.lines() == [
            "wilayah: 2 dibuat, 0 diperbarui, 1 tidak berubah, 1 dilewati",
            "  dilewati: villages.csv, baris 5: unknown parent code '31.71.99'",
        ]
    with translation.override("en"):
        assert summary.lines()[0] == "areas: 2 created, 0 updated, 1 unchanged, 1 skipped"
