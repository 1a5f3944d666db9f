"""The supervision items' Excel import (core.output.importing): the office's list of items, one row
each, keyed by its own number (督办编号). A new number is assigned as the form assigns it (the units are
told); a number already on the platform is left as it is — an item in hand is changed by its steps,
never by a file. Registered when the app is ready (apps.py)."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import clock
from yancheng.core.forms import government_units
from yancheng.core.models import Person
from yancheng.core.output.importing import (
    Column,
    ImportCounts,
    Importer,
    RowError,
    day,
    header_key,
    register,
    text,
)
from yancheng.core.roles import Role

from . import actions
from .choices import Cadence, Source
from .models import Item

SOURCES = {str(label): value for value, label in Source.choices}
CADENCES = {str(label): value for value, label in Cadence.choices}


class Lookups:
    """Units by full and short name (a name two units share is not looked up), the leaders by name."""

    def __init__(self):
        units = list(government_units())
        names = Counter(header_key(n) for u in units for n in {u.name, u.short_name} if n)
        self.units = {
            header_key(n): u for u in units for n in {u.name, u.short_name} if n and names[header_key(n)] == 1
        }
        self.leaders = {p.full_name: p for p in Person.objects.filter(roles__role=Role.LEADER)}

    def unit(self, typed: str, header: str):
        found = self.units.get(header_key(typed))
        if found is None:
            raise RowError(
                _("「%(h)s」“%(v)s”不是本平台的单位：请填写单位全称或简称") % {"h": header, "v": typed},
                header,
            )
        return found


class ItemImporter(Importer):
    kind = "supervision-items"
    title = gettext_lazy("督办件")
    key = "number"
    max_rows = 2000
    columns = (
        Column(
            "number",
            "督办编号",
            parse=text(40),
            note="本单位的督办编号，同一编号只导入一次。",
            example="衡督〔2026〕15号",
        ),
        Column("title", "督办事项", parse=text(200), example="全面整治“渣土”运输秩序"),
        Column("content", "督办内容", parse=text(5000), example="开展渣土运输专项整治，按月报送进展。"),
        Column("source", "督办来源", choices=tuple(SOURCES), example="文件要求"),
        Column("source_text", "来源说明", required=False, parse=text(200), example="市道安委“十项措施”"),
        Column("lead", "牵头单位", parse=text(100), note="单位全称或简称。", example="市交通运输局"),
        Column(
            "cooperating",
            "配合单位",
            required=False,
            parse=text(1000),
            note="多个单位用顿号“、”隔开。",
            example="市应急局、市公安局",
        ),
        Column("due_on", "办理时限", parse=day, example="2026-12-31"),
        Column("cadence", "反馈频次", choices=tuple(CADENCES), example="每月"),
        Column(
            "leader",
            "责任领导",
            required=False,
            parse=text(50),
            note="市领导姓名，可不填。",
            example="周建华",
        ),
    )

    def allowed(self, user) -> bool:
        return actions.reviews(user)

    def context(self, user) -> Lookups:
        return Lookups()

    def check_row(self, values: dict, context: Lookups) -> dict:
        lead = context.unit(values["lead"], "牵头单位")
        names = [
            n.strip()
            for n in (values["cooperating"] or "").replace(",", "、").replace("，", "、").split("、")
        ]
        cooperating = [context.unit(n, "配合单位") for n in names if n]
        if lead in cooperating or len(set(cooperating)) != len(cooperating):
            raise RowError(_("同一单位不能既牵头又配合，或重复填写"), "配合单位")
        if values["due_on"] < timezone.localdate(clock.now()):
            raise RowError(_("办理时限不能早于今天"), "办理时限")
        leader = context.leaders.get(values["leader"]) if values["leader"] else None
        if values["leader"] and leader is None:
            raise RowError(_("「责任领导」“%(v)s”不是本平台的市领导") % {"v": values["leader"]}, "责任领导")
        return {**values, "lead": lead, "cooperating": cooperating, "leader": leader,
                "source": SOURCES[values["source"]], "cadence": CADENCES[values["cadence"]]}  # fmt: skip

    def write(self, rows: list, by, progress) -> ImportCounts:
        stored = set(
            Item.objects.filter(number__in=[r["number"] for r in rows]).values_list("number", flat=True)
        )
        counts = ImportCounts(unchanged=len(stored))
        for n, row in enumerate(r for r in rows if r["number"] not in stored):
            actions.assign(
                by=by, number=row["number"], title=row["title"], content=row["content"], source=row["source"],
                source_text=row["source_text"] or "", lead=actions.Share(row["lead"]),
                cooperating=[actions.Share(u) for u in row["cooperating"]], due_on=row["due_on"],
                cadence=row["cadence"], leader=row["leader"], submission_key=f"import:{row['number']}",
            )  # fmt: skip
            counts.created += 1
            progress(n + 1)
        return counts

    def done_url(self) -> str:
        return "/supervision/"


register(ItemImporter())
