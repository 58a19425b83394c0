"""Helpers of the translated catalog (the columns are declared in ``translation.py``).

A translated field (``name``) has one column per language (``name_es``, ``name_en``,
``name_pl``). The services take either the plain field (a string: the Spanish text,
the default language) or a dict ``{"es": ..., "en": ..., "pl": ...}`` (only the languages
given change; ``None`` or ``""`` clears one), or the columns themselves (``name_en=``,
as the back-office form sends them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext as _
from modeltranslation.utils import get_language, resolution_order

#: The catalog's languages, the default (always filled) first.
LANGUAGES = ("es", "en", "pl")
DEFAULT_LANGUAGE = LANGUAGES[0]

#: The translated fields of each catalog model (by model name).
TRANSLATED_FIELDS: dict[str, tuple[str, ...]] = {
    "product": ("name", "description"),
    "category": ("name", "return_conditions"),
}


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    return TRANSLATED_FIELDS.get(model._meta.model_name, ())


def column(field: str, language: str) -> str:
    """``name``, ``pl`` -> ``name_pl``."""
    return f"{field}_{language}"


def columns(field: str) -> list[str]:
    return [column(field, language) for language in LANGUAGES]


class TranslationError(ValueError):
    """A translations dict that is not ``{language: text}``; ``errors`` by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def expand(model: type[models.Model], fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with each translated field written as its language columns: a string
    is the Spanish text, a dict sets the languages it names. Raises
    ``TranslationError`` for an unknown language or a value that is not text."""
    translated = translated_fields(model)
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name not in translated:
            out[name] = value
            continue
        if isinstance(value, Mapping):
            unknown = sorted(str(key) for key in value if key not in LANGUAGES)
            if unknown:
                errors[name] = [
                    _("Unknown language: %(codes)s. Use %(languages)s.")
                    % {"codes": ", ".join(unknown), "languages": ", ".join(LANGUAGES)}
                ]
                continue
            for language, text in value.items():
                if text is not None and not isinstance(text, str):
                    errors[name] = [_("Each translation must be text.")]
                    break
                out[column(name, language)] = text
        else:
            out[column(name, DEFAULT_LANGUAGE)] = value
    if errors:
        raise TranslationError(errors)
    # A cleared translation is stored as the column's empty value (NULL for names:
    # category names are unique per language).
    for name in translated:
        empty = None if name == "name" else ""
        for language in LANGUAGES:
            key = column(name, language)
            if key in out and out[key] in (None, ""):
                out[key] = empty
            elif key in out and isinstance(out[key], str) and name == "name":
                out[key] = out[key].strip() or empty
    return out


def translations(instance: models.Model, field: str) -> dict[str, str]:
    """``{"es": ..., "en": ..., "pl": ...}`` as stored ("" where missing)."""
    return {language: getattr(instance, column(field, language)) or "" for language in LANGUAGES}


def text_in(instance: models.Model, field: str, language: str | None) -> str:
    """The field's text in ``language`` with the catalog's fallback (that language, else
    Spanish, else any non-empty translation)."""
    for code in resolution_order(language or DEFAULT_LANGUAGE):
        value = getattr(instance, column(field, code), None)
        if value:
            return value
    return ""


def search(field: str, value: str, *, prefix: str = "") -> Q:
    """Rows whose ``field`` contains ``value`` in any language."""
    query = Q()
    for name in columns(field):
        query |= Q(**{f"{prefix}{name}__icontains": value})
    return query


def localized(field: str, *, prefix: str = "") -> Coalesce:
    """The field's text in the active language with the fallback, as an expression (to
    sort by the name the reader sees)."""
    order = resolution_order(get_language())
    text = models.TextField()
    return Coalesce(
        *(NullIf(f"{prefix}{column(field, code)}", models.Value("")) for code in order),
        output_field=text,
    )


@contextmanager
def spanish_saved() -> Iterator[None]:
    """Write (and snapshot for the audit) with Spanish active: the original column of
    a translated field (``name``) then holds the Spanish text, whoever saves."""
    with translation.override(DEFAULT_LANGUAGE):
        yield
