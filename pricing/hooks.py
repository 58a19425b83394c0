"""What pricing adds to the faces of apps below it, through their hooks:

- the customer API's ``price_list`` field (a list code, read and written; null or
  absent: the default list of the company's currency), via ``customers.hooks``;
- the company's back-office page: its list and a link to its contract prices.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from customers.hooks import (
    CompanyApiField,
    CompanyPanel,
    register_company_api_field,
    register_company_panel,
)


class PriceListCodeField(serializers.CharField):
    """The code of the company's assigned price list (null: its currency's default)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "The code of the company's price list, in its currency; null: the "
                "default list of its currency."
            ),
        )
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        pricing = getattr(instance, "pricing", None) if instance.pk else None
        if pricing is None or pricing.price_list_id is None:
            return None
        return pricing.price_list.code


def _validate(value, attrs, instance):
    from .models import PriceList

    if value in (None, ""):
        return None
    price_list = PriceList.objects.filter(code=str(value).strip().upper()).first()
    if price_list is None:
        raise serializers.ValidationError(
            {"price_list": [_("Unknown price list: %(code)s.") % {"code": value}]}
        )
    currency = attrs.get("currency") or (instance.currency if instance else "EUR")
    if price_list.currency != currency:
        raise serializers.ValidationError(
            {
                "price_list": [
                    _("The list %(code)s is in %(list)s; the company buys in %(company)s.")
                    % {"code": price_list.code, "list": price_list.currency, "company": currency}
                ]
            }
        )
    return price_list


def _write(*, company, value, actor):
    from .services import set_company_price_list

    set_company_price_list(company=company, price_list=value, actor=actor)
    company.__dict__.pop("pricing", None)
    if hasattr(company, "_state"):
        company._state.fields_cache.pop("pricing", None)


def _prefetch(queryset):
    return queryset.select_related("pricing__price_list")


def _panel_context(request, company):
    from .permissions import can_edit_prices
    from .resolution import company_price_list

    if not can_edit_prices(request.user):
        return None
    pricing = getattr(company, "pricing", None) if company.pk else None
    return {
        "company": company,
        "assigned": pricing.price_list if pricing is not None else None,
        "effective": company_price_list(company),
        "contract_count": company.contract_prices.count(),
    }


def register() -> None:
    register_company_api_field(
        CompanyApiField(
            name="price_list",
            field=PriceListCodeField,
            validate=_validate,
            write=_write,
            prefetch=_prefetch,
        )
    )
    register_company_panel(
        CompanyPanel(template="pricing/includes/company_panel.html", context=_panel_context)
    )
