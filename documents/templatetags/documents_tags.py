from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value, places=2):
    """A number in the active language's format with thousands grouping (1.234,56)."""
    if value is None or value == "":
        return ""
    return number_format(value, int(places), use_l10n=True, force_grouping=True)


@register.filter
def rate(value):
    """A VAT rate without needless decimals (21, 10, 5,5)."""
    if value is None:
        return ""
    normalized = value.normalize() if hasattr(value, "normalize") else value
    places = max(0, -normalized.as_tuple().exponent) if hasattr(normalized, "as_tuple") else 0
    return number_format(normalized, places, use_l10n=True)


@register.simple_tag
def order_documents(order):
    """The document files of ``order`` (for the order pages' documents card)."""
    from documents.selectors import documents_for_order

    return documents_for_order(order)


@register.simple_tag
def invoice_wait(order):
    """Why ``order``'s invoice is not issued yet, or None."""
    from documents.selectors import invoice_wait_for

    return invoice_wait_for(order)


@register.simple_tag
def compliance_exports():
    """Which XML exports the order pages offer (settings only, no query)."""
    from documents import ksef
    from documents.verifactu import conf

    return {"verifactu": conf.enabled(), "ksef": ksef.enabled()}
