from django import template

register = template.Library()


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes, for texts like “15 分钟后再试”."""
    return round(duration.total_seconds() / 60) if duration else 0
