"""Message keys of the complaints domain (``core.messages``): the complaint's lines on
the customer timeline, rendered in each reader's language."""

from django.utils.translation import gettext_lazy as _

from core import messages as m

from .models import ComplaintStatus, Decision, Resolution

m.define("complaint.filed", _("Complaint %(number)s filed"))
m.define("complaint.analysis", _("Complaint %(number)s: analysis started"))
m.define(
    "complaint.decided",
    _("Complaint %(number)s decided: %(decision)s"),
    decision=m.choice(Decision),
)
m.define(
    "complaint.resolved",
    _("Complaint %(number)s resolved: %(resolution)s"),
    resolution=m.choice(Resolution),
)
m.define("complaint.closed", _("Complaint %(number)s closed"))
m.define(
    "complaint.reopened",
    _("Complaint %(number)s reopened (was %(status)s)"),
    status=m.choice(ComplaintStatus),
)
m.define("complaint.assigned", _("Complaint %(number)s assigned to %(assignee)s"))
m.define("complaint.message", _("Complaint %(number)s: message"))
m.define("complaint.note", _("Complaint %(number)s: internal note"))
m.define("complaint.attachment", _("Complaint %(number)s: evidence added"))
m.define("complaint.paused", _("Complaint %(number)s: waiting for the customer"))
m.define("complaint.resumed", _("Complaint %(number)s: the customer answered"))
m.define("complaint.root_cause", _("Complaint %(number)s: root cause recorded"))
m.define("complaint.carrier_claim", _("Complaint %(number)s: claim filed with the carrier"))
m.define("complaint.supplier_claim", _("Complaint %(number)s: claim sent to the supplier"))
m.define("complaint.sla_warning", _("Complaint %(number)s: a deadline passes today"))
m.define("complaint.sla_breached", _("Complaint %(number)s: a deadline has passed"))
m.define("complaint.legal_warning", _("Complaint %(number)s: a legal deadline is approaching"))
m.define("complaint.rated", _("Complaint %(number)s rated %(score)s/5"))
m.define("complaint.priority", _("Complaint %(number)s: priority changed"))
