from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKeyScope(models.TextChoices):
    SELLER = "seller", _("Seller (everything)")
    COMPANY = "company", _("One customer company")


class ApiKey(models.Model):
    """A machine client's key. Only a SHA-256 hash of the secret is stored; the
    ``prefix`` (the key's first characters) identifies it in lists and logs.

    The table keeps its original name (``core_apikey``): the model moved here from
    ``core`` with state-only migrations, so existing rows stayed where they were.
    """

    #: How ``core.actors`` (which imports no domain) tells a key from a person.
    is_api_key = True

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=ApiKeyScope.choices)
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("company"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        db_table = "core_apikey"
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            # A company key names its company; a seller key names none.
            models.CheckConstraint(
                condition=(
                    models.Q(scope="seller", company__isnull=True)
                    | models.Q(scope="company", company__isnull=False)
                ),
                name="apikey_scope_company_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_seller(self) -> bool:
        return self.scope == ApiKeyScope.SELLER
