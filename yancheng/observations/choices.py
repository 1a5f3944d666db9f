from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    """An observation round is scored while it is open; publishing it fixes its ranking."""

    OPEN = "open", _("评分中")
    PUBLISHED = "published", _("已发布")


# The criteria an office starts from (现场观摩评分细则): name, weight. It changes them per round.
DEFAULT_CRITERIA = [
    ("形象进度", 30),
    ("投资完成", 30),
    ("工程质量", 20),
    ("安全文明施工", 20),
]

# With this many observers or more, a site's highest and lowest scores are dropped before the mean.
TRIM_FROM = 5

AUDIT_ACTIONS = {
    "observation_round_created": _("创建观摩活动"),
    "observation_scored": _("提交观摩评分"),
    "observation_round_published": _("发布观摩结果"),
}
