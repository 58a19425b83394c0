"""Spanish formats where the product differs from Django's: amounts grouped with a point
(1.234,56), as Spanish invoices and business letters write them (Django groups with a
space, the RAE's recommendation for texts). The rest is Django's (``d/m/Y``)."""

from django.conf.locale.es.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "."
DECIMAL_SEPARATOR = ","
NUMBER_GROUPING = 3
