"""Message keys of the webhooks domain (``core.messages``): why a subscription was
disabled, shown in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

m.define("webhook.disabled_failing", _("Deliveries failed for %(days)s days"), days=m.NUMBER)
m.define("webhook.disabled_by_staff", _("Disabled by staff"))
