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


@register.filter
def wan(yuan) -> str:
    """Whole yuan shown in 万元, as investment ledgers print them: 12,345.68."""
    if yuan is None or yuan == "":
        return ""
    return f"{Decimal(yuan) / 10_000:,.2f}"


@register.filter
def percent(value) -> str:
    """A percentage already rounded (121.6) as “121.6%”; “—” when there is nothing to divide by."""
    return "—" if value is None or value == "" else f"{value}%"


@register.simple_tag(takes_context=True)
def record_sections(context, record):
    """The sections other apps add to ``record``'s page (core.navigation.record_section)."""
    from django.utils.html import format_html_join

    from yancheng.core.navigation import RECORD_SECTIONS

    request = context["request"]
    parts = [section(request, record) for section in RECORD_SECTIONS.get(record._meta.label_lower, [])]
    return format_html_join("", "{}", ((part,) for part in parts if part))


@register.filter
def get(mapping, key):
    """``mapping[key]``, or None: a dict of records by id read in a template."""
    return mapping.get(key) if mapping else None
