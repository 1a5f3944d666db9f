"""A scorecard as the performance office's ranking bulletin (绩效考核通报), laid out after GB/T 9704-2012
by core.output.official_document: the period and the scheme, every unit's score and rank (a corrected
score beside the original), the indicators it was scored by, and the lowest-ranked units named."""

from datetime import date

from docx.shared import Mm

from yancheng.core import indicators
from yancheng.core.indicators import Period
from yancheng.core.output.official_document import OfficialDocument, number_text

from .actions import final_total

AUTHORITY = "衡阳市绩效评估委员会办公室"
NUMBER_PREFIX = "衡绩办通"
ADDRESSEE = "各县市区人民政府，市直各有关单位，各园区管委会："
TABLE_COLUMNS = ["排名", "单位", "得分", "申诉更正后"]
TABLE_WIDTHS = [Mm(16), Mm(80), Mm(30), Mm(30)]
NAMED = 3  # the lowest-ranked units the bulletin names


def _points(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _correction(score) -> str:
    final = final_total(score)
    return _points(final) if final != score.total else ""


def _weight(weight) -> str:
    return f"{weight:.1f}".removesuffix(".0")


def title_text(card) -> str:
    return f"关于{Period.parse(card.period).label}{card.scheme.name}结果的通报"


def build(card, scores, *, issued: date, number: str = "") -> bytes:
    number = number if number.isdigit() and len(number) <= 4 else ""
    document = OfficialDocument(authority=AUTHORITY, title=title_text(card))
    document.head(number=number_text(NUMBER_PREFIX, issued.year, number), issued=issued, addressee=ADDRESSEE)
    document.text(
        f"根据《{card.scheme.name}》（第{card.version.number}版），市绩效办依据平台记录的办理结果，"
        f"对{card.scheme.get_unit_kind_display()}{Period.parse(card.period).label}绩效进行了计算。现将结果通报如下："
    )
    document.heading("一、考核指标")
    for n, line in enumerate(card.version.lines.all(), start=1):
        about = indicators.registry.get(line.indicator)
        document.text(
            f"{n}. {about.name if about else line.indicator}（{_weight(line.weight)}分）：{about.description if about else ''}"
        )
    document.heading("二、考核结果")
    rows = [[str(s.rank or "—"), s.unit.name, _points(s.total), _correction(s)] for s in scores]
    if rows:
        document.table(TABLE_COLUMNS, rows, widths=TABLE_WIDTHS)
    else:
        document.text("本期无考核对象。")
    document.heading("三、有关要求")
    ranked = [s for s in scores if s.rank is not None]
    tail = [s.unit.name for s in ranked[-NAMED:]] if len(ranked) > NAMED else []
    if tail:
        document.text(
            f"请排名靠后的{'、'.join(tail)}对照各项指标逐项分析原因，制定整改措施，于本通报印发之日起5个工作日内"
            "向市绩效办书面报告。"
        )
    document.text(
        "各单位可登录平台查看本单位每项指标的计算依据和具体记录；对结果有异议的，请在规定期限内通过平台提出申诉。"
    )
    return document.close(issued)
