from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiKeysConfig(AppConfig):
    """Machine clients' keys: the model, minting and revocation, the DRF
    authentication class and the back-office pages. Sits above ``customers`` (a
    company key belongs to a company) and below every app whose rows a key touches."""

    name = "apikeys"
    verbose_name = _("API keys")
