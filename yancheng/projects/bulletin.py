"""The monthly ranking as a bulletin (通报) of the development and reform commission, laid out after
GB/T 9704-2012 by core.output.official_document: the month's figures in sentences, the ranking table
with last month's rank, and what the bottom of the table must do."""

from docx.shared import Mm

from yancheng.core.output.official_document import OfficialDocument, number_text

from .choices import Grouping
from .figures import Measure

AUTHORITY = "衡阳市发展和改革委员会"
NUMBER_PREFIX = "衡发改通"
ADDRESSEE = "各县市区人民政府，市直各有关单位，各园区管委会："
GROUP_WORDS = {Grouping.REGION: "县市区", Grouping.PARK: "园区", Grouping.UNIT: "责任单位"}
TABLE_COLUMNS = ["排名", "上月", "名称", "项目数", "年度计划（万元）", "累计完成（万元）", "完成率"]
TABLE_WIDTHS = [Mm(12), Mm(12), Mm(44), Mm(14), Mm(26), Mm(26), Mm(22)]


def _wan(yuan: int) -> str:
    return f"{yuan / 10_000:,.2f}"


def title_text(ranked) -> str:
    return f"关于{ranked.year}年1—{ranked.month}月全市重大项目{GROUP_WORDS[ranked.grouping]}{Measure.LABELS[ranked.measure]}排名情况的通报"


def _line(row) -> list[str]:
    return [
        str(row.rank),
        "—" if row.previous_rank is None else str(row.previous_rank),
        row.label,
        str(row.projects),
        _wan(row.planned),
        _wan(row.completed),
        "—" if row.rate is None else f"{row.rate}%",
    ]


def summary(ranked) -> str:
    planned = sum(r.planned for r in ranked.rows)
    completed = sum(r.completed for r in ranked.rows)
    projects = sum(r.projects for r in ranked.rows)
    rate = f"{completed * 100 / planned:.1f}%" if planned else "—"
    return (
        f"{ranked.year}年1—{ranked.month}月，全市纳入调度的重大项目{projects}个，年度计划投资{_wan(planned)}万元，"
        f"累计完成投资{_wan(completed)}万元，投资完成率{rate}。各{GROUP_WORDS[ranked.grouping]}按"
        f"{Measure.LABELS[ranked.measure]}排名如下（数据取自各项目经责任单位确认的月度报告）："
    )


def build(ranked, *, issued, number: str = "") -> bytes:
    number = number if number.isdigit() and len(number) <= 4 else ""
    document = OfficialDocument(authority=AUTHORITY, title=title_text(ranked))
    document.head(
        number=number_text(NUMBER_PREFIX, issued.year, number),
        issued=issued,
        addressee=ADDRESSEE,
        title_break="全市",
    )
    document.text("为落实重大项目“规模榜单制”，推动项目建设比学赶超，现将全市重大项目推进情况通报如下：")
    document.heading("一、总体情况")
    document.text(summary(ranked))
    document.heading("二、排名情况")
    if ranked.rows:
        document.table(TABLE_COLUMNS, [_line(row) for row in ranked.rows], widths=TABLE_WIDTHS)
    else:
        document.text("本期无纳入调度的项目。")
    document.heading("三、有关要求")
    tail = [row.label for row in ranked.rows[-3:]] if len(ranked.rows) > 3 else []
    if tail:
        document.text(
            f"请排名靠后的{'、'.join(tail)}认真分析原因，制定赶超措施，于本通报印发之日起5个工作日内"
            "向市发展改革委书面报告。"
        )
    document.text("各单位要对照年度目标，倒排工期、挂图作战，确保全年投资任务按期完成。")
    return document.close(issued)
