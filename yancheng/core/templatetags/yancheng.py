from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes, for texts like “15 分钟后再试”."""
    return round(duration.total_seconds() / 60) if duration else 0


@register.filter
def amount(value) -> str:
    """An amount of money as people read it: thousands separated, two decimals (600,000.00). Done here,
    not by the locale: zh-hans formats numbers with no separator."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
