"""The monthly supervision bulletin (督查通报) of the supervision office, laid out after GB/T 9704-2012 by
core.output.official_document: the month's items in sentences, each unit's items in a table, and the
red items named with their units, as offices publish them. Figures are as of the moment it is made:
the lights of today, the items closed in the month and whether on time."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone
from docx.shared import Mm

from yancheng.core.output.official_document import OfficialDocument, number_text

from . import lights
from .choices import WITH_UNITS, Light, State

AUTHORITY = "衡阳市人民政府督查室"
NUMBER_PREFIX = "衡督通"
ADDRESSEE = "各县市区人民政府，市直各有关单位，各园区管委会："
TABLE_COLUMNS = ["牵头单位", "办理中", "红灯", "黄灯", "本月办结", "其中按期"]
TABLE_WIDTHS = [Mm(56), Mm(20), Mm(20), Mm(20), Mm(22), Mm(22)]


@dataclass
class UnitLine:
    name: str
    in_hand: int = 0
    red: int = 0
    yellow: int = 0
    closed: int = 0
    on_time: int = 0


@dataclass
class Month:
    year: int
    month: int
    assigned: int
    closed: int
    on_time: int
    in_hand: int
    lights: dict
    red_items: list = field(default_factory=list)  # (title, lead unit, words)
    units: list = field(default_factory=list)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def month_figures(items, year: int, month: int, now: datetime) -> Month:
    """The month's figures over ``items`` (the caller's visible items), lights as of ``now``: counted in
    SQL per lead unit, only the red items read one by one (for their reasons)."""
    start, end = _midnight(date(year, month, 1)), _midnight(date(year + month // 12, month % 12 + 1, 1))
    watch = lights.Watch.at(now)
    rules = lights.conditions(watch)
    closed = Q(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    counts = {
        "in_hand": Q(state__in=WITH_UNITS), "red": rules[Light.RED], "yellow": rules[Light.YELLOW],
        "green": rules[Light.GREEN], "closed": closed, "on_time": closed & Q(close_requested_at__lte=F("deadline_at")),
        "assigned": Q(assigned_at__gte=start, assigned_at__lt=end),
    }  # fmt: skip
    per_unit = list(
        items.order_by()
        .values("lead_unit__name")
        .annotate(**{k: Count("pk", filter=q) for k, q in counts.items()})
    )
    total = {key: sum(row[key] for row in per_unit) for key in counts}
    red = (
        lights.filter_light(items, Light.RED, watch)
        .select_related("lead_unit")
        .prefetch_related("assignments__unit")
    )
    units = [
        UnitLine(
            row["lead_unit__name"], row["in_hand"], row["red"], row["yellow"], row["closed"], row["on_time"]
        )
        for row in per_unit
        if row["in_hand"] or row["closed"]
    ]
    return Month(
        year, month, assigned=total["assigned"], closed=total["closed"], on_time=total["on_time"],
        in_hand=total["in_hand"], lights={light: total[light] for light in Light.values},
        red_items=[(i.title, i.lead_unit.name, "；".join(lights.reasons(i, watch))) for i in red.order_by("due_on", "pk")],
        units=sorted(units, key=lambda u: (-u.red, -u.in_hand, u.name)),
    )  # fmt: skip


def title_text(figures: Month) -> str:
    return f"关于{figures.year}年{figures.month}月全市督办件办理情况的通报"


def summary(figures: Month) -> str:
    rate = f"{figures.on_time * 100 / figures.closed:.1f}%" if figures.closed else "—"
    return (
        f"{figures.year}年{figures.month}月，市督查室新交办督办件{figures.assigned}件，办结{figures.closed}件，"
        f"其中按期办结{figures.on_time}件，按期办结率{rate}。截至目前，正在办理{figures.in_hand}件，其中红灯"
        f"{figures.lights['red']}件、黄灯{figures.lights['yellow']}件、绿灯{figures.lights['green']}件。"
    )


def build(figures: Month, *, issued: date, number: str = "") -> bytes:
    number = number if number.isdigit() and len(number) <= 4 else ""
    document = OfficialDocument(authority=AUTHORITY, title=title_text(figures))
    document.head(number=number_text(NUMBER_PREFIX, issued.year, number), issued=issued, addressee=ADDRESSEE)
    document.text("为推动市委、市政府重大决策部署落地见效，现将本月督办件办理情况通报如下：")
    document.heading("一、总体情况")
    document.text(summary(figures))
    document.heading("二、各单位办理情况")
    rows = [
        [u.name, str(u.in_hand), str(u.red), str(u.yellow), str(u.closed), str(u.on_time)]
        for u in figures.units
    ]
    if rows:
        document.table(TABLE_COLUMNS, rows, widths=TABLE_WIDTHS)
    else:
        document.text("本期无督办件。")
    document.heading("三、红灯督办件")
    if figures.red_items:
        for n, (title, unit, words) in enumerate(figures.red_items, start=1):
            document.text(f"{n}. {unit}：“{title}”，{words}。")
        document.text("请上述单位于本通报印发之日起3个工作日内向市督查室书面说明原因和整改措施，限期办结。")
    else:
        document.text("本期无红灯督办件。")
    return document.close(issued)
