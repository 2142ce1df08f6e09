"""The XLSX template of an import kind: the file a person fills in for a first import.

The first sheet is the table the import reads: the kind's columns under their Japanese headers
(bold, frozen, required ones marked), one example row, drop-down lists for choices and yes/no
columns. A second sheet 「説明」 explains every column. The template imports back as it is (a
test over every kind checks it), so its example row also shows what a good row looks like.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from daicho.core.exports import XLSX_FORMATS
from daicho.core.importing import values
from daicho.core.importing.engine import Field, Kind

# Excel refuses an inline list (formula1 of a list validation) longer than 255 characters;
# counted as bytes of the Japanese code page to be safe.
INLINE_LIST_LIMIT = 255
YES_NO = ("あり", "なし")
VALIDATED_ROWS = 10_000  # rows below the header that offer the drop-down lists
REQUIRED_FILL = "F8CBAD"  # the header of a required column
HEADER_FILL = "DDE6F0"  # as exports colour their header
SHEET_NAME_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})


def template_fields(kind: Kind) -> list[Field]:
    """The columns of the template: the kind's export columns (an export imports back, so
    these are the columns a complete file has); import-only columns are explained, not set."""
    return [f for f in kind.fields if f.get]


def choice_labels(field: Field) -> list[str] | None:
    """The Japanese labels a choice column offers, or あり/なし for a yes/no column."""
    choices = getattr(field.parse, "choices", None)
    if choices:
        with translation.override("ja"):
            return [str(label) for label in choices.values()]
    if field.parse is values.boolean:
        return list(YES_NO)
    return None


def example_value(field: Field) -> Any:
    """The example as a spreadsheet cell: dates as dates, amounts and counts as numbers, the
    rest as the text a person would type (choices by their Japanese label)."""
    text = field.example
    if not text:
        return None
    if field.fmt in ("date", "yen") or field.parse is values.integer:
        return field.parse(text)  # a wrong example fails here, in the tests, not in a user's file
    return text


def _accepts(field: Field) -> str:
    """What a column accepts, in a sentence for the 説明 sheet."""
    labels = choice_labels(field)
    if field.parse is values.boolean:
        return _("Yes or no: あり/なし, ○/×, yes/no or 1/0.")
    if labels:
        return _("One of the list (the drop-down offers them).")
    if field.fmt == "date" or field.parse is values.date:
        return _("A date: 2024-04-01, 令和6年4月1日 or R6.4.1.")
    if field.parse is values.fiscal_year:
        return _("A fiscal year: 2024, 令和6年度 or FY2024.")
    if field.fmt == "yen":
        return _("An amount in yen (separators and 千円 are read).")
    if field.parse is values.integer:
        return _("A whole number.")
    if _is_code(field):
        return _("A code, kept as text (leading zeros stay).")
    return _("Text.")


def _is_code(field: Field) -> bool:
    return getattr(field.parse, "__qualname__", "").startswith("code.")


def _size(text: str) -> int:
    """The length of a text as Japanese Excel measures it: a CJK character counts double."""
    return sum(1 if ord(c) < 0x2E80 else 2 for c in text)


def _width(field: Field, example: Any) -> int:
    """A width that shows the header and the example without resizing."""
    shown = "令和10年12月31日" if isinstance(example, datetime.date) else str(example or "")
    return max(10, min(48, max(_size(str(field.label)), _size(shown)) + 4))


def sheet_title(kind: Kind) -> str:
    """The data sheet's name: the kind's title as Excel allows it (31 characters, no []:*?/\\)."""
    return str(kind.title).translate(SHEET_NAME_FORBIDDEN)[:31]


def build(kind: Kind) -> bytes:
    """The template workbook of ``kind`` as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = template_fields(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(kind)
    lists = None  # the hidden sheet of long choice lists, made when a list needs it
    list_columns = 0
    bold = Font(bold=True)
    required_mark = _("Required column.")
    for index, field in enumerate(fields, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=str(field.label))
        header.font = bold
        header.fill = PatternFill("solid", fgColor=REQUIRED_FILL if field.required else HEADER_FILL)
        header.alignment = Alignment(vertical="center")
        note = [required_mark] if field.required else []
        if field.help:
            note.append(str(field.help))
        note.append(_accepts(field))
        header.comment = Comment("\n".join(note), "Daicho", width=260, height=90)
        example = example_value(field)
        cell = sheet.cell(row=2, column=index, value=example)
        if field.fmt in XLSX_FORMATS and example is not None:
            cell.number_format = XLSX_FORMATS[field.fmt]
        elif _is_code(field):
            cell.number_format = "@"  # codes keep their leading zeros when typed
            sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = _width(field, example)
        labels = choice_labels(field)
        if not labels:
            continue
        inline = ",".join(labels)
        if _size(inline) <= INLINE_LIST_LIMIT and not any(c in inline for c in "\"'"):
            formula = f'"{inline}"'
        else:
            if lists is None:
                lists = workbook.create_sheet(_("Choices"))
                lists.sheet_state = "hidden"
            list_columns += 1
            for row, label in enumerate(labels, start=1):
                lists.cell(row=row, column=list_columns, value=label)
            target = get_column_letter(list_columns)
            formula = f"{quote_sheetname(lists.title)}!${target}$1:${target}${len(labels)}"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=not field.required,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Not in the list"),
            error=_("Choose one of the list; other words may not be read."),
        )
        validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 20
    _explain(workbook.create_sheet(_("Explanation"), 1), kind, fields, bold)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _explain(sheet, kind: Kind, fields: list[Field], bold) -> None:
    """The 「説明」 sheet: every column the kind reads, required or not, what it accepts."""
    from openpyxl.styles import Alignment, PatternFill

    sheet.append([_("%(kind)s: the columns of the first sheet") % {"kind": kind.title}])
    sheet["A1"].font = bold
    sheet.append(
        [
            _(
                "Fill in the first sheet from row 2 (the example row may be overwritten or "
                "deleted); keep the headers. Other headers your files use are recognised too."
            )
        ]
    )
    sheet.append([])
    headings = [
        _("Header"),
        _("Column name"),
        _("Required"),
        _("What it accepts"),
        _("Choices"),
        _("Example"),
        _("Note"),
    ]
    sheet.append(headings)
    for cell in sheet[4]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    in_template = set(map(id, fields))
    for field in kind.fields:
        choices = getattr(field.parse, "choices", None)
        note = [str(field.help)] if field.help else []
        if id(field) not in in_template:
            note.append(_("Not in the template: add the column when your file has it."))
        sheet.append(
            [
                str(field.label),
                field.name,
                _("Required") if field.required else "",
                _accepts(field),
                "、".join(choice_labels(field) or []) if choices else "",
                field.example,
                " ".join(note),
            ]
        )
    for letter, width in zip("ABCDEFG", (22, 24, 8, 44, 48, 24, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A5"
