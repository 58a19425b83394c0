from .navigation import backoffice_menu, portal_menu


def navigation(request):
    """The menu of the face being shown and the active ``section`` (first path segment),
    computed once per request: a page that renders parts of itself with the request
    (``{% slot %}``, the company page's panels) would otherwise count every menu badge
    again for each part."""
    cached = getattr(request, "_navigation_context", None)
    if cached is None:
        cached = request._navigation_context = _navigation(request)
    return cached


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    parts = request.path.strip("/").split("/")
    face, section = parts[0], (parts[1] if len(parts) > 1 and parts[1] else "home")
    if face == "backoffice":
        menu = backoffice_menu(user)
        grouped = [item for item in menu if item["group"] and item["url"]]
        return {
            "menu": menu,
            "section": section,
            "settings_entries": grouped,
            "settings_badge": sum(item["badge"]["count"] for item in grouped if item["badge"]),
            "settings_active": any(item["key"] == section for item in grouped),
        }
    if face == "portal":
        return {"menu": portal_menu(user), "section": section}
    return {}
