"""Messages shown to people: stored as a key and parameters, rendered when shown.

A row that records something the system wrote for people to read (a timeline entry, an
order event's note, a hold reason, a stock-movement reason, an email's subject) stores
``{"key": "order.placed", "params": {"number": "PED-2026-000123", ...}}`` in a JSON
field beside its text field, never the rendered sentence: each reader sees it in their
own language and number format. Text a person typed stays in the text field.

- Each app declares its keys in its ``messages.py`` (found on first use, like
  ``navigation.py``)::

      from django.utils.translation import gettext_lazy as _
      from core import messages as m

      m.define("order.placed", _("Order %(number)s placed: %(total)s %(currency)s"),
               total=m.AMOUNT)

  A parameter without a format is inserted as stored (order numbers, emails). A
  parameter with one is stored as a code or an ISO string and formatted when shown:
  ``AMOUNT`` (decimal string, two decimals with the locale's grouping), ``NUMBER``,
  ``DATE`` (ISO date), ``choice(SomeChoices)`` (a code, shown as its translated label),
  ``labels({...})`` (a list of codes), ``MESSAGE`` (a nested message).
- Writers build ``Msg("order.placed", number=..., total=order.total, currency=...)``
  and store ``msg.stored`` (or ``stored([msg, ...])`` for several lines).
- Readers call ``render(row.summary_message, row.summary)`` (a model property does it),
  templates ``{{ row.summary_message|message:row.summary }}``; the API serializes the
  rendered text in the request's language.
- ``recognise(text, keys)`` turns an old rendered text back into a stored message,
  whichever of the site's languages it was written in (for data migrations).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AMOUNT",
    "DATE",
    "MESSAGE",
    "NUMBER",
    "Msg",
    "choice",
    "define",
    "labels",
    "recognise",
    "recognise_lines",
    "render",
    "stored",
]


# --- parameter formats -------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """How one parameter is stored (``store``), shown (``show``) and read back from an
    old rendered text in the active language (``parse``: None when it does not fit)."""

    store: Callable[[object], object]
    show: Callable[[object], str]
    parse: Callable[[str], object | None]


def _plain_store(value):
    if isinstance(value, Msg):
        return value.stored
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain_store(item) for item in value]
    if value is None or isinstance(value, bool | int | str | dict):
        return value
    return str(value)


PLAIN = Format(
    store=_plain_store,
    show=lambda value: "" if value is None else str(value),
    parse=lambda text: text,
)


_PLAIN_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def _grouping_free(text: str) -> str:
    """A number as ``str(Decimal)`` wrote it (any language), or as the active locale
    writes it (``1.234,56``), as a plain decimal string."""
    text = text.strip().replace("\xa0", "").replace("\u202f", "").replace(" ", "")
    if _PLAIN_DECIMAL.fullmatch(text):
        return text
    thousands = formats.get_format("THOUSAND_SEPARATOR")
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    if thousands.strip():
        text = text.replace(thousands, "")
    return text.replace(decimal, ".")


def _parse_decimal(text: str):
    try:
        return str(Decimal(_grouping_free(text)))
    except (InvalidOperation, ValueError):
        return None


def _show_amount(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)


def _show_number(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def _parse_number(text: str):
    value = _parse_decimal(text)
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else value


def _store_date(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _show_date(value) -> str:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _parse_date(text: str):
    for pattern in [*formats.get_format("DATE_INPUT_FORMATS"), "%Y-%m-%d"]:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return None


#: A money amount (without its currency): two decimals, the locale's grouping.
AMOUNT = Format(store=lambda value: str(value), show=_show_amount, parse=_parse_decimal)
#: A count or a quantity, with the locale's grouping.
NUMBER = Format(
    store=lambda value: value if isinstance(value, int) else str(value),
    show=_show_number,
    parse=_parse_number,
)
#: A calendar date, stored as ISO, shown in the locale's short format.
DATE = Format(store=_store_date, show=_show_date, parse=_parse_date)


def _label_map(choices) -> dict[str, object]:
    if isinstance(choices, Mapping):
        return dict(choices)
    return dict(getattr(choices, "choices", choices))


def choice(choices) -> Format:
    """A code shown as its translated label (``TextChoices``, ``(code, label)`` pairs or
    a mapping; the mapping may be a callable returning one, read when used)."""

    def mapping():
        return _label_map(
            choices() if callable(choices) and not hasattr(choices, "choices") else choices
        )

    def show(code):
        label = mapping().get(code)
        return str(code) if label is None else str(label)

    def parse(text):
        for code, label in mapping().items():
            if str(label) == text or str(code) == text:
                return code
        return None

    return Format(store=lambda value: str(getattr(value, "value", value)), show=show, parse=parse)


def labels(choices, separator: str = ", ") -> Format:
    """A list of codes shown as their translated labels joined by ``separator``."""
    single = choice(choices)

    def parse(text):
        codes = [single.parse(part.strip()) for part in text.split(separator.strip())]
        return None if any(code is None for code in codes) else codes

    return Format(
        store=lambda values: [single.store(value) for value in values],
        show=lambda codes: separator.join(single.show(code) for code in (codes or [])),
        parse=parse,
    )


def _show_nested(value) -> str:
    return render(value)


def _parse_nested(text):
    return recognise(text) or {"text": text}


#: A message inside a message (e.g. an email's subject in "Email sent: ...").
MESSAGE = Format(store=_plain_store, show=_show_nested, parse=_parse_nested)


# --- the registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    key: str
    template: object  # a lazy translation with %(name)s placeholders
    formats: dict[str, Format] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(re.findall(r"%\((\w+)\)s", self._msgid)))

    @property
    def _msgid(self) -> str:
        # The untranslated template (what the catalogs' msgid is).
        with translation.override(None):
            return str(self.template)

    def format_of(self, name: str) -> Format:
        return self.formats.get(name, PLAIN)


_REGISTRY: dict[str, Definition] = {}
_loaded = False


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("messages")


def define(key: str, template, **param_formats: Format) -> Definition:
    """Declare a message key (once, in the app's ``messages.py``)."""
    definition = Definition(key, template, dict(param_formats))
    _REGISTRY[key] = definition
    return definition


def definition(key: str) -> Definition | None:
    _ensure_loaded()
    return _REGISTRY.get(key)


def all_keys() -> list[str]:
    _ensure_loaded()
    return sorted(_REGISTRY)


class Msg:
    """A message to store: a defined key and its parameters (JSON-able once stored)."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params):
        found = definition(key)
        if found is None:
            raise KeyError(f"Undefined message key {key!r} (define it in an app's messages.py)")
        missing = set(found.names) - set(params)
        if missing:
            raise KeyError(f"Message {key!r} lacks parameters: {', '.join(sorted(missing))}")
        self.key = key
        self.params = {name: found.format_of(name).store(value) for name, value in params.items()}

    @property
    def stored(self) -> dict:
        return {"key": self.key, "params": self.params}

    def __str__(self) -> str:
        return render(self.stored)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Msg) and other.stored == self.stored

    __hash__ = None


def stored(value: Msg | Iterable[Msg] | None) -> dict | list:
    """What a message field stores: one message, several (shown one per line), or
    nothing (``{}``: the row's text field is shown)."""
    if value is None:
        return {}
    if isinstance(value, Msg):
        return value.stored
    if isinstance(value, dict):
        return value
    return [item.stored if isinstance(item, Msg) else item for item in value]


def _render_one(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "key" not in value:
        return str(value.get("text", ""))
    found = definition(value["key"])
    params = value.get("params") or {}
    if found is None:
        return str(value.get("text") or value["key"])
    shown = {name: found.format_of(name).show(params.get(name)) for name in found.names}
    try:
        return str(found.template) % shown
    except (KeyError, TypeError, ValueError):
        # A catalog whose msgstr names a parameter the msgid lacks: show the msgid.
        return found._msgid % shown


def display_value(value):
    """A value as a history (the audit trail) shows it: a stored message rendered, an
    empty one as None, anything else as it is."""
    if isinstance(value, dict) and "key" in value and "params" in value:
        return render(value)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, dict) and "key" in item for item in value)
    ):
        return render(value)
    if value == {} or value == []:
        return None
    return value


def render(value, fallback: str = "") -> str:
    """A stored message (or list of them, one per line) in the active language; the
    ``fallback`` text when nothing is stored."""
    if not value:
        return fallback or ""
    if isinstance(value, Msg):
        value = value.stored
    if isinstance(value, list):
        return "\n".join(_render_one(item) for item in value)
    return _render_one(value)


# --- reading old rendered texts back (data migrations) ---------------------------------------


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"(%\(\w+\)s|%%)", template)
    regex = []
    seen = set()
    for part in parts:
        match = re.fullmatch(r"%\((\w+)\)s", part)
        if match:
            name = match.group(1)
            regex.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        elif part == "%%":
            regex.append("%")
        else:
            regex.append(re.escape(part))
    return re.compile("".join(regex), re.DOTALL)


def _languages() -> list[str]:
    codes = [code for code, _label in settings.LANGUAGES]
    return codes + [code for code in ("es", "en", "pl") if code not in codes]


def recognise(text: str, keys: Iterable[str] | None = None) -> dict | None:
    """The stored message an old rendered ``text`` came from (in any of the site's
    languages), or None when no template of ``keys`` (default: all) fits."""
    text = (text or "").strip()
    if not text:
        return None
    candidates = [definition(key) for key in (all_keys() if keys is None else keys)]
    for language in _languages():
        with translation.override(language):
            for found in candidates:
                if found is None:
                    continue
                match = _pattern(str(found.template)).fullmatch(text)
                if match is None:
                    continue
                params = {}
                for name in found.names:
                    value = found.format_of(name).parse(match.group(name))
                    if value is None:
                        break
                    params[name] = value
                else:
                    return {"key": found.key, "params": params}
    return None


def recognise_lines(text: str, keys: Iterable[str] | None = None) -> list | None:
    """Several lines (e.g. hold reasons), each recognised; None unless every line is."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return None
    found = [recognise(line, keys) for line in lines]
    return None if any(item is None for item in found) else found


# --- data migrations -------------------------------------------------------------------------


def convert_rows(
    queryset,
    *,
    text_field: str,
    message_field: str,
    keys: Iterable[str],
    lines: bool = False,
    aliases: Mapping[str, dict] | None = None,
    batch_size: int = 500,
) -> int:
    """Fill ``message_field`` from the rendered ``text_field`` of each row of
    ``queryset`` whose text a template of ``keys`` (in any language) or an exact alias
    recognises, and empty the text; the others keep their text. Returns how many rows
    changed. For data migrations (historical models: plain managers)."""
    keys = list(keys)
    aliases = dict(aliases or {})
    changed, pending = 0, []
    model = queryset.model
    for row in queryset.iterator(chunk_size=batch_size):
        text = getattr(row, text_field) or ""
        found = aliases.get(text.strip())
        if found is None:
            found = recognise_lines(text, keys) if lines else recognise(text, keys)
        if found is None:
            continue
        setattr(row, message_field, found)
        setattr(row, text_field, "")
        pending.append(row)
        if len(pending) >= batch_size:
            model.objects.bulk_update(pending, [text_field, message_field])
            changed, pending = changed + len(pending), []
    if pending:
        model.objects.bulk_update(pending, [text_field, message_field])
        changed += len(pending)
    return changed


def restore_rows(queryset, *, text_field: str, message_field: str, max_length=None) -> None:
    """The reverse of ``convert_rows``: the message rendered in the site's language back
    into the text field (for unapplying a data migration)."""
    model = queryset.model
    pending = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in queryset.iterator(chunk_size=500):
            value = getattr(row, message_field)
            if not value:
                continue
            text = render(value, getattr(row, text_field))
            setattr(row, text_field, text[:max_length] if max_length else text)
            setattr(row, message_field, [] if isinstance(value, list) else {})
            pending.append(row)
    if pending:
        model.objects.bulk_update(pending, [text_field, message_field], batch_size=500)


# --- core's own keys -------------------------------------------------------------------------

# Who did something, as histories label it (``core.actors.actor_label``); rows that
# stored the label as text are read back with ``recognise`` (e.g. ``OrderEvent.by_text``).
define("actor.system", _("System"))
define("actor.api_client", _("API client %(name)s"))
ACTOR_KEYS = ("actor.system", "actor.api_client")


def actor_text(label: str) -> str:
    """An actor label stored as text ("Sistema", "API client ERP"), in the active
    language when it is the system's or a key's; a person's name as it is."""
    found = recognise(label, ACTOR_KEYS) if label else None
    return render(found) if found else label
