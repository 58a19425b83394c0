from django.conf import settings

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
