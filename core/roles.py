"""Staff roles (Django groups) and the checks every face uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Staff roles; the value is the name of the Django group."""

    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    WAREHOUSE = "warehouse", _("Warehouse")
    MANAGER = "manager", _("Manager")


def staff_roles(user) -> frozenset[str]:
    """The staff roles of ``user``; superusers and managers hold every role."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return frozenset()
    cached = getattr(user, "_staff_roles_cache", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(StaffRole.values)
        else:
            names = set(
                user.groups.filter(name__in=StaffRole.values).values_list("name", flat=True)
            )
            cached = frozenset(StaffRole.values) if StaffRole.MANAGER in names else frozenset(names)
        user._staff_roles_cache = cached
    return cached


def has_staff_role(user, *roles: str) -> bool:
    """True when ``user`` is active staff holding any of ``roles`` (any role if none given)."""
    held = staff_roles(user)
    if not roles:
        return bool(held)
    return bool(held.intersection(roles))
