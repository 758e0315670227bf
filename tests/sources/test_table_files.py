"""Reading uploaded reference tables: CSV and XLSX, column mappings, and each bad file with its
error and row number."""

import io
from datetime import date, datetime

import pytest
from django.test import override_settings
from openpyxl import Workbook

from claims.errors import PayloadTooLarge, Unprocessable
from sources.table_files import mapping_from, read_table


def read(text: str, **kwargs):
    return read_table(content=text.encode("utf-8"), filename="table.csv", **kwargs)


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_a_csv_with_the_default_header():
    rows = read(
        'label,period,value,unit\nGermany,2023,84.5,million people\nFrance,2023-03,"68,200",thousand\n'
    )
    assert [(row.row_number, row.label, row.period) for row in rows] == [
        (2, "Germany", "2023"),
        (3, "France", "2023-03"),
    ]
    assert rows[0].si_value == pytest.approx(84_500_000)
    assert rows[0].dimension == "count"
    assert (rows[0].period_start, rows[0].period_end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert rows[1].value == 68_200 and rows[1].si_value == pytest.approx(68_200_000)


def test_it_reads_the_columns_a_mapping_names_in_any_order_and_case():
    text = "Year;Amount;Line;Currency;Notes\n2023;1310;Education;USD million;draft\n"
    mapping = {"label": "line", "period": "YEAR", "value": "Amount", "unit": "Currency"}
    (row,) = read(text, mapping=mapping)
    assert (row.label, row.period, row.value, row.dimension) == ("Education", "2023", 1310, "currency:USD")


def test_it_reads_an_xlsx_workbook_with_numbers_and_dates_as_cells():
    content = xlsx(
        [
            ["label", "period", "value", "unit"],
            ["Germany", 2023, 3.0, "%"],
            ["Berlin", datetime(2024, 3, 1), 12, "°C"],
        ]
    )
    rows = read_table(content=content, filename="figures.xlsx")
    assert [(row.label, row.period, row.dimension) for row in rows] == [
        ("Germany", "2023", "percent"),
        ("Berlin", "2024-03-01", "K"),
    ]
    assert rows[1].si_value == pytest.approx(285.15)


def test_it_skips_blank_lines():
    rows = read("label,period,value,unit\nGermany,2023,3.0,%\n,,,\n\nFrance,2023,7.3,%\n")
    assert [row.row_number for row in rows] == [2, 5]


def test_it_refuses_a_file_that_is_not_utf8_naming_the_row():
    content = "label,period,value,unit\nGermany,2023,3.0,%\nK\u00f6ln,2023,1.1,million people\n".encode(
        "latin-1"
    )
    with pytest.raises(Unprocessable) as refused:
        read_table(content=content, filename="table.csv")
    assert "not UTF-8" in refused.value.message
    assert refused.value.fields == {"file": ["Row 3: not UTF-8."]}


def test_it_refuses_a_missing_column_naming_what_the_header_has():
    with pytest.raises(Unprocessable) as refused:
        read("label,year,value,unit\nGermany,2023,3.0,%\n")
    assert "Row 1: missing column(s) period" in refused.value.message
    assert "“year”" in refused.value.message
    assert refused.value.fields["file"] == [
        "Row 1: missing column period (looked for a column named “period”)."
    ]


def test_it_refuses_a_mapped_column_the_file_does_not_have():
    with pytest.raises(Unprocessable) as refused:
        read("label,period,value,unit\nGermany,2023,3.0,%\n", mapping={"value": "Amount"})
    assert "value (looked for a column named “Amount”)" in refused.value.message


def test_it_lists_every_bad_row_with_its_number():
    text = (
        "label,period,value,unit\nGermany,2023,n/a,%\nFrance,2023,7.3,furlongs\n"
        "Italy,someday,7.7,%\n,2023,1,%\n"
    )
    with pytest.raises(Unprocessable) as refused:
        read(text)
    assert refused.value.fields["file"] == [
        "Row 2: the value “n/a” is not a number.",
        "Row 3: unknown unit “furlongs”; use " + refused.value.fields["file"][1].split("; use ", 1)[1],
        "Row 4: the period “someday” is not a year, month, date or range (e.g. 2023, 2023-03, Q1 2023).",
        "Row 5: the label is empty.",
    ]
    assert refused.value.message.startswith("4 row(s) cannot be read, so nothing was stored: Row 2:")


def test_it_refuses_a_non_numeric_value_in_an_xlsx():
    content = xlsx([["label", "period", "value", "unit"], ["Germany", 2023, "three", "%"]])
    with pytest.raises(Unprocessable) as refused:
        read_table(content=content, filename="figures.xlsx")
    assert refused.value.fields["file"] == ["Row 2: the value “three” is not a number."]


def test_it_refuses_a_broken_xlsx():
    with pytest.raises(Unprocessable) as refused:
        read_table(content=b"PK\x03\x04 not really a workbook", filename="figures.xlsx")
    assert "not a readable .xlsx" in refused.value.message


@override_settings(FACTCHECK_MAX_REFERENCE_TABLE_BYTES=100)
def test_it_refuses_a_file_over_the_size_limit():
    with pytest.raises(PayloadTooLarge) as refused:
        read("label,period,value,unit\n" + "Germany,2023,3.0,%\n" * 10)
    assert refused.value.status_code == 413
    assert "the limit is 100 bytes" in refused.value.message


@pytest.mark.parametrize("text", ["", "   \n", "label,period,value,unit\n"])
def test_it_refuses_a_file_without_rows(text):
    with pytest.raises(Unprocessable):
        read(text)


def test_it_takes_the_mapping_from_form_fields():
    data = {"label_column": " Country ", "period_column": "", "value_column": "Rate", "name": "x"}
    assert mapping_from(data) == {"label": "Country", "value": "Rate"}
