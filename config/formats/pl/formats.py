"""Polish formats where the product differs from Django's: short dates with points
(02.12.2026, as Polish documents write them; Django uses hyphens). Numbers stay
Django's: a no-break space groups thousands and a comma marks decimals (1 234,56)."""

from django.conf.locale.pl.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
