from decimal import Decimal

from django import template

from onewindow.payments import fees

register = template.Library()


@register.filter
def money(amount, item) -> str:
    """An item's fee in its department's currency: {{ limits.fee|money:item }} → "8.000 ₫", "¥80.00"."""
    return fees.display(Decimal(str(amount)), fees.currency_for(item.department.calendar))
