"""The core's import: the enterprise register (企业名录), keyed by the unified social credit code.
Registered when the core is ready (apps.py); the machinery is core.output.importing."""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yancheng.core import audit
from yancheng.core.models import Enterprise, Region
from yancheng.core.output.importing import (
    YES_NO,
    Column,
    ImportCounts,
    Importer,
    RowError,
    header_key,
    register,
    shown,
    text,
    yes_no,
)
from yancheng.core.roles import Role, has_role
from yancheng.core.validators import make_uscc, normalise_code, validate_uscc

# The fields an import sets; everything else on an enterprise (risk grade, exempt list, pilot) is the
# office's to set one by one and stays as it is.
FIELDS = [
    "name",
    "region_id",
    "industry",
    "address",
    "above_designated_size",
    "specialized",
    "little_giant",
    "single_champion",
]
BATCH = 500  # rows looked up and written together: bounded statements on both databases


def snapshot(enterprise: Enterprise) -> dict:
    return audit.snapshot(enterprise, ["uscc", *FIELDS])


def uscc(value) -> str:
    if isinstance(value, float):
        # An 18-digit code typed into a number cell keeps 15 significant digits: the rest is gone.
        raise RowError(
            _(
                "统一社会信用代码被 Excel 当成了数字，末几位已经丢失：请把这一列设为“文本”格式，重新填写代码后上传。"
            )
        )
    code = normalise_code(str(value))
    try:
        validate_uscc(code)
    except ValidationError as error:
        raise RowError(error.messages[0]) from None
    return code


def flag(key: str, header: str) -> Column:
    return Column(
        key, header, required=False, choices=YES_NO, parse=yes_no, note="不填视为“否”。", example="否"
    )


@dataclass
class Counties:
    """The county-level divisions by code and by name (a name two of them share is not looked up)."""

    by_code: dict
    by_name: dict
    shared_names: set

    def find(self, typed: str) -> Region:
        key = header_key(typed)
        region = self.by_code.get(key) or self.by_name.get(key)
        if region is not None:
            return region
        if key in self.shared_names:
            raise RowError(
                _("「所在区县」“%(value)s”有重名：请填写 6 位行政区划代码") % {"value": shown(typed)},
                "所在区县",
            )
        examples = "、".join(list(self.by_name)[:5])
        raise RowError(
            _(
                "「所在区县」“%(value)s”不是本平台的县市区：请填写县市区名称（如%(examples)s）或 6 位行政区划代码"
            )
            % {"value": shown(typed), "examples": examples},
            "所在区县",
        )


class EnterpriseImporter(Importer):
    kind = "enterprises"
    title = gettext_lazy("企业名录")
    key = "uscc"
    columns = (
        Column(
            "uscc",
            "统一社会信用代码",
            parse=uscc,
            note="18 位，见营业执照；字母大写。",
            example=make_uscc("9", "1", "430405", "MA4L0001"),
        ),
        Column(
            "name",
            "企业名称",
            parse=text(100),
            note="与营业执照上的名称一致。",
            example="衡阳市示例科技有限公司",
        ),
        Column(
            "region", "所在区县", parse=text(50), note="县市区名称或 6 位行政区划代码。", example="珠晖区"
        ),
        Column("industry", "行业", parse=text(50), example="电子信息"),
        Column("address", "地址", required=False, parse=text(200), example="衡阳市珠晖区东风路 1 号"),
        flag("above_designated_size", "规上企业"),
        flag("specialized", "专精特新"),
        flag("little_giant", "小巨人"),
        flag("single_champion", "单项冠军"),
    )

    def allowed(self, user) -> bool:
        return has_role(user, Role.ADMINISTRATOR, Role.BUSINESS_ENVIRONMENT_OFFICE)

    def context(self, user) -> Counties:
        counties = list(Region.objects.filter(level=Region.Level.COUNTY))
        names = Counter(header_key(region.name) for region in counties)
        return Counties(
            by_code={region.code: region for region in counties},
            by_name={header_key(r.name): r for r in counties if names[header_key(r.name)] == 1},
            shared_names={name for name, count in names.items() if count > 1},
        )

    def check_row(self, values: dict, context: Counties) -> dict:
        return {
            "uscc": values["uscc"],
            "name": values["name"],
            "region_id": context.find(values["region"]).code,
            "industry": values["industry"],
            "address": values["address"] or "",
            **{name: bool(values[name]) for name in FIELDS[4:]},
        }

    def write(self, rows: list, by, progress) -> ImportCounts:
        counts = ImportCounts()
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            stored = Enterprise.objects.in_bulk([row["uscc"] for row in batch], field_name="uscc")
            new, changed = [], []
            for row in batch:
                enterprise = stored.get(row["uscc"])
                if enterprise is None:
                    new.append(Enterprise(uscc=row["uscc"], **{name: row[name] for name in FIELDS}))
                    continue
                before = audit.snapshot(enterprise, FIELDS)
                for name in FIELDS:
                    setattr(enterprise, name, row[name])
                difference = audit.changes_between(before, audit.snapshot(enterprise, FIELDS))
                if difference:
                    changed.append((enterprise, difference))
                else:
                    counts.unchanged += 1  # as stored already: not written, not audited
            # One audit entry per record written, in a few statements (audit.record_all).
            entries = [
                audit.unsaved("import_created", e, actor=by, changes=audit.changes_between({}, snapshot(e)))
                for e in Enterprise.objects.bulk_create(new)
            ]
            Enterprise.objects.bulk_update([enterprise for enterprise, _ in changed], FIELDS)
            entries += [audit.unsaved("import_updated", e, actor=by, changes=diff) for e, diff in changed]
            audit.record_all(entries)
            counts.created += len(new)
            counts.updated += len(changed)
            progress(start + len(batch))
        return counts

    def done_url(self) -> str:
        return reverse("enterprises")


register(EnterpriseImporter())
