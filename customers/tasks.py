from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import build_message, send_or_retry

from .models import Company, TimelineKind, User, Visibility
from .services import append_timeline

#: At most one "someone tried to invite you" email per holder and company in this time,
#: so that repeated invitations cannot flood someone's inbox.
INVITATION_ATTEMPT_QUIET_SECONDS = 24 * 60 * 60


def _language_of(user: User) -> str:
    """The language a person reads their emails in: theirs, else their company's."""
    if user.language:
        return user.language
    return user.company.language if user.company_id else settings.LANGUAGE_CODE


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=30)
def send_invitation_email(self, user_id: int) -> bool:
    """Email a new customer user a link to choose a password.

    Idempotent: a user who already has a password (accepted before) gets nothing.
    """
    user = User.objects.select_related("company").filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    with translation.override(_language_of(user)):
        path = reverse(
            "portal:invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        subject = _("Your access to the %(seller)s customer portal") % {
            "seller": settings.SELLER["legal_name"]
        }
        context = {
            "user": user,
            "company": user.company,
            "link": settings.SITE_URL.rstrip("/") + path,
            "seller": settings.SELLER,
            "subject": subject,
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


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=30)
def send_invitation_attempt_email(self, user_id: int, company_id: int) -> bool:
    """Tell the holder of an email address that a customer admin tried to invite it to
    their company (``services.invite_customer_user``); the admin is not told."""
    user = User.objects.select_related("company").filter(pk=user_id, is_active=True).first()
    company = Company.objects.filter(pk=company_id).first()
    if user is None or company is None:
        return False
    quiet_key = f"customers:invitation-attempt:{user_id}:{company_id}"
    if not cache.add(quiet_key, 1, timeout=INVITATION_ATTEMPT_QUIET_SECONDS):
        return False
    with translation.override(_language_of(user)):
        subject = _("Someone tried to invite your email address")
        context = {"user": user, "company": company, "seller": settings.SELLER, "subject": subject}
        text = render_to_string("customers/email/invitation_attempt.txt", context)
        html = render_to_string("customers/email/invitation_attempt.html", context)
    message = build_message(subject, text, html, [user.email])
    if not send_or_retry(self, message, on_failure=lambda exc: cache.delete(quiet_key)):
        return False
    if user.company_id:  # staff belong to no company, so have no timeline
        append_timeline(
            company=user.company,
            kind=TimelineKind.EMAIL,
            summary=_("Email sent: %(subject)s") % {"subject": subject},
            subject=user,
            visibility=Visibility.STAFF,
        )
    return True
