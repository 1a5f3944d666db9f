"""Values as officials type them in a ledger or a form: 万元 amounts, dates, milestone lists, levels."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .choices import Level

WAN = 10_000
_MILESTONE = re.compile(r"^(.+?)[\s:：,，]+(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def parse_wan(value) -> int:
    """A non-negative amount in 万元 (a number, or text with thousands separators) → whole yuan."""
    text = str(value).replace(",", "").replace("，", "").strip() if value is not None else ""
    try:
        wan = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(v)s”不是数字，请填写以万元为单位的金额，如 1200.5。") % {"v": value}) from None
    if not wan.is_finite() or wan < 0:
        raise ValueError(_("金额不能为负数。"))
    if wan >= Decimal("1e10"):
        raise ValueError(_("金额过大，请核对单位是否为万元。"))
    return int((wan * WAN).to_integral_value())


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_("“%(v)s”不是日期，请写成 2026-06-30。") % {"v": value}) from None


def parse_milestones(text: str) -> list[tuple[str, date]]:
    """One milestone a line (or separated by “；”): a name and its date, “主体结构封顶 2026-06-30”."""
    milestones = []
    for line in re.split(r"[\n;；]+", text or ""):
        line = line.strip()
        if not line:
            continue
        match = _MILESTONE.match(line)
        if match is None:
            raise ValueError(_("计划节点“%(line)s”应写成“节点名称 2026-06-30”。") % {"line": line})
        try:
            due = date(int(match[2]), int(match[3]), int(match[4]))
        except ValueError:
            raise ValueError(_("计划节点“%(line)s”的日期不存在。") % {"line": line}) from None
        milestones.append((match[1].strip()[:100], due))
    return milestones


LEVEL_NAMES = {
    **{str(level.label): level.value for level in Level},
    # The names the ledgers write in short.
    "三高四新": Level.PROVINCIAL_MAJOR,
    "省三高四新重大产业项目": Level.PROVINCIAL_MAJOR,
    "省重点": Level.PROVINCIAL_KEY,
    "市重点": Level.CITY_KEY,
    "市重点项目": Level.CITY_KEY,
    "县级重点": Level.COUNTY_KEY,
}


def parse_levels(value) -> list[str]:
    names = [n for n in _SEPARATORS.split(str(value or "").strip()) if n]
    levels = []
    for name in names:
        level = LEVEL_NAMES.get(name.replace("“", "").replace("”", "").replace('"', ""))
        if level is None:
            known = "、".join(str(level.label) for level in Level)
            raise ValueError(
                _("项目级别“%(v)s”不认识，可填：%(known)s（多个用“、”分隔）。") % {"v": name, "known": known}
            )
        if level not in levels:
            levels.append(str(level))
    if not levels:
        raise ValueError(_("请填写项目级别。"))
    return levels
