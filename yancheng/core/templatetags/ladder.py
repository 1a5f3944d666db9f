"""``{% ladder_panel ladder record %}``: the step a record has reached and the documents sent for it,
for any app's record page."""

from django import template

from yancheng.core import ladder as ladders

register = template.Library()


@register.inclusion_tag("core/_ladder.html")
def ladder_panel(ladder, record):
    """``ladder``: a ``core.ladder.Ladder`` or its kind. Two queries: the offsets and the steps sent."""
    if isinstance(ladder, str):
        ladder = ladders.registry[ladder]
    return {
        "ladder_reached": ladders.reached(ladder, record),
        "ladder_sent": list(ladders.sent(ladder, record)),
    }
