from django import template
from django.utils.html import conditional_escape, format_html

from core.roles import has_staff_role

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """``{% if user|has_role:"warehouse,manager" %}``."""
    return has_staff_role(user, *[r.strip() for r in roles.split(",") if r.strip()])


@register.simple_tag
def link_reference(text, reference, url):
    """``text`` with ``reference`` (e.g. an order number) in it made a link to ``url``;
    when the text does not mention it, the link follows the text. Everything escaped."""
    text = str(text)
    if not reference or not url:
        return conditional_escape(text)
    link = format_html('<a class="text-nowrap" href="{}">{}</a>', url, reference)
    before, found, after = text.partition(str(reference))
    if not found:
        return format_html("{} · {}", text, link)
    return format_html("{}{}{}", before, link, after)


@register.inclusion_tag("includes/audit_trail.html", takes_context=True)
def audit_trail(context, instance, limit=20):
    """The object's newest audit entries (``{% audit_trail product %}``), for managers
    and the staff who may change it; the full trail is on the audit page."""
    from core.audit import entries_for

    return {"entries": list(entries_for(instance, limit=limit)), "request": context.get("request")}


@register.filter
def message(stored, fallback=""):
    """A stored message in the reader's language (``core.messages``):
    ``{{ entry.summary_message|message:entry.summary }}``."""
    from core.messages import render

    return render(stored, fallback or "")


@register.filter
def audit_value(value):
    """An audit trail value as people read it (a stored message rendered)."""
    from core.messages import display_value

    return display_value(value)


@register.filter
def amount(value):
    """A money amount with two decimals in the locale's format (es ``1.234,56``,
    pl ``1 234,56``, en ``1,234.56``), without its currency."""
    from core.money import format_amount

    return format_amount(value)


@register.filter
def money(value, currency=""):
    """A money amount and its currency as the product writes them in every language:
    ``{{ order.total|money:order.currency }}`` gives ``1.234,56 EUR`` (es)."""
    from core.money import format_money

    return format_money(value, currency)
