from django import template

from core.roles import has_staff_role

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """``{% if user|has_role:"warehouse,manager" %}``."""
    return has_staff_role(user, *[r.strip() for r in roles.split(",") if r.strip()])
