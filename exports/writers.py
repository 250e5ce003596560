"""CSV and XLSX files of a ``Table``: a header row, a row of HXL hashtags, then
the rows, every cell through ``safe_cell`` (nothing can run as a formula).

Neither holds the table in memory: the CSV is a generator the response
streams as the cursor reads; the XLSX is written by openpyxl's write-only
workbook (rows go to a temporary file as they come) into a temporary file.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO

from openpyxl import Workbook

from exports.cells import csv_cell, xlsx_cell
from exports.hxl import hxl_tag
from exports.selectors import Table

# Excel reads a UTF-8 CSV (and so Arabic) only after a byte-order mark.
BOM = "\ufeff"
# CSV lines sent per chunk of the response.
LINES_PER_CHUNK = 500


class _Echo:
    """A file that returns what is written to it, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def header_rows(table: Table) -> tuple[list[str], list[str]]:
    """The translated headers and the HXL hashtags of ``table``'s columns."""
    return [str(c.label) for c in table.columns], [hxl_tag(c.key) for c in table.columns]


def csv_lines(table: Table) -> Iterator[str]:
    """The CSV text of ``table``, in chunks: the byte-order mark, the headers,
    the hashtags and the rows, a few hundred lines at a time. The headers
    are worded now, in the request's language: the rows are streamed after
    the view has returned, when the server may have moved on to another."""
    writer = csv.writer(_Echo())
    headers, tags = header_rows(table)
    first = BOM + writer.writerow([csv_cell(h) for h in headers]) + writer.writerow(tags)
    return _csv_rows(table, writer, first)


def _csv_rows(table: Table, writer, first: str) -> Iterator[str]:
    yield first
    lines = []
    for row in table:
        # Most cells are counts: an int needs no guard (a cheap test per
        # cell saves a call on each of a million rows' fifty cells).
        lines.append(writer.writerow([v if type(v) is int else csv_cell(v) for v in row]))
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def xlsx_file(table: Table, *, title: str) -> IO[bytes]:
    """An XLSX workbook of ``table`` in an anonymous temporary file (deleted
    when closed), positioned at its start. One sheet named ``title``, the
    two header rows frozen; text cells are strings, never formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A3"
    headers, tags = header_rows(table)
    sheet.append([xlsx_cell(h) for h in headers])
    sheet.append(tags)
    for row in table:
        sheet.append([v if type(v) is int else xlsx_cell(v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        workbook.save(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "export"
