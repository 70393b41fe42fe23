from django import template

from onewindow.core.i18n import translated
from onewindow.core.ids import mask

register = template.Library()


@register.filter
def tr(obj, field="name"):
    """Catalog content in the current language: {{ question|tr:"text" }}."""
    return translated(obj, field)


@register.filter
def masked(value: str) -> str:
    """An identity number with all but its first and last four characters hidden."""
    return mask(value)


@register.filter
def field(form, name):
    """A bound field by name: {{ form|field:"m.id_card" }} (names with dots are not template lookups)."""
    return form[name]


@register.filter
def split(text):
    return text.split()


@register.simple_tag
def qr_svg(text: str, title: str = "", scale: int = 4):
    """A QR code as inline SVG (printable, no image request); `title` is read by screen readers."""
    import segno
    from django.utils.safestring import mark_safe

    svg = segno.make(text, error="m").svg_inline(scale=scale, title=title or None)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


@register.filter
def get_item(mapping, key):
    """{{ names|get_item:code }}: a dictionary entry by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
