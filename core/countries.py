"""Countries a European wholesaler ships to, as ISO 3166-1 alpha-2 codes."""

from django.utils.translation import gettext_lazy as _

COUNTRIES = [
    ("ES", _("Spain")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("IT", _("Italy")),
    ("NL", _("Netherlands")),
    ("BE", _("Belgium")),
    ("LU", _("Luxembourg")),
    ("AT", _("Austria")),
    ("IE", _("Ireland")),
    ("DK", _("Denmark")),
    ("SE", _("Sweden")),
    ("FI", _("Finland")),
    ("CZ", _("Czechia")),
    ("SK", _("Slovakia")),
    ("HU", _("Hungary")),
    ("SI", _("Slovenia")),
    ("HR", _("Croatia")),
    ("RO", _("Romania")),
    ("BG", _("Bulgaria")),
    ("GR", _("Greece")),
    ("CY", _("Cyprus")),
    ("MT", _("Malta")),
    ("EE", _("Estonia")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    # Outside the EU (exports, core.fiscal).
    ("CH", _("Switzerland")),
    ("NO", _("Norway")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
]
