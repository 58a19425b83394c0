from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import build_message, send_or_retry

from .models import TimelineKind, User, Visibility
from .services import append_timeline


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=30)
def send_invitation_email(self, user_id: int) -> bool:
    """Email a new customer user a link to choose a password.

    Idempotent: a user who already has a password (accepted before) gets nothing.
    """
    user = User.objects.select_related("company").filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    language = user.language or user.company.language
    with translation.override(language):
        path = reverse(
            "portal:invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {
            "user": user,
            "company": user.company,
            "link": settings.SITE_URL.rstrip("/") + path,
            "seller": settings.SELLER,
        }
        subject = _("Your access to the %(seller)s customer portal") % {
            "seller": settings.SELLER["legal_name"]
        }
        text = render_to_string("customers/email/invitation.txt", context)
        html = render_to_string("customers/email/invitation.html", context)
    if not send_or_retry(self, build_message(subject, text, html, [user.email])):
        return False
    append_timeline(
        company=user.company,
        kind=TimelineKind.EMAIL,
        summary=_("Email sent: %(subject)s") % {"subject": subject},
        subject=user,
        visibility=Visibility.CUSTOMER,
    )
    return True
