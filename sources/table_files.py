"""Reading an uploaded reference table (CSV or XLSX) into rows, or saying which rows are wrong.

Every problem is collected with its row number (the header is row 1, as a spreadsheet shows it)
before anything is stored, so a file is taken whole or not at all.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from claims.errors import InvalidInput, PayloadTooLarge, Unprocessable
from sources import figures

COLUMNS = ("label", "period", "value", "unit")
# Errors listed in full at most; the message says how many more there are.
MAX_ERRORS_LISTED = 20
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    label: str
    period: str
    period_start: date
    period_end: date
    value: float
    unit: str
    si_value: float
    dimension: str


def max_bytes() -> int:
    return int(settings.FACTCHECK_MAX_REFERENCE_TABLE_BYTES)


def read_table(*, content: bytes, filename: str, mapping: dict[str, str] | None = None) -> list[ParsedRow]:
    """The file's rows, normalised. `mapping` names the file's columns for label, period, value and
    unit; a column left out of it must be in the header under its own name."""
    limit = max_bytes()
    if len(content) > limit:
        raise PayloadTooLarge(
            f"The file is {len(content):,} bytes; the limit is {limit:,} bytes.",
            fields={"file": [f"At most {limit:,} bytes."]},
        )
    if not content.strip():
        raise Unprocessable("The file is empty.", fields={"file": ["The file is empty."]})
    records = _xlsx_records(content) if _is_xlsx(content, filename) else _csv_records(content)
    header = next(records, None)
    if header is None:
        raise Unprocessable("The file has no header row.", fields={"file": ["No header row."]})
    positions = _column_positions(header, mapping or {})
    rows, errors = _rows(records, positions)
    if errors:
        listed = errors[:MAX_ERRORS_LISTED]
        more = f" (and {len(errors) - len(listed)} more)" if len(errors) > len(listed) else ""
        raise Unprocessable(
            f"{len(errors)} row(s) cannot be read, so nothing was stored: {listed[0]}{more}",
            fields={"file": listed},
        )
    if not rows:
        raise Unprocessable(
            "The file has a header but no rows.", fields={"file": ["No rows below the header."]}
        )
    return rows


def _is_xlsx(content: bytes, filename: str) -> bool:
    return content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm"))


def _csv_records(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise Unprocessable(
            f"The file is not UTF-8 text (row {line}, byte {error.start + 1}). "
            "Save it as CSV UTF-8, or upload the spreadsheet as .xlsx.",
            fields={"file": [f"Row {line}: not UTF-8."]},
        ) from None
    dialect: Any = csv.excel  # one column, or nothing to tell by: commas
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as error:
        raise Unprocessable(f"The CSV cannot be read: {error}.", fields={"file": [str(error)]}) from None


def _xlsx_records(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Unprocessable(
            "The file is not a readable .xlsx workbook.", fields={"file": [f"Not an .xlsx workbook: {error}"]}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if value is None else value for value in values]
    finally:
        workbook.close()


def _column_positions(header: list[Any], mapping: dict[str, str]) -> dict[str, int]:
    names = [str(cell).strip() for cell in header]
    folded = [name.casefold() for name in names]
    positions: dict[str, int] = {}
    missing = []
    for column in COLUMNS:
        wanted = (mapping.get(column) or column).strip()
        if wanted.casefold() in folded:
            positions[column] = folded.index(wanted.casefold())
        else:
            missing.append(f"{column} (looked for a column named “{wanted}”)")
    if missing:
        found = ", ".join(f"“{name}”" for name in names if name) or "none"
        raise Unprocessable(
            f"Row 1: missing column(s) {', '.join(missing)}. The header has {found}. Name the columns "
            f"label, period, value and unit, or say which columns hold them "
            f"(label_column, period_column, value_column, unit_column).",
            fields={"file": [f"Row 1: missing column {item}." for item in missing]},
        )
    return positions


def _rows(records: Iterator[list[Any]], positions: dict[str, int]) -> tuple[list[ParsedRow], list[str]]:
    rows: list[ParsedRow] = []
    errors: list[str] = []
    for number, record in enumerate(records, start=2):
        cells = {column: _cell(record, index) for column, index in positions.items()}
        if all(cell in ("", None) for cell in record):
            continue  # blank lines between blocks
        try:
            rows.append(_row(number, cells))
        except ValueError as error:
            errors.append(f"Row {number}: {error}")
    return rows, errors


def _cell(record: list[Any], index: int) -> Any:
    value = record[index] if index < len(record) else ""
    return value.strip() if isinstance(value, str) else value


def _row(number: int, cells: dict[str, Any]) -> ParsedRow:
    label = str(cells["label"]).strip()
    if not label:
        raise ValueError("the label is empty.")
    if len(label) > 500:
        raise ValueError("the label is longer than 500 characters.")
    period = figures.parse_period(cells["period"])
    if period is None:
        raise ValueError(
            f"the period “{cells['period']}” is not a year, month, date or range "
            "(e.g. 2023, 2023-03, Q1 2023)."
        )
    value = _number(cells["value"])
    unit_text = str(cells["unit"]).strip()
    unit = figures.parse_unit(unit_text)
    if unit is None:
        raise ValueError(f"unknown unit “{unit_text}”; use {figures.UNITS_HELP}.")
    return ParsedRow(
        row_number=number,
        label=label,
        period=_period_text(cells["period"]),
        period_start=period[0],
        period_end=period[1],
        value=value,
        unit=unit_text,
        si_value=unit.normalise(value),
        dimension=unit.dimension,
    )


def _number(cell: Any) -> float:
    if isinstance(cell, bool):
        raise ValueError(f"the value “{cell}” is not a number.")
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip().replace("\u2212", "-")
    cleaned = text.replace(",", "").replace(" ", "").replace("\u00a0", "").rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"the value “{text}” is not a number.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"the value “{text}” is not a number.")
    return value


def _period_text(cell: Any) -> str:
    if isinstance(cell, date):
        return cell.isoformat()[:10]
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()[:100]


def mapping_from(data: dict[str, Any]) -> dict[str, str]:
    """The column mapping of a form or multipart request: `label_column` … `unit_column`."""
    mapping = {column: str(data.get(f"{column}_column") or "").strip() for column in COLUMNS}
    return {column: name for column, name in mapping.items() if name}


def require_filename(filename: str) -> None:
    if not filename.lower().endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm")):
        raise InvalidInput("Upload a .csv or .xlsx file.", fields={"file": ["Upload a .csv or .xlsx file."]})
