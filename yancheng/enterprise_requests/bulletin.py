"""The bulletin (通报) of the protection ledger, a Word document laid out after GB/T 9704-2012.

``build(rows, start, end, *, issued, thresholds, number="") -> bytes`` writes the .docx of a ranked ledger
(``ledger.compute``). Choices, by element of the standard:

- Page (5.2.1): A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left (binding side) 28 mm, right
  26 mm, which leaves a 156 × 225 mm type area. Body text 3号 (16 pt) 仿宋_GB2312 at an exact line pitch
  of 28.95 pt, i.e. 22 lines a page (5.2.2), also declared as the section's line grid. Fonts are named
  for East Asian text with ``w:eastAsia`` on every run (and on the Normal style), Western text in the
  same face; the fonts are not embedded: the reader's machine supplies 仿宋_GB2312, 方正小标宋简体, 黑体.
- Issuing-authority mark (7.2.1): "衡阳市优化经济发展环境办公室文件", red (#FF0000), 方正小标宋简体 26 pt,
  centred; its top is placed 35 mm below the top of the type area (spacing before the paragraph).
- Document number (7.2.4): two blank lines below the mark, 仿宋_GB2312 16 pt, centred, with the year in
  hexagonal brackets 〔〕: "衡优办通〔2026〕11号". The serial is the office's to give (``number``);
  without it a blank is left to be filled in by hand.
- Red rule (7.2.6): 4 mm below the document number, as wide as the type area, drawn as the bottom border
  (1.5 pt, red) of the document-number paragraph.
- Title (7.3.1): two blank lines below the rule, 2号 (22 pt) 小标宋, centred, broken before "全市" so
  that it stands as a trapezoid.
- Addressee (7.3.2): one blank line below the title, flush left, ending with a full-width colon.
- Body (7.3.3): 3号 仿宋_GB2312, first line indented two characters (32 pt), headings "一、" in 黑体.
  The first part sums the range up in sentences (the city's totals of every ledger figure), the
  second holds the ranking table, the third names the units over the thresholds with their reasons
  and the accountability note (or says that none is).
- Table: the ranking (单位、签到率、平均评分、无码入企、按时受理率、按时答复率、满意率、综合得分、排名),
  五号 (10.5 pt) so that nine columns fit the 156 mm type area (unit 40 mm, the others 14.5 mm, cell
  side margins 1 mm), header row in 黑体 and repeated on every page, cells centred, single line
  spacing; "—" where a rate has no denominator.
- Signature and date (7.3.5.2, a document without a seal): the issuing office one blank line below the
  body, right-aligned with two characters to spare; the date ("2026年11月27日", Arabic numerals) on
  the next line, its first character two characters right of the signature's first character.
- Page numbers (7.5): 4号 (14 pt) 宋体 Arabic numerals between em dashes, "— 1 —", a PAGE field in the
  footer; odd pages right-aligned one character in, even pages left-aligned one character in (odd and
  even footers on). The footer sits about 7 mm below the type area (footer distance 21 mm).
- Colophon (版记, 8.3, simplified): the printing office and date between two rules after the date. It
  is not pushed to the foot of an even page; the office prints from Word and may move it.
"""

import calendar
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .ledger import LedgerRow, percent, rating_text, totals

AUTHORITY = "衡阳市优化经济发展环境办公室"
MARK = AUTHORITY + "文件"
NUMBER_PREFIX = "衡优办通"
ADDRESSEE = "各县市区人民政府，市直各有关单位："
ISSUED_BY = AUTHORITY

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
MARK_PT = 26
TABLE_PT = 10.5  # 五号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
TYPE_WIDTH = Mm(156)
CHAR = Pt(BODY_PT)

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
CELL_MARGIN = Mm(1)  # left and right, so that "100.0%" fits a 14.5 mm column on one line


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


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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


def number_text(year: int, number: str) -> str:
    return f"{NUMBER_PREFIX}〔{year}〕{number or '\u3000\u3000'}号"


# --- low-level formatting ---------------------------------------------------------------------------


def _fonts(run_properties, name: str):
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _run(paragraph, text: str, *, font=FANGSONG, size=BODY_PT, bold=False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._r.get_or_add_rPr(), font)
    return run


def _paragraph(document_or_cell, *, align=None, indent=None, before=0, pitch=LINE_PITCH):
    paragraph = document_or_cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(0)
    if pitch is None:
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = pitch
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.first_line_indent = indent
    return paragraph


# What may follow w:pBdr inside w:pPr (ECMA-376 CT_PPr order): the border goes before the first of them.
_AFTER_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _border(paragraph, side: str, *, size_eighths: int, color: str = "000000", space_pt: int = 0):
    """A rule along one side of the paragraph (w:pBdr; top before bottom, as the schema orders them)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.insert_element_before(borders, *_AFTER_BORDERS)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), str(space_pt))
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _blank(document, lines: int = 1):
    for _ in range(lines):
        _paragraph(document)


def _page_number(paragraph):
    _run(paragraph, "— ", font=SONGTI, size=PAGE_NUMBER_PT)
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        if kind == "text":
            _run(paragraph, text, font=SONGTI, size=PAGE_NUMBER_PT)
            continue
        run = _run(paragraph, "", font=SONGTI, size=PAGE_NUMBER_PT)
        if kind == "instr":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
    _run(paragraph, " —", font=SONGTI, size=PAGE_NUMBER_PT)


def _setup(document):
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))

    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), FANGSONG)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)

    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    _page_number(even)


# --- the parts of the bulletin ----------------------------------------------------------------------


def _head(document, *, issued: date, number: str, title: str):
    mark = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=Mm(35).pt, pitch=None)
    _run(mark, MARK, font=XIAOBIAOSONG, size=MARK_PT, color=RED)
    _blank(document, 2)
    numbered = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(numbered, number_text(issued.year, number))
    _border(numbered, "bottom", size_eighths=12, color="FF0000", space_pt=round(Mm(4).pt))
    _blank(document, 2)
    heading = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(TITLE_PT * 1.6))
    first, rest = title.split("全市", 1)
    _run(heading, first, font=XIAOBIAOSONG, size=TITLE_PT).add_break()
    _run(heading, "全市" + rest, font=XIAOBIAOSONG, size=TITLE_PT)
    _blank(document)
    _run(_paragraph(document), ADDRESSEE)


def _text(document, text: str):
    _run(_paragraph(document, indent=CHAR * 2), text)


def _section_heading(document, text: str):
    _run(_paragraph(document, indent=CHAR * 2), text, font=HEITI)


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


def _ranking_table(document, rows: list[LedgerRow]):
    table = document.add_table(rows=len(rows) + 1, cols=len(TABLE_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_MARGIN.pt * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for column, width in zip(table.columns, TABLE_WIDTHS, strict=True):
        column.width = width
    header = table.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    lines = [TABLE_COLUMNS] + [table_cells(row) for row in rows]
    for number, (table_row, values) in enumerate(zip(table.rows, lines, strict=True)):
        for index, (cell, value) in enumerate(zip(table_row.cells, values, strict=True)):
            cell.width = TABLE_WIDTHS[index]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing = 1.0
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, value, font=FANGSONG if number else HEITI, size=TABLE_PT)
    return table


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


def _signature(document, issued: date):
    _blank(document)
    signature = _paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = CHAR * 2
    _run(signature, ISSUED_BY)
    dated = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT)
    signature_start = TYPE_WIDTH - CHAR * 2 - CHAR * len(ISSUED_BY)
    dated.paragraph_format.left_indent = signature_start + CHAR * 2
    _run(dated, chinese_date(issued))


def _colophon(document, issued: date):
    _blank(document, 2)
    line = _paragraph(document)
    line.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    line.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    line.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - Pt(PAGE_NUMBER_PT) * 2, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{AUTHORITY}\t{chinese_date(issued)}印发", size=PAGE_NUMBER_PT)
    _border(line, "top", size_eighths=8)
    _border(line, "bottom", size_eighths=8)


def build(
    rows: list[LedgerRow], start: date, end: date, *, issued: date, thresholds, number: str = ""
) -> bytes:
    """The bulletin of the ranked `rows` of [start, end], issued on `issued`, as .docx bytes."""
    document = Document()
    _setup(document)
    period = period_text(start, end)
    title = title_text(start, end)
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, AUTHORITY, "zh-CN"

    _head(document, issued=issued, number=number, title=title)
    _text(
        document,
        f"为深入推进企业赋码保护工作，持续优化经济发展环境，市优化办对{period}全市各单位访企活动和"
        "企业诉求办理情况进行了统计分析。现将有关情况通报如下：",
    )
    _section_heading(document, "一、总体情况")
    for sentence in summary_sentences(rows, period):
        _text(document, sentence)
    _section_heading(document, "二、综合排名")
    if rows:
        _text(
            document,
            "按照签到率、平均评分、按时受理率、按时答复率、满意率加权计分，并扣减无码入企报告，"
            "各单位综合得分及排名如下：",
        )
        _ranking_table(document, rows)
        _text(
            document,
            "注：综合得分＝100×（签到率×0.25＋平均评分÷5×0.20＋按时受理率×0.15＋按时答复率×0.20＋"
            "满意率×0.20）－无码入企报告数×5，最低为0分；某项指标本期无统计基数的，按满分计，表中以"
            "“—”表示；各项指标本期均无统计基数的单位不计得分、不参与排名，列于表末。",
        )
    else:
        _text(document, "本期各单位无访企活动和企业诉求记录。")
    _section_heading(document, "三、问责情况")
    for sentence in accountability_sentences(rows, thresholds):
        _text(document, sentence)
    _signature(document, issued)
    _colophon(document, issued)

    out = BytesIO()
    document.save(out)
    return out.getvalue()
