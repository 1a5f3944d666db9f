"""Excel import, shared by every app (architecture.md, "Patterns for the second wave", item 1).

An app describes one kind of ledger as an `Importer` (its columns, its natural key, who may import it,
how a row is checked and how the rows are written) and registers one instance. The core then gives it
everything else: the template (`template_response`), the preview that checks the whole file and writes
nothing (`check_workbook`), the pages under /imports/<kind>/ and the background task that re-checks the
stored file and writes it in one transaction (`core.tasks.run_import`).

Rules a person can rely on, whatever the app:

- a file either imports completely or not at all: one error anywhere and nothing is written;
- every error is listed with the row number Excel shows (the header is row 1) and its column;
- importing the same file again changes nothing: rows are matched on the natural key, and a row equal
  to what is stored is counted as unchanged and not written.

An app's import, in short (core/importers.py is a whole one, the enterprise register)::

    class ProjectImporter(Importer):
        kind, title, key = "projects", gettext_lazy("重大项目台账"), "code"
        columns = (
            Column("code", "项目编号", parse=text(30)),
            Column("unit", "责任单位", parse=text(100), note="单位全称"),
            Column("plan", "年度计划投资（万元）", parse=number(min_value=0, places=2)),
            Column("key_project", "是否省重点", required=False, choices=YES_NO, parse=yes_no),
        )

        def allowed(self, user): return has_role(user, Role.ADMINISTRATOR, ...)
        def context(self, user): return {u.name: u for u in Unit.objects.all()}
        def check_row(self, values, units):
            if values["unit"] not in units:
                raise RowError("「责任单位」不存在：请填写单位全称", "责任单位")
            return {**values, "unit": units[values["unit"]]}
        def write(self, rows, by, progress): ...   # look up by key in batches; create, update or skip
        def done_url(self): return reverse("projects:list")

    register(ProjectImporter())   # in the app's AppConfig.ready

Parse functions get only non-empty cells (an empty optional cell is None in `values`); the machinery
checks required cells, choices and duplicate keys before check_row. A RowError raised without a column
is placed on the column being parsed; one from check_row without a column is shown with an empty one.
"""

import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from yancheng.core.output.xlsx import book_response, display_width
from yancheng.core.roles import Role, has_role

# Checked before a byte is unpacked: a ledger of 20,000 rows is about 2 MB.
MAX_FILE_BYTES = 10 * 1024 * 1024
# An .xlsx is a zip archive, and a small archive can unpack to gigabytes: refused before openpyxl reads it.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
# How many errors a check keeps (sorted by row): enough to fix a file, bounded for a file that is
# wrong on every row. The total is always counted.
ERRORS_KEPT = 1000
INSTRUCTIONS_SHEET = "填写说明"
CHOICES_SHEET = "可选值"
# Required headers are written "*企业名称" in red: the asterisk is the mark Chinese forms use for
# 必填 and survives printing in black and white and copying into another sheet; the red catches the eye.
REQUIRED_MARK = "*"
REQUIRED_COLOUR = "C00000"
PROGRESS_EVERY = 200  # rows between two progress reports while checking

logger = logging.getLogger(__name__)


class RowError(Exception):
    """One problem of one row, said in Chinese to the person who filled it in. Raised by a column's parse
    function or by `Importer.check_row`; `column` is the header it concerns (the column being parsed when
    a parse function raises it without one)."""

    def __init__(self, message, column=None):
        super().__init__(str(message))
        self.message = str(message)
        self.column = column


class RowErrors(Exception):
    """Several problems of one row at once: `RowErrors([RowError(...), ...])`."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("；".join(error.message for error in self.errors))


@dataclass(frozen=True)
class Column:
    key: str  # the key of this column's value in the dict handed to check_row
    header: (
        str  # the header in the template (Chinese: the file's format does not change with the UI language)
    )
    required: bool = True  # an empty cell is an error
    # Turns a non-empty cell (str, int, float, datetime … as openpyxl reads it) into a Python value, or
    # raises RowError. An empty cell is never parsed: its value is None.
    parse: Callable[[Any], Any] | None = None
    note: str = ""  # what to write, for the template's 填写说明 sheet
    example: Any = ""  # an example value, for the 填写说明 sheet
    choices: Sequence[str] = ()  # the allowed values: a dropdown in the template, anything else an error


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """One kind of ledger that can be imported. An app subclasses it and registers one instance."""

    kind: str = ""  # registry key and URL part: /imports/<kind>/
    title: str = ""  # what is imported, e.g. "重大项目台账"
    columns: Sequence[Column] = ()
    key: str = ""  # the Column.key of the natural key: a second row with the same key is an error
    max_rows: int = 20000

    def allowed(self, user) -> bool:
        """Who may import: checked on every page and again in the task."""
        return has_role(user, Role.ADMINISTRATOR)

    def context(self, user) -> Any:
        """Look-ups loaded once per check (units by name, regions by code …), handed to check_row."""
        return None

    def check_row(self, values: dict, context) -> Any:
        """Parsed values of one row -> an object ready to write; raise RowError or RowErrors."""
        raise NotImplementedError

    def check_file(self, rows: list, context) -> dict[int, list[RowError]]:
        """Checks across rows (`rows` are what check_row returned, rows with errors left out);
        {index into rows: [RowError, ...]}."""
        return {}

    def write(self, rows: list, by, progress: Callable[[int], None]) -> ImportCounts:
        """Write the checked rows. Called inside one transaction.atomic(), so raising anything writes
        nothing. Must be idempotent on the key: a row equal to what is stored is not written and counted
        unchanged. Call progress(rows_done) now and then."""
        raise NotImplementedError

    def done_url(self) -> str:
        """Where the finished import links to: the app's list of what was imported."""
        raise NotImplementedError

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


# --- the registry -------------------------------------------------------------------------------------

_registry: dict[str, Importer] = {}
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_RESERVED_KINDS = {"jobs"}  # /imports/jobs/<id>/ is the job page


def register(importer: Importer) -> Importer:
    """Make `importer` reachable at /imports/<kind>/. Call it from AppConfig.ready (or at module import);
    a kind belongs to one importer."""
    kind = importer.kind
    if not _KIND.fullmatch(kind or "") or kind in _RESERVED_KINDS:
        raise ImproperlyConfigured(f"import kind {kind!r}: lower-case letters, digits, - and _, not 'jobs'")
    if importer.key not in {column.key for column in importer.columns}:
        raise ImproperlyConfigured(f"import kind {kind!r}: key {importer.key!r} is not one of its columns")
    existing = _registry.get(kind)
    if existing is not None and _class_name(existing) != _class_name(importer):
        raise ImproperlyConfigured(f"import kind {kind!r} is registered twice")
    _registry[kind] = importer
    return importer


def _class_name(importer) -> str:
    # Compared by name, not identity: a module imported twice (a reload) makes a second, equal class.
    return f"{type(importer).__module__}.{type(importer).__qualname__}"


def importer_for(kind) -> Importer:
    try:
        return _registry[kind]
    except KeyError:
        raise Http404("no such import") from None


# --- the template -------------------------------------------------------------------------------------


def template_response(importer: Importer) -> HttpResponse:
    """The .xlsx to fill in: sheet 1 holds the headers (bold, frozen, wide enough; required ones marked
    with * in red; a dropdown where a column has choices; the key column formatted as text, so that a
    long code of digits is not turned into 9.14E+17), sheet 2 (填写说明) says what goes in each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(importer.title)
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=_template_header(column))
        cell.font = Font(bold=True, color=REQUIRED_COLOUR if column.required else None)
        cell.alignment = Alignment(horizontal="center")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = min(max(display_width(cell.value), 10) + 4, 40)
        if column.key == importer.key:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            _add_dropdown(book, sheet, letter, column, importer.max_rows)
    sheet.freeze_panes = "A2"
    _write_instructions(book.create_sheet(INSTRUCTIONS_SHEET), importer)
    return book_response(book, _("%(title)s导入模板.xlsx") % {"title": importer.title})


def _template_header(column: Column) -> str:
    return f"{REQUIRED_MARK}{column.header}" if column.required else column.header


def _sheet_title(title) -> str:
    # Excel refuses these characters in a sheet name, and more than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "Sheet1"


def _add_dropdown(book, sheet, letter: str, column: Column, max_rows: int) -> None:
    listed = ",".join(column.choices)
    if len(listed) <= 250 and not any("," in c or '"' in c for c in column.choices):
        formula = f'"{listed}"'
    else:  # Excel's inline list holds 255 characters: longer lists are read from a hidden sheet
        formula = _choices_range(book, column)
    validation = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
    validation.showErrorMessage = True
    validation.errorTitle = _("请从下拉列表中选择")
    validation.error = _("「%(header)s」只能填写下拉列表中的值。") % {"header": column.header}
    validation.add(f"{letter}2:{letter}{max_rows + 1}")
    sheet.add_data_validation(validation)


def _choices_range(book, column: Column) -> str:
    if CHOICES_SHEET in book.sheetnames:
        lists = book[CHOICES_SHEET]
    else:
        lists = book.create_sheet(CHOICES_SHEET)
        lists.sheet_state = "hidden"
    index = 1 if lists["A1"].value is None else lists.max_column + 1
    for row, choice in enumerate(column.choices, start=1):
        lists.cell(row=row, column=index, value=choice)
    letter = lists.cell(row=1, column=index).column_letter
    return f"'{CHOICES_SHEET}'!${letter}$1:${letter}${len(column.choices)}"


def _write_instructions(sheet, importer: Importer) -> None:
    sheet.append([_("列名"), _("是否必填"), _("填写说明"), _("示例")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in importer.columns:
        note = column.note
        if column.choices:
            note = f"{note}{_('可选值：')}{'、'.join(column.choices)}"
        sheet.append(
            [_template_header(column), _("必填") if column.required else _("选填"), note, column.example]
        )
    key = importer.column(importer.key).header
    sheet.append([])
    for line in [
        _("1. 请在第一个工作表中填写：第 1 行是表头，请勿修改、删除或调换；每行一条记录，空行会被跳过。"),
        _("2. 表头带 * 的列（红色）必须填写。"),
        _(
            "3. 以「%(key)s」识别记录：已有的记录按文件内容更新，内容相同的不作改动，同一文件重复导入不会产生重复数据。"
        )
        % {"key": key},
        _(
            "4. 一个文件最多 %(rows)d 行、不超过 %(mb)d MB；只要有一行有误，整个文件都不会导入，请按预览列出的问题改正后重新上传。"
        )
        % {"rows": importer.max_rows, "mb": MAX_FILE_BYTES // (1024 * 1024)},
    ]:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 28
    for row in sheet.iter_rows(min_row=2, max_row=len(importer.columns) + 1):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        if importer.columns[row[0].row - 2].key == importer.key:
            row[3].number_format = "@"


# --- checking a file ----------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """What a check found. `rows` are the objects check_row returned, in file order (rows with errors
    left out); `errors` the first ERRORS_KEPT problems by row, each {"row": Excel row number (0 for the
    file as a whole), "column": header or "", "message": Chinese}; `error_count` all of them."""

    rows: list = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    row_count: int = 0
    error_count: int = 0
    row_numbers: list[int] = field(default_factory=list)  # the Excel row of each of `rows`

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def file_error(message) -> CheckResult:
    return CheckResult(errors=[{"row": 0, "column": "", "message": str(message)}], error_count=1)


def header_key(text) -> str:
    """A header as it is compared: full-width letters, digits and brackets as half-width (NFKC), without
    spaces of any width or the required mark."""
    normalised = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return "".join(ch for ch in normalised if not ch.isspace() and ch != REQUIRED_MARK)


def check_workbook(
    importer: Importer, data: bytes, user, progress: Callable[[int], None] | None = None
) -> CheckResult:
    """Read and check the whole file; write nothing. `progress(rows_read)` is called now and then."""
    problem = _unreadable(data)
    if problem:
        return file_error(problem)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken or foreign archive
        return file_error(
            _(
                "文件无法作为 Excel 工作簿读取（可能已损坏，或不是 .xlsx 文件）：请下载模板，在模板中填写后另存为 .xlsx 再上传。"
            )
        )
    try:
        return _check_book(importer, book, user, progress or (lambda done: None))
    finally:
        book.close()


def _unreadable(data: bytes) -> str:
    """Why `data` cannot be an .xlsx at all, or ""."""
    if len(data) > MAX_FILE_BYTES:
        return _("文件超过 %(mb)d MB：请删去多余的工作表、图片和格式，或分成几个文件分别导入。") % {
            "mb": MAX_FILE_BYTES // (1024 * 1024)
        }
    if not data:
        return _("文件是空的：请下载模板，在模板中填写后上传。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary format (and password-protected workbooks)
        return _(
            "这是旧版 Excel（.xls）文件或设了密码的文件：请在 Excel 中取消密码，并“另存为” .xlsx 格式后上传。"
        )
    if not data.startswith(b"PK\x03\x04"):
        return _(
            "文件不是 Excel 工作簿（.xlsx）：请下载模板，在模板中填写后上传；CSV 或 WPS 文件请先另存为 .xlsx。"
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return _("文件已损坏，无法打开：请在 Excel 中重新保存为 .xlsx 后上传。")
    if unpacked > MAX_UNPACKED_BYTES:
        return _("文件解压后过大：请删去多余的工作表、图片和格式后重新上传。")
    return ""


def _data_sheet(book):
    sheets = [sheet for sheet in book.worksheets if sheet.title != INSTRUCTIONS_SHEET]
    return sheets[0] if sheets else None


def _check_book(importer: Importer, book, user, progress) -> CheckResult:
    sheet = _data_sheet(book)
    if sheet is None:
        return file_error(_("文件中没有可填写的工作表：请下载模板并按模板填写。"))
    sheet.reset_dimensions()  # the size some programs write is wrong: read the rows that are there
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    positions, problem = _column_positions(importer, header)
    if problem:
        return file_error(problem)
    checker = _Checker(importer, importer.context(user))
    width = max(len(header), 1)
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
        values = {
            key: _cell(cells[index]) if index < len(cells) else None for key, index in positions.items()
        }
        if all(value is None for value in values.values()):
            continue  # a blank row
        if checker.row_count >= importer.max_rows:
            return file_error(
                _("文件超过 %(rows)d 行数据（第 %(row)d 行起超出）：请分成几个文件分别导入。")
                % {"rows": importer.max_rows, "row": number}
            )
        checker.check(number, values)
        if checker.row_count % PROGRESS_EVERY == 0:
            progress(checker.row_count)
    if checker.row_count == 0:
        return file_error(_("文件中没有数据：请从第 2 行起填写，每行一条记录。"))
    progress(checker.row_count)
    return checker.result()


def _column_positions(importer: Importer, header) -> tuple[dict[str, int], str]:
    """{column key: index in the row} for the columns found in the header row, or a problem."""
    found: dict[str, int] = {}
    by_header = {header_key(column.header): column for column in importer.columns}
    for index, text in enumerate(header or ()):
        column = by_header.get(header_key(text))
        if column is None:
            continue  # a column of the person's own (notes, a serial number) is ignored
        if column.key in found:
            return {}, _("表头「%(header)s」出现了两次：请只保留一列，或下载模板并按模板填写。") % {
                "header": column.header
            }
        found[column.key] = index
    missing = [column.header for column in importer.columns if column.required and column.key not in found]
    if missing:
        shown = "、".join(f"「{header}」" for header in missing)
        return {}, _("第 1 行缺少必填的列%(headers)s：请下载模板并按模板填写，不要修改第 1 行的表头。") % {
            "headers": shown
        }
    return found, ""


def _cell(value):
    """A cell as the checks see it: text without surrounding spaces (full-width ones too), empty as None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def shown(value) -> str:
    """A value quoted back to the person in a message: as they typed it, shortened."""
    text = cell_text(value)
    return text if len(text) <= 30 else f"{text[:30]}…"


def cell_text(value) -> str:
    """A cell's value as text: 12.0 as "12", a date as 2025-03-01."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return "" if value is None else str(value).strip()


class _Checker:
    """Checks one row after another and keeps what it found."""

    def __init__(self, importer: Importer, context):
        self.importer = importer
        self.context = context
        self.order = {column.header: index for index, column in enumerate(importer.columns)}
        self.key_header = importer.column(importer.key).header
        self.first_row_of_key: dict[Any, int] = {}
        self.rows: list = []
        self.row_numbers: list[int] = []
        self.errors: list[tuple] = []
        self.row_count = 0

    def check(self, number: int, cells: dict) -> None:
        self.row_count += 1
        values, problems = {}, []
        for column in self.importer.columns:
            try:
                values[column.key] = self.parse(column, cells.get(column.key))
            except (RowError, RowErrors, ValidationError) as error:
                problems.extend(_row_errors(error, column.header))
        if not problems:
            problems.extend(self.duplicate(number, values[self.importer.key]))
            try:
                checked = self.importer.check_row(values, self.context)
            except (RowError, RowErrors, ValidationError) as error:
                problems.extend(_row_errors(error, None))
            else:
                if not problems:
                    self.rows.append(checked)
                    self.row_numbers.append(number)
        self.add(number, problems)

    def parse(self, column: Column, value):
        if value is None:
            if column.required:
                raise RowError(_("「%(header)s」不能为空") % {"header": column.header})
            return None
        if column.choices:
            text = cell_text(value)
            if text not in column.choices:
                raise RowError(_choice_message(column, value))
            value = text
        return column.parse(value) if column.parse else value

    def duplicate(self, number: int, key) -> list[RowError]:
        if key is None:
            return []
        first = self.first_row_of_key.setdefault(key, number)
        if first == number:
            return []
        message = _("「%(header)s」“%(value)s”与第 %(row)d 行重复：同一条记录只能填写一行") % {
            "header": self.key_header,
            "value": shown(key),
            "row": first,
        }
        return [RowError(message, self.key_header)]

    def add(self, number: int, problems: list[RowError]) -> None:
        for problem in problems:
            column = str(problem.column or "")
            self.errors.append((number, self.order.get(column, len(self.order)), column, problem.message))

    def result(self) -> CheckResult:
        for index, problems in (self.importer.check_file(self.rows, self.context) or {}).items():
            self.add(self.row_numbers[index], problems)
        self.errors.sort(key=lambda error: error[:2])
        kept = [
            {"row": row, "column": column, "message": message} for row, _o, column, message in self.errors
        ]
        return CheckResult(
            rows=self.rows,
            errors=kept[:ERRORS_KEPT],
            row_count=self.row_count,
            error_count=len(self.errors),
            row_numbers=self.row_numbers,
        )


def _row_errors(error, column_header) -> list[RowError]:
    if isinstance(error, RowErrors):
        return [RowError(e.message, e.column or column_header) for e in error.errors]
    if isinstance(error, ValidationError):
        return [RowError(message, column_header) for message in error.messages]
    return [RowError(error.message, error.column or column_header)]


def _choice_message(column: Column, value) -> str:
    allowed = "、".join(column.choices[:10])
    if len(column.choices) > 10:
        allowed += _("等 %(n)d 项（见模板中的下拉列表）") % {"n": len(column.choices)}
    return _("「%(header)s」只能填写：%(allowed)s；当前为“%(value)s”") % {
        "header": column.header,
        "allowed": allowed,
        "value": shown(value),
    }


# --- parse functions apps may use ---------------------------------------------------------------------


def text(max_length: int | None = None) -> Callable[[Any], str]:
    """Text of at most `max_length` characters (a number typed in the cell is taken as its digits)."""

    def parse(value) -> str:
        result = cell_text(value)
        if max_length is not None and len(result) > max_length:
            raise RowError(
                _("不能超过 %(n)d 个字，当前为 %(length)d 个字") % {"n": max_length, "length": len(result)}
            )
        return result

    return parse


def number(min_value=None, max_value=None, places: int | None = None) -> Callable[[Any], Decimal]:
    """A decimal number (1200.5, "1,200.5", full-width digits); `places` decimals at most."""

    def parse(value) -> Decimal:
        result = _decimal(value)
        if result is None:
            raise RowError(_("应填写数字（如 1200.5），当前为“%(value)s”") % {"value": shown(value)})
        if places is not None:
            if result != result.quantize(Decimal(1).scaleb(-places)):
                raise RowError(_("最多保留 %(n)d 位小数，当前为 %(value)s") % {"n": places, "value": result})
            result = result.quantize(Decimal(1).scaleb(-places))
        if min_value is not None and result < Decimal(str(min_value)):
            raise RowError(_("不能小于 %(min)s，当前为 %(value)s") % {"min": min_value, "value": result})
        if max_value is not None and result > Decimal(str(max_value)):
            raise RowError(_("不能大于 %(max)s，当前为 %(value)s") % {"max": max_value, "value": result})
        return result

    return parse


def integer(min_value=None, max_value=None) -> Callable[[Any], int]:
    checked = number(min_value, max_value)

    def parse(value) -> int:
        result = checked(value)
        if result != result.to_integral_value():
            raise RowError(_("应填写整数，当前为 %(value)s") % {"value": result})
        return int(result)

    return parse


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = Decimal(str(value))
    else:
        typed = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
        try:
            result = Decimal(typed)
        except InvalidOperation:
            return None
    return result if result.is_finite() else None


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def day(value) -> date:
    """A date: a date cell, or text such as 2025-03-01, 2025/3/1, 2025年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DAY.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise RowError(_("应填写日期（如 2025-03-01），当前为“%(value)s”") % {"value": shown(value)})


YES_NO = ("是", "否")


def yes_no(value) -> bool:
    """是 -> True, 否 -> False; for a column with choices=YES_NO."""
    return cell_text(value) == "是"


# --- progress -----------------------------------------------------------------------------------------
# Kept in the "progress" cache (files, not the database: see settings.CACHES) while the worker checks and
# writes, read by the job page's progress endpoint.

CHECKING = "check"
WRITING = "write"
PROGRESS_SECONDS = 0.5  # at most two reports a second, however often an importer calls progress()


def progress_reporter(key: str, phase: str, total: int) -> Callable[[int], None]:
    """progress(rows_done) for the given phase; never raises (a full disk must not fail an import)."""
    last = [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_SECONDS and done < total:
            return
        last[0] = now
        try:
            caches["progress"].set(key, {"phase": phase, "done": min(int(done), total), "total": total})
        except Exception:
            logger.exception("import progress not recorded for %s", key)

    report(0)
    return report


def read_progress(key: str) -> dict | None:
    try:
        return caches["progress"].get(key)
    except Exception:
        logger.exception("import progress not readable for %s", key)
        return None


def clear_progress(key: str) -> None:
    try:
        caches["progress"].delete(key)
    except Exception:
        logger.exception("import progress not cleared for %s", key)
