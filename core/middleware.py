import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils.cache import patch_vary_headers

# Scripts and styles come only from our own static files: no inline scripts, no CDN.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)
# Django's admin and the API docs page use inline styles and scripts of their own.
RELAXED_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; object-src 'none'"
)
RELAXED_PREFIXES = ("/admin/", "/api/")


class ContentSecurityPolicyMiddleware:
    """Sets a Content-Security-Policy header on every HTML response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(RELAXED_PREFIXES)
            response["Content-Security-Policy"] = RELAXED_POLICY if relaxed else self.policy
        return response


class SessionIdleExpiryMiddleware:
    """A signed-in session ends after ``SESSION_IDLE_HOURS_STAFF`` (staff) or
    ``SESSION_IDLE_HOURS_CUSTOMER`` (customer users) without a request.

    The session's expiry is moved forward at most every ``SESSION_REFRESH_SECONDS``
    (one database write then, none in between), so a session ends between the idle time
    minus that interval and the idle time after the last request. The database session
    expires by itself; the time of the last refresh, kept in the session, also ends one
    whose idle time was shortened since (or that predates this middleware's limits).
    """

    LAST_SEEN = "_idle_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def idle_seconds(user) -> int:
        hours = (
            settings.SESSION_IDLE_HOURS_STAFF
            if getattr(user, "is_staff", False)
            else settings.SESSION_IDLE_HOURS_CUSTOMER
        )
        return int(hours * 3600)

    def __call__(self, request):
        session = request.session
        signed_in_as = session.get(SESSION_KEY)
        user = None
        if signed_in_as is not None:
            user = request.user
            last_seen = session.get(self.LAST_SEEN)
            if (
                user.is_authenticated
                and last_seen is not None
                and time.time() - last_seen > self.idle_seconds(user)
            ):
                logout(request)
                user = None

        response = self.get_response(request)

        now = time.time()
        if session.get(SESSION_KEY) is None:
            return response
        if session.get(SESSION_KEY) != signed_in_as or user is None:
            # Signed in by this request: the user the view signed in.
            user = request.user
        last_seen = session.get(self.LAST_SEEN)
        if last_seen is None or now - last_seen >= settings.SESSION_REFRESH_SECONDS:
            session[self.LAST_SEEN] = int(now)
            session.set_expiry(self.idle_seconds(user))
        return response


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on everything behind a sign-in (back-office,
    portal, admin: pages, CSV exports) and on the API; API responses also vary on
    ``Authorization`` (a shared cache must never answer one key with another's data)."""

    PRIVATE_PREFIXES = ("/backoffice/", "/portal/", "/admin/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (path.startswith(self.PRIVATE_PREFIXES) or signed_in) and "no-store" not in (
            response.get("Cache-Control", "")
        ):
            # (A view that already said no-store, e.g. never_cache, keeps its header.)
            response["Cache-Control"] = "private, no-store"
        if path.startswith("/api/"):
            patch_vary_headers(response, ["Authorization"])
        return response
