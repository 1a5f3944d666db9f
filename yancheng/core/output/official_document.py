"""Official documents (公文) as Word files, laid out after GB/T 9704-2012: the bulletins (通报) and, later,
the supervision and escalation documents of every app. An app writes its content (title, sentences,
tables); this module owns the layout. Choices, by element of the standard:

- Page (5.2.1): A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left (binding side) 28 mm, right
  26 mm, which leaves a 156 × 225 mm type area. Body text 3号 (16 pt) 仿宋_GB2312 at an exact line pitch
  of 28.95 pt, i.e. 22 lines a page (5.2.2), also declared as the section's line grid. Fonts are named
  for East Asian text with ``w:eastAsia`` on every run (and on the Normal style), Western text in the
  same face; the fonts are not embedded: the reader's machine supplies 仿宋_GB2312, 方正小标宋简体, 黑体.
- Issuing-authority mark (7.2.1): "<authority>文件", red (#FF0000), 方正小标宋简体 26 pt, centred; its top
  is placed 35 mm below the top of the type area (spacing before the paragraph).
- Document number (7.2.4): two blank lines below the mark, 仿宋_GB2312 16 pt, centred, with the year in
  hexagonal brackets 〔〕: "衡优办通〔2026〕11号". The serial is the issuer's to give; without it a blank
  is left to be filled in by hand.
- Red rule (7.2.6): 4 mm below the document number, as wide as the type area, drawn as the bottom border
  (1.5 pt, red) of the document-number paragraph.
- Title (7.3.1): two blank lines below the rule, 2号 (22 pt) 小标宋, centred, broken where the caller
  says so that it stands as a trapezoid.
- Addressee (7.3.2): one blank line below the title, flush left, ending with a full-width colon.
- Body (7.3.3): 3号 仿宋_GB2312, first line indented two characters (32 pt), headings "一、" in 黑体.
- Tables: 五号 (10.5 pt), header row in 黑体 and repeated on every page, cells centred, single line
  spacing, narrow side margins so that many columns fit the 156 mm type area.
- Signature and date (7.3.5.2, a document without a seal): the issuing office one blank line below the
  body, right-aligned with two characters to spare; the date ("2026年11月27日", Arabic numerals) on
  the next line, its first character two characters right of the signature's first character.
- Page numbers (7.5): 4号 (14 pt) 宋体 Arabic numerals between em dashes, "— 1 —", a PAGE field in the
  footer; odd pages right-aligned one character in, even pages left-aligned one character in (odd and
  even footers on). The footer sits about 7 mm below the type area (footer distance 21 mm).
- Colophon (版记, 8.3, simplified): the printing office and date between two rules after the date. It
  is not pushed to the foot of an even page; the office prints from Word and may move it.
"""

from datetime import date
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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
CELL_MARGIN = Mm(1)  # left and right, so that "100.0%" fits a 14.5 mm column on one line


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def number_text(prefix: str, year: int, number: str) -> str:
    """The document number: "衡优办通〔2026〕11号", or a blank for the serial when there is none yet."""
    return f"{prefix}〔{year}〕{number or '\u3000\u3000'}号"


class OfficialDocument:
    """One document: made with its issuer, then its parts added in the standard's order, then `bytes()`."""

    def __init__(self, *, authority: str, title: str):
        self.authority, self.title = authority, title
        self.document = Document()
        _setup(self.document)
        properties = self.document.core_properties
        properties.title, properties.author, properties.language = title, authority, "zh-CN"

    def head(self, *, number: str, issued: date, addressee: str, title_break: str | None = None):
        """The mark, the number with its red rule, the title (a line break before `title_break`) and the
        addressee."""
        document = self.document
        mark = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, before=Mm(35).pt, pitch=None)
        _run(mark, self.authority + "文件", font=XIAOBIAOSONG, size=MARK_PT, color=RED)
        _blank(document, 2)
        numbered = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(numbered, number)
        _border(numbered, "bottom", size_eighths=12, color="FF0000", space_pt=round(Mm(4).pt))
        _blank(document, 2)
        heading = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(TITLE_PT * 1.6))
        first, broken, rest = self.title.partition(title_break) if title_break else (self.title, "", "")
        run = _run(heading, first, font=XIAOBIAOSONG, size=TITLE_PT)
        if broken:
            run.add_break()
            _run(heading, broken + rest, font=XIAOBIAOSONG, size=TITLE_PT)
        _blank(document)
        _run(_paragraph(document), addressee)

    def text(self, text: str):
        _run(_paragraph(self.document, indent=CHAR * 2), text)

    def heading(self, text: str):
        _run(_paragraph(self.document, indent=CHAR * 2), text, font=HEITI)

    def table(self, columns: list[str], lines: list[list[str]], *, widths, cell_margin=CELL_MARGIN):
        """A table of `lines` under the header `columns`, each column as wide as `widths` says."""
        table = self.document.add_table(rows=len(lines) + 1, cols=len(columns))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(round(cell_margin.pt * 20)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for number, (table_row, values) in enumerate(zip(table.rows, [columns, *lines], strict=True)):
            for index, (cell, value) in enumerate(zip(table_row.cells, values, strict=True)):
                cell.width = widths[index]
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.line_spacing = 1.0
                paragraph.paragraph_format.space_after = Pt(0)
                _run(paragraph, value, font=FANGSONG if number else HEITI, size=TABLE_PT)
        return table

    def close(self, issued: date) -> bytes:
        """The signature, the date and the colophon; the document as .docx bytes."""
        _signature(self.document, self.authority, issued)
        _colophon(self.document, self.authority, issued)
        out = BytesIO()
        self.document.save(out)
        return out.getvalue()


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


def _signature(document, authority: str, issued: date):
    _blank(document)
    signature = _paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = CHAR * 2
    _run(signature, authority)
    dated = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT)
    signature_start = TYPE_WIDTH - CHAR * 2 - CHAR * len(authority)
    dated.paragraph_format.left_indent = signature_start + CHAR * 2
    _run(dated, chinese_date(issued))


def _colophon(document, authority: str, issued: date):
    _blank(document, 2)
    line = _paragraph(document)
    line.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    line.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    line.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - Pt(PAGE_NUMBER_PT) * 2, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{authority}\t{chinese_date(issued)}印发", size=PAGE_NUMBER_PT)
    _border(line, "top", size_eighths=8)
    _border(line, "bottom", size_eighths=8)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(filename: str, content: bytes) -> HttpResponse:
    """A finished document as a download named `filename` (Chinese names survive: RFC 5987)."""
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
