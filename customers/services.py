"""The only code that creates or changes customers' rows.

Every write service takes ``actor`` (``core.actors.Actor``: a staff or customer user,
an API key, or None for the system), asks ``customers.permissions`` whether it may
(``core.errors.NotAllowed`` if not) and writes an audit row (``core.audit``) in its
transaction for each company, address and user it creates or changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor, user_of
from core.errors import DomainError, NotAllowed
from core.messages import Msg
from core.messages import stored as stored_message

from . import permissions
from .errors import DefaultAddressError, LastAdminError, SelfDeactivationError
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
from .validators import normalize_tax_id, normalize_vat_number

ADDRESS_FIELDS = ("line1", "line2", "postal_code", "city", "region", "country")
#: The audited columns of a customer user (never the password or login bookkeeping).
USER_AUDIT_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "company",
    "role",
    "is_active",
    "order_limit",
]
#: The highest order limit one can set (the order totals' field size).
MAX_ORDER_LIMIT = Decimal("9999999999.99")


class CompanyFields(TypedDict, total=False):
    """A company's own columns, as the faces hand them over (already validated)."""

    legal_name: str
    tax_id: str
    vat_number: str
    email: str
    phone: str
    line1: str
    line2: str
    postal_code: str
    city: str
    region: str
    country: str
    language: str
    currency: str
    consumer_protected: bool
    payment_terms: str
    credit_limit: Decimal
    discount_percent: Decimal
    status: str
    allows_backorders: bool
    external_ref: str | None


class AddressData(TypedDict, total=False):
    """A shipping address's columns (``is_default`` asks to make it the default)."""

    label: str
    recipient: str
    phone: str
    line1: str
    line2: str
    postal_code: str
    city: str
    region: str
    country: str
    is_default: bool


def append_timeline(
    *,
    company: Company,
    kind: str,
    message: Msg | None = None,
    summary: str = "",
    body: str = "",
    body_message: Msg | list[Msg] | None = None,
    actor: Actor = None,
    subject: models.Model | None = None,
    visibility: str = Visibility.STAFF,
    at=None,
) -> TimelineEntry:
    """Append one entry to a company's timeline; every domain records interactions here
    (an internal helper of the domains' services: it checks no permission).

    ``message`` (a ``core.messages.Msg``) is what the system says, rendered in each
    reader's language; ``summary`` / ``body`` are text a person typed."""
    if message is None and not summary:
        raise ValueError("append_timeline needs a message or a typed summary")
    person = user_of(actor)
    entry = TimelineEntry(
        company=company,
        kind=kind,
        summary=summary[:255],
        summary_message=stored_message(message),
        body=body,
        body_message=stored_message(body_message),
        actor=person if person is not None and person.is_authenticated else None,
        visibility=visibility,
        created_at=at or timezone.now(),
    )
    if subject is not None:
        entry.content_type = ContentType.objects.get_for_model(subject)
        entry.object_id = str(subject.pk)
    entry.save()
    return entry


def add_staff_note(
    *, company: Company, actor: Actor, kind: str, summary: str, body: str = "", visibility: str
) -> TimelineEntry:
    """A note written by staff: a logged call, a meeting, anything worth remembering."""
    permissions.ensure_can_add_note(actor)
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


def _tag_names(company: Company) -> list[str]:
    return sorted(company.tags.values_list("name", flat=True))


@transaction.atomic
def create_company(
    *,
    actor: Actor,
    tags: Iterable[Tag | str] = (),
    shipping_address: AddressData | None = None,
    **fields: Unpack[CompanyFields],
) -> Company:
    """Create a company; its billing address is also its first, default shipping address
    unless ``shipping_address`` is given."""
    permissions.ensure_can_edit_company(actor)
    fields["tax_id"] = normalize_tax_id(fields.get("tax_id", ""))
    if fields.get("vat_number"):
        fields["vat_number"] = normalize_vat_number(fields["vat_number"])
    company = Company(**fields)
    company.full_clean()
    company.save()
    _set_tags(company, tags)
    address_data: dict[str, Any] = dict(
        shipping_address or {name: getattr(company, name) for name in ADDRESS_FIELDS}
    )
    with translation.override(company.language):  # the customer reads this label
        default_label = _("Main address")
    address = Address.objects.create(
        company=company,
        label=address_data.pop("label", None) or default_label,
        is_default=True,
        **{k: v for k, v in address_data.items() if k != "is_default"},
    )
    entry = audit.record_created(actor=actor, instance=company)
    if tags_now := _tag_names(company):
        entry.changes["tags"] = [None, tags_now]
        entry.save(update_fields=["changes"])
    audit.record_created(actor=actor, instance=address)
    append_timeline(
        company=company,
        kind=TimelineKind.ACCOUNT,
        message=Msg("customer.created"),
        actor=actor,
    )
    return company


@transaction.atomic
def update_company(
    *,
    company: Company,
    actor: Actor,
    tags: Iterable[Tag | str] | None = None,
    **fields: Unpack[CompanyFields],
) -> Company:
    """Change a company's fields (master data, credit limit, status, payment terms,
    discount...); the timeline says which ones changed, the audit trail how."""
    permissions.ensure_can_edit_company(actor)
    before = audit.snapshot(company)
    tags_before = _tag_names(company)
    if "tax_id" in fields:
        fields["tax_id"] = normalize_tax_id(fields["tax_id"])
    if "vat_number" in fields:
        fields["vat_number"] = normalize_vat_number(fields["vat_number"] or "")
    changed = [name for name, value in fields.items() if getattr(company, name) != value]
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    extra = {}
    if tags is not None:
        _set_tags(company, tags)
        if (tags_now := _tag_names(company)) != tags_before:
            changed.append("tags")
            extra["tags"] = [tags_before, tags_now]
    audit.record_change(actor=actor, instance=company, before=before, extra=extra)
    if changed:
        append_timeline(
            company=company,
            kind=TimelineKind.ACCOUNT,
            message=Msg("customer.changed", fields=changed),
            actor=actor,
        )
    return company


@transaction.atomic
def save_address(
    *,
    company: Company,
    actor: Actor,
    address: Address | None = None,
    **fields: Unpack[AddressData],
) -> Address:
    """Add a shipping address or change one. ``is_default=True`` makes it the only default
    (the old one is cleared here, whatever the caller already set on the instance); the
    default stays the default until another address takes over. ``address`` must be
    one of ``company``'s (NotAllowed otherwise)."""
    permissions.ensure_can_manage_addresses(actor, company)
    if address is not None and (address.pk is None or address.company_id != company.pk):
        raise NotAllowed()
    make_default = bool(fields.pop("is_default", False))
    # Lock the company's addresses so two concurrent "make default" cannot both win. The
    # rows read here, not the instance (a ModelForm has already copied its checkbox onto
    # it), say which address is the default now.
    locked = list(Address.objects.select_for_update().filter(company=company).order_by("pk"))
    current_default = next((row for row in locked if row.is_default), None)
    before = None
    if address is None:
        address = Address(company=company)
    else:
        # The stored row, not the instance (a ModelForm may have changed it already).
        before = audit.snapshot(next(row for row in locked if row.pk == address.pk))
    for name, value in fields.items():
        setattr(address, name, value)
    is_current_default = current_default is not None and current_default.pk == address.pk
    address.is_default = make_default or is_current_default or current_default is None
    if address.is_default and current_default is not None and not is_current_default:
        previous = audit.snapshot(current_default, fields=["is_default"])
        Address.objects.filter(pk=current_default.pk).update(is_default=False)
        current_default.is_default = False
        audit.record_change(actor=actor, instance=current_default, before=previous)
    address.full_clean()
    address.save()
    if before is None:
        audit.record_created(actor=actor, instance=address)
    else:
        audit.record_change(actor=actor, instance=address, before=before)
    return address


@transaction.atomic
def delete_address(*, address: Address, actor: Actor) -> None:
    """Remove a shipping address that is not the default."""
    permissions.ensure_can_manage_addresses(actor, address.company)
    if address.is_default:
        raise DefaultAddressError()
    audit.record_deleted(actor=actor, instance=address)
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


def _email_taken(email: str) -> bool:
    """Whether anybody (staff or a user of any company) has ``email``, in any case."""
    return User.objects.filter(email__iexact=email).exists()


def _ensure_customer_user(user: User) -> None:
    """These services change customer users only (staff have no company)."""
    if user.company_id is None or user.is_staff:
        raise NotAllowed()


def create_customer_user(
    *,
    company: Company,
    actor: Actor,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """Create a user of ``company``. Without a password, the user gets an email
    invitation (after commit) to choose one.

    For the seller side (staff, seller keys, setup code): an email that already has an
    account (any company, or staff) is a ``ValidationError`` on ``email``, as is any
    field the model refuses. Customers invite through :func:`invite_customer_user`,
    which never says so."""
    permissions.ensure_can_create_users(actor)
    return _create_customer_user(
        company=company,
        actor=actor,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        password=password,
        send_invitation=send_invitation,
    )


@transaction.atomic
def _create_customer_user(
    *,
    company: Company,
    actor: Actor,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """:func:`create_customer_user` once the actor is known to be allowed."""
    email = User.objects.normalize_email(email).lower()
    if _email_taken(email):
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
    audit.record_created(actor=actor, instance=user, fields=USER_AUDIT_FIELDS)
    append_timeline(
        company=company,
        kind=TimelineKind.ACCOUNT,
        message=Msg("customer_user.added", email=user.email, role=user.role),
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
    actor: Actor,
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
    permissions.ensure_can_manage_users(actor, company)
    email = User.objects.normalize_email(email).lower()
    holder = User.objects.filter(email__iexact=email).first()
    if holder is None:
        try:
            with transaction.atomic():
                return _create_customer_user(
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
        message=Msg("customer_user.invitation_refused", email=email),
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


def resend_invitation(*, user: User, actor: Actor) -> None:
    """Email an invited user a fresh set-password link (after commit).

    For an active user who has not set a password yet: the first email may never have
    arrived (a mail server outage, a spam filter)."""
    _ensure_customer_user(user)
    permissions.ensure_can_manage_users(actor, user.company)
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
def change_customer_user_role(*, user: User, actor: Actor, role: CustomerRole | str) -> User:
    """Give a customer user another role (``role`` is a ``CustomerRole`` value the face
    has validated); a company always keeps one active admin, so the last one cannot
    step down, not even by their own hand."""
    _ensure_customer_user(user)
    permissions.ensure_can_manage_users(actor, user.company)
    admins = _lock_company_admins(user.company)
    if user.role == CustomerRole.ADMIN and role != CustomerRole.ADMIN and admins == [user]:
        raise LastAdminError()
    if user.role != role:
        before = audit.snapshot(user, fields=USER_AUDIT_FIELDS)
        user.role = role
        user.save(update_fields=["role", "updated_at"])
        audit.record_change(actor=actor, instance=user, before=before)
        append_timeline(
            company=user.company,
            kind=TimelineKind.ACCOUNT,
            message=Msg("customer_user.role_changed", email=user.email, role=user.role),
            actor=actor,
            subject=user,
            visibility=Visibility.CUSTOMER,
        )
    return user


@transaction.atomic
def set_customer_user_order_limit(*, user: User, actor: Actor, limit: Decimal | None) -> User:
    """Set (or clear, with None) the total above which a buyer's orders wait for an
    admin's approval. Only the company's admins (``ensure_can_manage_users``)."""
    from .errors import InvalidOrderLimit

    _ensure_customer_user(user)
    permissions.ensure_can_manage_users(actor, user.company)
    if limit is not None and not (Decimal("0") <= limit <= MAX_ORDER_LIMIT):
        raise InvalidOrderLimit()
    if user.order_limit != limit:
        before = audit.snapshot(user, fields=USER_AUDIT_FIELDS)
        user.order_limit = limit
        user.save(update_fields=["order_limit", "updated_at"])
        audit.record_change(actor=actor, instance=user, before=before)
        append_timeline(
            company=user.company,
            kind=TimelineKind.ACCOUNT,
            message=(
                Msg("customer_user.order_limit", email=user.email, limit=limit)
                if limit is not None
                else Msg("customer_user.no_order_limit", email=user.email)
            ),
            actor=actor,
            subject=user,
            visibility=Visibility.CUSTOMER,
        )
    return user


@transaction.atomic
def set_customer_user_active(*, user: User, actor: Actor, active: bool) -> User:
    """Deactivate (or reactivate) a customer user; the last active admin stays, and
    nobody deactivates their own account."""
    _ensure_customer_user(user)
    permissions.ensure_can_manage_users(actor, user.company)
    if not active and user_of(actor) is not None and user_of(actor).pk == user.pk:
        raise SelfDeactivationError()
    admins = _lock_company_admins(user.company)
    if not active and user.role == CustomerRole.ADMIN and admins == [user]:
        raise LastAdminError()
    if user.is_active != active:
        before = audit.snapshot(user, fields=USER_AUDIT_FIELDS)
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        audit.record_change(actor=actor, instance=user, before=before)
        key = "customer_user.reactivated" if active else "customer_user.deactivated"
        append_timeline(
            company=user.company,
            kind=TimelineKind.ACCOUNT,
            message=Msg(key, email=user.email),
            actor=actor,
            subject=user,
            visibility=Visibility.CUSTOMER,
        )
    return user
