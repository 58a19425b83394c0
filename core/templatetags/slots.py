from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from core.slots import entries

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, **kwargs):
    """Render what the apps registered for the slot ``name`` (``core.slots``)."""
    request = context.get("request")
    parts = []
    for entry in entries(name):
        extra = entry.context(request, **kwargs) if entry.context else {}
        if extra is None:
            continue
        parts.append(render_to_string(entry.template_name, {**kwargs, **extra}, request=request))
    # Each part is a rendered template (safe text); joining keeps it so.
    return format_html_join("", "{}", ((part,) for part in parts))
