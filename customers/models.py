from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.countries import COUNTRIES
from core.messages import render as render_message
from core.models import TimeStampedModel

from .validators import validate_tax_id, validate_vat_number


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    POLISH = "pl", _("Polish")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    PLN = "PLN", "PLN"


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    NET15 = "net15", _("Net 15 days")
    NET30 = "net30", _("Net 30 days")
    NET60 = "net60", _("Net 60 days")

    @property
    def days(self) -> int:
        return {"prepaid": 0, "net15": 15, "net30": 30, "net60": 60}[self.value]


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")


class Tag(models.Model):
    """A segment tag (e.g. "key account", "horeca") used to filter customers."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class AddressFields(models.Model):
    """The fields of a postal address, shared by billing and shipping addresses."""

    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("province / region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="ES")

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        """The address as printed on a label: street, postal code and city, country."""
        city = " ".join(p for p in (self.postal_code, self.city) if p)
        if self.region:
            city = f"{city} ({self.region})"
        lines = [self.line1, self.line2, city, str(self.get_country_display())]
        return [line for line in lines if line]


class Company(TimeStampedModel, AddressFields):
    """A customer company. Its own fields (``line1``...) are the billing address."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    tax_id = models.CharField(
        _("tax id"),
        max_length=20,
        unique=True,
        validators=[validate_tax_id],
        help_text=_("NIF/CIF, NIP or EU VAT number."),
    )
    vat_number = models.CharField(
        _("EU VAT number"),
        max_length=20,
        blank=True,
        validators=[validate_vat_number],
        help_text=_(
            "With its country prefix (PL5260250995); a valid one makes sales to another "
            "EU state intra-Community supplies."
        ),
    )
    email = models.EmailField(_("email"), help_text=_("Where order emails are sent."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SPANISH
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    consumer_protected = models.BooleanField(
        _("sole trader with consumer protection"),
        default=False,
        help_text=_(
            "A Polish sole trader buying for a purpose not professional to them "
            "(przedsiębiorca na prawach konsumenta): complaints must be answered within "
            "14 days."
        ),
    )
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=10,
        choices=PaymentTerms.choices,
        default=PaymentTerms.PREPAID,
    )
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE
    )
    allows_backorders = models.BooleanField(
        _("allows backorders"),
        default=False,
        help_text=_(
            "Its buyers may order more than is available: the rest is reserved when stock arrives."
        ),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="companies")
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The company's id in the ERP."),
    )

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(Lower("legal_name"), name="company_legal_name_lower")]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="company_credit_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="company_discount_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CompanyStatus.values), name="company_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(external_ref=""), name="company_external_ref_not_empty"
            ),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def is_blocked(self) -> bool:
        return self.status == CompanyStatus.BLOCKED

    @property
    def payment_terms_days(self) -> int:
        return PaymentTerms(self.payment_terms).days

    def missing_data(self) -> list[str]:
        """Names of the fields an order needs but this company lacks (the order checklist)."""
        required = ("legal_name", "tax_id", "email", "line1", "postal_code", "city", "country")
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in required
            if not getattr(self, name)
        ]


class Address(TimeStampedModel, AddressFields):
    """A shipping address of a company; one of them is the default."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("company")
    )
    label = models.CharField(_("label"), max_length=100, help_text=_("E.g. Main warehouse"))
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-is_default", "label", "id"]
        verbose_name = _("shipping address")
        verbose_name_plural = _("shipping addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_default=True),
                name="address_one_default_per_company",
            )
        ]

    def __str__(self):
        return f"{self.label}: {', '.join(self.address_lines())}"


class CustomerRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    BUYER = "buyer", _("Buyer")
    VIEWER = "viewer", _("Viewer")


class EmailUserManager(UserManager):
    """Users sign in with their email address."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: seller staff (``is_staff``) or a customer company's user.

    A customer user belongs to exactly one company with one role; staff belong to none
    and get their roles from groups (``core.roles.StaffRole``).
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("company"),
    )
    role = models.CharField(_("role"), max_length=10, choices=CustomerRole.choices, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    #: A buyer's orders above this total (in the company's currency, VAT included) wait
    #: for a company admin's approval; empty: no limit. Set by the company's admins.
    order_limit = models.DecimalField(
        _("order limit"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Orders above this total wait for an administrator's approval."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A customer user has a company and a role; staff have neither.
            models.CheckConstraint(
                condition=(
                    Q(company__isnull=True, role="")
                    | Q(company__isnull=False, role__in=CustomerRole.values, is_staff=False)
                ),
                name="user_company_role_consistent",
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_customer(self) -> bool:
        return self.company_id is not None

    @property
    def can_order(self) -> bool:
        """Buyers and admins place orders, returns and complaints; viewers only read."""
        return self.role in (CustomerRole.ADMIN, CustomerRole.BUYER)


class TimelineKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    ORDER = "order", _("Order")
    RETURN = "return", _("Return")
    COMPLAINT = "complaint", _("Complaint")
    ACCOUNT = "account", _("Account")


class Visibility(models.TextChoices):
    STAFF = "staff", _("Staff only")
    CUSTOMER = "customer", _("Visible to the customer")


class TimelineEntry(models.Model):
    """One interaction with a company; every domain appends here (customer timeline)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    #: Text a person typed (a staff note); the system's lines are in ``summary_message``.
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = models.TextField(_("details"), blank=True)
    #: ``core.messages``: key and parameters, rendered in the reader's language.
    summary_message = models.JSONField(default=dict, blank=True)
    body_message = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.STAFF
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["company", "-created_at"], name="timeline_company_recent"),
            # The company page's counts per kind (customers.selectors), index-only.
            models.Index(fields=["company", "kind"], include=["id"], name="timeline_company_kind"),
        ]

    def __str__(self):
        return self.summary_text

    @property
    def summary_text(self) -> str:
        """The summary in the active language (a stored message, else the typed text)."""
        return render_message(self.summary_message, self.summary)

    @property
    def body_text(self) -> str:
        return render_message(self.body_message, self.body)

    @property
    def actor_for_customer(self) -> str:
        """Who did it, as a customer is shown: a staff member appears as the seller,
        never by name or email address."""
        if self.actor is None:
            return ""
        if self.actor.is_staff:
            return settings.SELLER["legal_name"]
        return str(self.actor)


#: Currencies that need an exchange rate (every order currency but the euro).
RATE_CURRENCIES = [(code, label) for code, label in Currency.choices if code != "EUR"]


class ExchangeRate(TimeStampedModel):
    """How many euros one unit of ``currency`` was worth on ``date`` (entered by staff
    or the ERP; nothing is fetched from the network). A non-euro invoice states its VAT
    in euros at the latest rate on or before its issue date."""

    currency = models.CharField(_("currency"), max_length=3, choices=RATE_CURRENCIES)
    rate_to_eur = models.DecimalField(_("rate to EUR"), max_digits=18, decimal_places=6)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["-date", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchangerate_currency_date"),
            models.CheckConstraint(condition=Q(rate_to_eur__gt=0), name="exchangerate_positive"),
            models.CheckConstraint(condition=~Q(currency="EUR"), name="exchangerate_not_eur"),
        ]

    def __str__(self):
        return f"{self.currency} {self.date}: {self.rate_to_eur} EUR"
