from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

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
        parts.append(
            render_to_string(entry.template_name, {**kwargs, **extra}, request=request)
        )
    return mark_safe("".join(parts))
