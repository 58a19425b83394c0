"""What apps above ``customers`` add to a company's API record and back-office page,
without ``customers`` importing them (``pricing`` sits above ``customers``).

- ``register_company_api_field``: an extra field of the customer API payload (e.g.
  ``price_list``, registered by ``pricing`` in its ``AppConfig.ready()``): a serializer
  field (which reads its value from a company), how to check it against the payload, how to
  write it (called after the company is created or updated, in the same transaction)
  and how to prefetch it for lists.
- ``register_company_panel``: a template rendered on the company's back-office page,
  with the context a function gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CompanyApiField:
    name: str
    #: ``field() -> serializers.Field``: a fresh field for each serializer; it reads
    #: its value from the company itself (``get_attribute``).
    field: Callable[[], Any]
    #: ``validate(value, attrs, instance) -> value``; raises DRF's ValidationError.
    validate: Callable[[Any, dict, Any], Any]
    #: ``write(company=, value=, actor=)``.
    write: Callable[..., None]
    #: ``prefetch(queryset) -> queryset`` for lists.
    prefetch: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class CompanyPanel:
    template: str
    #: ``context(request, company) -> dict``; None hides the panel.
    context: Callable[[Any, Any], dict | None]


company_api_fields: dict[str, CompanyApiField] = {}
company_panels: list[CompanyPanel] = []


def register_company_api_field(api_field: CompanyApiField) -> None:
    company_api_fields[api_field.name] = api_field


def register_company_panel(panel: CompanyPanel) -> None:
    if panel not in company_panels:
        company_panels.append(panel)


def prefetch_company_api_fields(queryset):
    for api_field in company_api_fields.values():
        if api_field.prefetch is not None:
            queryset = api_field.prefetch(queryset)
    return queryset


def render_company_panels(request, company) -> list[str]:
    from django.template.loader import render_to_string

    rendered = []
    for panel in company_panels:
        context = panel.context(request, company)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
