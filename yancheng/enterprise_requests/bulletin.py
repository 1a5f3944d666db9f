"""The bulletin (通报) of the protection ledger, a Word document laid out after GB/T 9704-2012 by
core.output.official_document (which documents the layout, element by element).

``build(rows, start, end, *, issued, thresholds, number="") -> bytes`` writes the .docx of a ranked ledger
(``ledger.compute``): issued by 衡阳市优化经济发展环境办公室, numbered "衡优办通〔2026〕11号", the title
broken before "全市". The first part of the body sums the range up in sentences (the city's totals of
every ledger figure), the second holds the ranking table (单位、签到率、平均评分、无码入企、按时受理率、
按时答复率、满意率、综合得分、排名: nine columns in the 156 mm type area, unit 40 mm, the others 14.5 mm,
cell side margins 1 mm; "—" where a rate has no denominator), the third names the units over the
thresholds with their reasons and the accountability note (or says that none is).
"""

import calendar
from datetime import date

from docx.shared import Mm

from yancheng.core.output.official_document import OfficialDocument, chinese_date, number_text

from .ledger import LedgerRow, percent, rating_text, totals

AUTHORITY = "衡阳市优化经济发展环境办公室"
NUMBER_PREFIX = "衡优办通"
ADDRESSEE = "各县市区人民政府，市直各有关单位："

TABLE_COLUMNS = [
    "单位",
    "签到率",
    "平均评分",
    "无码入企",
    "按时受理率",
    "按时答复率",
    "满意率",
    "综合得分",
    "排名",
]
TABLE_WIDTHS = [Mm(40)] + [Mm(14.5)] * 8


def table_cells(row: LedgerRow) -> list[str]:
    """The cells of a unit's line in the bulletin's ranking table, as printed."""
    return [
        row.unit_name,
        percent(row.checkin_compliance),
        rating_text(row.average_rating),
        str(row.no_pass_reports),
        percent(row.accept_on_time_rate),
        percent(row.reply_on_time_rate),
        percent(row.satisfaction_rate),
        rating_text(row.score),
        "—" if row.rank is None else str(row.rank),
    ]


def period_text(start: date, end: date) -> str:
    """The range in words: "2026年10月" (a whole month), "2026年" (a whole year), else "…至…"."""
    last_day = calendar.monthrange(end.year, end.month)[1]
    if (start.year, start.month, start.day) == (end.year, end.month, 1) and end.day == last_day:
        return f"{start.year}年{start.month}月"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}年"
    return f"{chinese_date(start)}至{chinese_date(end)}"


def title_text(start: date, end: date) -> str:
    return f"关于{period_text(start, end)}全市企业赋码保护工作情况的通报"


def _rate_clause(label: str, value, unmeasured: str) -> str:
    """ "，签到率95.0%" — or, with no denominator, what is missing ("，暂无评价"): never "签到率—"."""
    return f"，{label}{percent(value)}" if value is not None else f"，{unmeasured}"


def summary_sentences(rows: list[LedgerRow], period: str) -> list[str]:
    """The first part of the body: the range's totals in sentences. A rate without a denominator is not
    printed as "—" (a sentence is no table): the sentence says that there was nothing to measure."""
    total = totals(rows)
    if total.average_rating is not None:
        rating = f"，平均评分{rating_text(total.average_rating)}分"
    elif total.ratings:
        rating = f"，不足{total.ratings_minimum}次，不计平均评分"
    else:
        rating = ""
    visits = (
        f"{period}，全市{len(rows)}个单位共有访企申请{total.visit_requests}件，使用通行码（绿码）"
        f"{total.passes_used}个；已结束的获批访企{total.visits_ended}次，其中扫码签到"
        f"{total.visits_checked_in}次"
        f"{_rate_clause('签到率', total.checkin_compliance, '暂无可统计签到率的访企')}。"
        f"企业对访企活动评价{total.ratings}次{rating}。企业报告无码入企{total.no_pass_reports}起。"
    )
    requests = (
        f"企业诉求方面，各单位共收到企业诉求{total.requests_received}件。应受理{total.accept_due}件，"
        f"按时受理{total.accepted_on_time}件"
        f"{_rate_clause('按时受理率', total.accept_on_time_rate, '暂无应受理的诉求')}；逾期未反馈"
        f"视作默认受理{total.deemed_accepted}件。应答复{total.reply_due}件，按时答复"
        f"{total.replied_on_time}件{_rate_clause('按时答复率', total.reply_on_time_rate, '暂无应答复的诉求')}。"
        f"企业评价{total.rated}件，满意和基本满意{total.satisfied}件"
        f"{_rate_clause('满意率', total.satisfaction_rate, '暂无企业评价，不计满意率')}。"
    )
    return [visits, requests]


def thresholds_text(thresholds) -> str:
    return (
        f"问责阈值为：签到率不低于{percent(thresholds.min_checkin_compliance)}，平均评分不低于"
        f"{float(thresholds.min_average_rating):.2f}分，无码入企报告不超过{thresholds.max_no_pass_reports}起，"
        f"按时受理率不低于{percent(thresholds.min_accept_on_time)}，按时答复率不低于"
        f"{percent(thresholds.min_reply_on_time)}，满意率不低于{percent(thresholds.min_satisfaction)}。"
    )


def accountability_sentences(rows: list[LedgerRow], thresholds) -> list[str]:
    """The third part: the thresholds, the units over them with their reasons, and what follows."""
    limits = thresholds_text(thresholds)
    flagged = [row for row in rows if row.flagged]
    if not flagged:
        return [
            limits,
            "本期各单位均未触及问责阈值。请各单位继续严格落实企业赋码保护各项要求，巩固提升工作成效。",
        ]
    return [
        limits,
        f"经统计，以下{len(flagged)}个单位触及问责阈值：",
        *(f"{number}．{row.unit_name}：{'；'.join(row.flags)}。" for number, row in enumerate(flagged, 1)),
        "请上述单位自本通报印发之日起5个工作日内，向市优化办书面报告原因及整改措施。市优化办将跟踪督办"
        "整改情况；对整改不力、问题反复出现的单位，按照有关规定提请问责。",
    ]


def build(
    rows: list[LedgerRow], start: date, end: date, *, issued: date, thresholds, number: str = ""
) -> bytes:
    """The bulletin of the ranked `rows` of [start, end], issued on `issued`, as .docx bytes."""
    period = period_text(start, end)
    document = OfficialDocument(authority=AUTHORITY, title=title_text(start, end))
    document.head(
        number=number_text(NUMBER_PREFIX, issued.year, number),
        issued=issued,
        addressee=ADDRESSEE,
        title_break="全市",
    )
    document.text(
        f"为深入推进企业赋码保护工作，持续优化经济发展环境，市优化办对{period}全市各单位访企活动和"
        "企业诉求办理情况进行了统计分析。现将有关情况通报如下：",
    )
    document.heading("一、总体情况")
    for sentence in summary_sentences(rows, period):
        document.text(sentence)
    document.heading("二、综合排名")
    if rows:
        document.text(
            "按照签到率、平均评分、按时受理率、按时答复率、满意率加权计分，并扣减无码入企报告，"
            "各单位综合得分及排名如下：",
        )
        document.table(TABLE_COLUMNS, [table_cells(row) for row in rows], widths=TABLE_WIDTHS)
        document.text(
            "注：综合得分＝100×（签到率×0.25＋平均评分÷5×0.20＋按时受理率×0.15＋按时答复率×0.20＋"
            "满意率×0.20）－无码入企报告数×5，最低为0分；某项指标本期无统计基数的，按满分计，表中以"
            "“—”表示；各项指标本期均无统计基数的单位不计得分、不参与排名，列于表末。",
        )
    else:
        document.text("本期各单位无访企活动和企业诉求记录。")
    document.heading("三、问责情况")
    for sentence in accountability_sentences(rows, thresholds):
        document.text(sentence)
    return document.close(issued)
