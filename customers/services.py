"""The only code that creates or changes customers' rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError

from .errors import DefaultAddressError, LastAdminError
from .models import (
    Address,
    Company,
    CustomerRole,
    Tag,
    TimelineEntry,
    TimelineKind,
    User,
    Visibility,
)
from .validators import normalize_tax_id

ADDRESS_FIELDS = ("line1", "line2", "postal_code", "city", "region", "country")


def append_timeline(
    *,
    company: Company,
    kind: str,
    summary: str,
    body: str = "",
    actor: User | None = None,
    subject: models.Model | None = None,
    visibility: str = Visibility.STAFF,
    at=None,
) -> TimelineEntry:
    """Append one entry to a company's timeline; every domain records interactions here."""
    entry = TimelineEntry(
        company=company,
        kind=kind,
        summary=summary[:255],
        body=body,
        actor=actor if actor is not None and actor.is_authenticated else None,
        visibility=visibility,
        created_at=at or timezone.now(),
    )
    if subject is not None:
        entry.content_type = ContentType.objects.get_for_model(subject)
        entry.object_id = str(subject.pk)
    entry.save()
    return entry


def add_staff_note(
    *, company: Company, actor: User, kind: str, summary: str, body: str = "", visibility: str
) -> TimelineEntry:
    """A note written by staff: a logged call, a meeting, anything worth remembering."""
    return append_timeline(
        company=company, kind=kind, summary=summary, body=body, actor=actor, visibility=visibility
    )


def _set_tags(company: Company, tags: Iterable[Tag | str]) -> None:
    resolved = []
    for tag in tags:
        if isinstance(tag, Tag):
            resolved.append(tag)
        else:
            resolved.append(Tag.objects.get_or_create(name=tag.strip())[0])
    company.tags.set(resolved)


@transaction.atomic
def create_company(
    *,
    actor: User | None,
    tags: Iterable[Tag | str] = (),
    shipping_address: dict[str, Any] | None = None,
    **fields: Any,
) -> Company:
    """Create a company; its billing address is also its first, default shipping address
    unless ``shipping_address`` is given."""
    fields["tax_id"] = normalize_tax_id(fields.get("tax_id", ""))
    company = Company(**fields)
    company.full_clean()
    company.save()
    _set_tags(company, tags)
    address = shipping_address or {name: getattr(company, name) for name in ADDRESS_FIELDS}
    with translation.override(company.language):  # the customer reads this label
        default_label = _("Main address")
    Address.objects.create(
        company=company,
        label=address.pop("label", None) or default_label,
        is_default=True,
        **{k: v for k, v in address.items() if k != "is_default"},
    )
    append_timeline(
        company=company,
        kind=TimelineKind.ACCOUNT,
        summary=_("Customer account created"),
        actor=actor,
    )
    return company


@transaction.atomic
def update_company(
    *, company: Company, actor: User | None, tags: Iterable[Tag | str] | None = None, **fields: Any
) -> Company:
    """Change a company's fields; the timeline records which ones changed."""
    if "tax_id" in fields:
        fields["tax_id"] = normalize_tax_id(fields["tax_id"])
    changed = [name for name, value in fields.items() if getattr(company, name) != value]
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    if tags is not None:
        before = set(company.tags.values_list("name", flat=True))
        _set_tags(company, tags)
        if before != set(company.tags.values_list("name", flat=True)):
            changed.append("tags")
    if changed:
        labels = ", ".join(str(Company._meta.get_field(name).verbose_name) for name in changed)
        append_timeline(
            company=company,
            kind=TimelineKind.ACCOUNT,
            summary=_("Customer data changed: %(fields)s") % {"fields": labels},
            actor=actor,
        )
    return company


@transaction.atomic
def save_address(
    *, company: Company, actor: User | None, address: Address | None = None, **fields: Any
) -> Address:
    """Add a shipping address or change one. ``is_default=True`` makes it the only default
    (the old one is cleared here, whatever the caller already set on the instance); the
    default stays the default until another address takes over."""
    make_default = bool(fields.pop("is_default", False))
    # Lock the company's addresses so two concurrent "make default" cannot both win. The
    # rows read here, not the instance (a ModelForm has already copied its checkbox onto
    # it), say which address is the default now.
    locked = list(Address.objects.select_for_update().filter(company=company).order_by("pk"))
    current_default = next((row for row in locked if row.is_default), None)
    if address is None:
        address = Address(company=company)
    for name, value in fields.items():
        setattr(address, name, value)
    is_current_default = current_default is not None and current_default.pk == address.pk
    address.is_default = make_default or is_current_default or current_default is None
    if address.is_default and current_default is not None and not is_current_default:
        Address.objects.filter(pk=current_default.pk).update(is_default=False)
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def delete_address(*, address: Address, actor: User | None) -> None:
    """Remove a shipping address that is not the default."""
    if address.is_default:
        raise DefaultAddressError()
    address.delete()


def _lock_company_admins(company: Company) -> list[User]:
    return list(
        User.objects.select_for_update()
        .filter(company=company, role=CustomerRole.ADMIN, is_active=True)
        .order_by("pk")
    )


def _taken_email_error() -> ValidationError:
    return ValidationError(
        {"email": ValidationError(_("A user with this email already exists."), code="email_taken")}
    )


@transaction.atomic
def create_customer_user(
    *,
    company: Company,
    actor: User | None,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """Create a user of ``company``. Without a password, the user gets an email
    invitation (after commit) to choose one.

    For staff and setup code: an email that already has an account (any company, or
    staff) is a ``ValidationError`` on ``email``, as is any field the model refuses.
    Customers invite through :func:`invite_customer_user`, which never says so."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise _taken_email_error()
    user = User(
        company=company,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    append_timeline(
        company=company,
        kind=TimelineKind.ACCOUNT,
        summary=_("User %(email)s added as %(role)s")
        % {"email": user.email, "role": user.get_role_display()},
        actor=actor,
        subject=user,
        visibility=Visibility.CUSTOMER,
    )
    if send_invitation and not password:
        from core import outbox

        from .events import CUSTOMER_USER_INVITED

        outbox.publish(
            CUSTOMER_USER_INVITED, {"user_id": user.pk, "company_id": company.pk, "resend": False}
        )
    return user


@transaction.atomic
def invite_customer_user(
    *,
    company: Company,
    actor: User | None,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> User | None:
    """A customer admin invites someone to ``company``; the new user, or None.

    It answers alike whether or not the email already has an account, so the portal
    cannot be used to test which addresses exist (other companies' users, staff). For
    a taken address nobody is created: the account holder is told by email instead
    (after commit), and the company's timeline notes it for staff only."""
    email = User.objects.normalize_email(email).lower()
    holder = User.objects.filter(email__iexact=email).first()
    if holder is None:
        try:
            with transaction.atomic():
                return create_customer_user(
                    company=company,
                    actor=actor,
                    email=email,
                    role=role,
                    first_name=first_name,
                    last_name=last_name,
                )
        except (IntegrityError, ValidationError) as error:
            # Only a concurrent request that has just taken the address lands here.
            if isinstance(error, ValidationError) and not _codes(error, "email") & {
                "email_taken",
                "unique",
            }:
                raise
            holder = User.objects.filter(email__iexact=email).first()
            if holder is None:
                raise
    append_timeline(
        company=company,
        kind=TimelineKind.ACCOUNT,
        summary=_("Invitation not sent: %(email)s already has an account") % {"email": email},
        actor=actor,
        subject=holder,
        visibility=Visibility.STAFF,
    )
    from core import outbox

    from .events import CUSTOMER_USER_INVITATION_ATTEMPTED

    outbox.publish(
        CUSTOMER_USER_INVITATION_ATTEMPTED, {"user_id": holder.pk, "company_id": company.pk}
    )
    return None


def _codes(error: ValidationError, field: str) -> set[str]:
    errors = getattr(error, "error_dict", {}).get(field, [])
    return {item.code for item in errors if item.code}


def resend_invitation(*, user: User, actor: User | None) -> None:
    """Email an invited user a fresh set-password link (after commit).

    For an active user who has not set a password yet: the first email may never have
    arrived (a mail server outage, a spam filter)."""
    if not user.is_active:
        raise DomainError(_("The user is deactivated: reactivate them first."), code="inactive")
    if user.has_usable_password():
        raise DomainError(
            _("This user has already set a password; they can sign in."), code="already_active"
        )
    from core import outbox

    from .events import CUSTOMER_USER_INVITED

    outbox.publish(
        CUSTOMER_USER_INVITED, {"user_id": user.pk, "company_id": user.company_id, "resend": True}
    )


@transaction.atomic
def change_customer_user_role(*, user: User, actor: User | None, role: str) -> User:
    """Give a customer user another role; a company always keeps one active admin."""
    admins = _lock_company_admins(user.company)
    if user.role == CustomerRole.ADMIN and role != CustomerRole.ADMIN and admins == [user]:
        raise LastAdminError()
    if user.role != role:
        user.role = role
        user.save(update_fields=["role", "updated_at"])
        append_timeline(
            company=user.company,
            kind=TimelineKind.ACCOUNT,
            summary=_("User %(email)s is now %(role)s")
            % {"email": user.email, "role": user.get_role_display()},
            actor=actor,
            subject=user,
            visibility=Visibility.CUSTOMER,
        )
    return user


@transaction.atomic
def set_customer_user_active(*, user: User, actor: User | None, active: bool) -> User:
    """Deactivate (or reactivate) a customer user; the last active admin stays."""
    admins = _lock_company_admins(user.company)
    if not active and user.role == CustomerRole.ADMIN and admins == [user]:
        raise LastAdminError()
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        summary = (
            _("User %(email)s reactivated") if active else _("User %(email)s deactivated")
        ) % {"email": user.email}
        append_timeline(
            company=user.company,
            kind=TimelineKind.ACCOUNT,
            summary=summary,
            actor=actor,
            subject=user,
            visibility=Visibility.CUSTOMER,
        )
    return user
