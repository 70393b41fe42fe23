from django import template

from onewindow.core.i18n import translated

register = template.Library()


@register.filter
def tr(obj, field="name"):
    """Catalog content in the current language: {{ question|tr:"text" }}."""
    return translated(obj, field)


@register.filter
def masked(value: str) -> str:
    """An identity number with all but its first and last four characters hidden."""
    value = str(value or "")
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
