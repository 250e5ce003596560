"""Reading an uploaded beneficiary list: the header and its usual variants,
CSV (UTF-8, any of three delimiters) or XLSX, and the cells (whole numbers
with thousands separators or Arabic digits, dates in three spellings).

Raises ``ImportFileError`` for a file that cannot be read as a whole; a cell
that cannot be read raises ``ValueError`` with the message for the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from beneficiaries.models import RECIPIENT_FIELDS, SPLIT_FIELDS
from beneficiaries.models_splits import PAIR_COLUMNS
from programmes.l10n import parse_day

MAX_COUNT = 2_147_483_647  # a PostgreSQL integer

REQUIRED_COLUMNS = ["project", "governorate", "activity_type", "delivered_on", "people"]
COUNT_COLUMNS = ["units", "households", "people", *SPLIT_FIELDS, *RECIPIENT_FIELDS]
COLUMNS = [
    *REQUIRED_COLUMNS,
    "district",
    "units",
    "households",
    "household_size",
    "shared_reach",
    *SPLIT_FIELDS,
    *RECIPIENT_FIELDS,
    *PAIR_COLUMNS,
]
# Other headings data collection tools use for the same column.
HEADER_ALIASES = {
    "project_code": "project",
    "activity": "activity_type",
    "date": "delivered_on",
    "delivery_date": "delivered_on",
    "governorate_pcode": "governorate",
    "adm1_pcode": "governorate",
    "district_pcode": "district",
    "adm2_pcode": "district",
    "sub_district": "district",
    "subdistrict": "district",
    "adm3_pcode": "district",
    "reach": "shared_reach",
    "reach_group": "shared_reach",
    # A split given on its own ("58% women" is a women column and a men column).
    "women": "sex_f",
    "female": "sex_f",
    "men": "sex_m",
    "male": "sex_m",
    "age_0_5": "age_0_5",
    "0_5": "age_0_5",
    "6_17": "age_6_17",
    "18_59": "age_18_59",
    "60+": "age_60plus",
    "60plus": "age_60plus",
    "age_60+": "age_60plus",
    "idp": "pop_idp",
    "idps": "pop_idp",
    "returnee": "pop_returnee",
    "returnees": "pop_returnee",
    "host": "pop_host",
    "host_community": "pop_host",
    "refugee": "pop_refugee",
    "refugees": "pop_refugee",
}
_THOUSANDS = re.compile(r"\d{1,3}(?:([,\u066c\u00a0\u202f ])\d{3})(?:\1\d{3})*")
_WHOLE = re.compile(r"\d+(?:\.0+)?")


# Limits of what an upload may hold (a hostile workbook must not hold a worker):
MAX_ROWS = 500_000
MAX_CELLS = 20_000_000
MAX_PARTS = 1_000  # files inside an XLSX archive (a real workbook has about 10)
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # all the parts of an XLSX, unpacked
MAX_SHARED_STRINGS = 32 * 1024 * 1024  # its text table, read whole by any reader
MAX_RATIO = 200  # unpacked / packed size of a part above RATIO_FROM
RATIO_FROM = 4 * 1024 * 1024
_EOCD = b"PK\x05\x06"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)}"


def _entries_declared(file) -> int | None:
    """The number of parts the archive's end record declares (read from its
    last bytes, before any directory is loaded); None when there is no end
    record (not a zip)."""
    file.seek(0, 2)
    size = file.tell()
    tail = min(size, 22 + 65_535)
    file.seek(size - tail)
    data = file.read(tail)
    at = data.rfind(_EOCD)
    if at < 0 or len(data) - at < 22:
        return None
    _sig, _disk, _cd_disk, _here, total, _cd_size, _cd_at, _comment = struct.unpack(
        "<4s4H2LH", data[at : at + 22]
    )
    return total


def check_xlsx_archive(file) -> None:
    """Refuse an XLSX archive above the limits before any reader opens it:
    the number of parts, their unpacked size in all and of the text table,
    and the packing ratio. Raises ImportFileError naming the limit."""
    declared = _entries_declared(file)
    if declared is None:
        return  # not a zip at all: the reader says so in the user's terms
    too_many = _(
        "The workbook holds more than %(limit)s parts (the limit). Save it again from Excel."
    )
    if declared >= 0xFFFF or declared > MAX_PARTS:
        raise ImportFileError(too_many % {"limit": MAX_PARTS})
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ImportFileError(too_many % {"limit": MAX_PARTS})
        total = 0
        for part in parts:
            total += part.file_size
            if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(
                part.compress_size, 1
            ):
                raise ImportFileError(
                    _(
                        "The workbook's part %(part)s unpacks to more than %(ratio)s times its "
                        "size (the limit): it is not an ordinary sheet. Save the data as CSV."
                    )
                    % {"part": part.filename[:80], "ratio": MAX_RATIO}
                )
            if part.filename.lower().endswith("sharedstrings.xml") and (
                part.file_size > MAX_SHARED_STRINGS
            ):
                raise ImportFileError(
                    _(
                        "The workbook's text table unpacks to more than %(size)s MB (the "
                        "limit). Save the data as CSV, or split it into smaller files."
                    )
                    % {"size": _megabytes(MAX_SHARED_STRINGS)}
                )
        if total > MAX_UNCOMPRESSED:
            raise ImportFileError(
                _(
                    "The workbook unpacks to more than %(size)s MB (the limit). Split it "
                    "into smaller files."
                )
                % {"size": _megabytes(MAX_UNCOMPRESSED)}
            )


def check_upload(file, fmt: str) -> None:
    """What can be refused from a file without reading its rows (an XLSX
    archive's directory); raises ImportFileError naming the limit."""
    if fmt == "xlsx":
        check_xlsx_archive(file)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)s rows (the limit). Split it into smaller files.")
        % {"limit": f"{MAX_ROWS:,}"}
    )


def estimate_rows(path: Path, fmt: str) -> int | None:
    """The number of data rows, roughly (to choose where the work runs)."""
    try:
        if fmt == "csv":
            lines = 0
            with path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    lines += chunk.count(b"\n")
            return max(lines - 1, 0)
        from openpyxl import load_workbook

        with path.open("rb") as file:
            check_xlsx_archive(file)
        workbook = load_workbook(path, read_only=True)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        return max(rows - 1, 0) if rows else None
    except Exception:  # an unreadable file is reported by the dry run
        return None


def _normalise_header(value) -> str:
    key = str(value if value is not None else "").strip().lstrip("\ufeff").casefold()
    key = re.sub(r"[\s\-]+", "_", key)
    return HEADER_ALIASES.get(key, key)


def _csv_lines(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as file:
        head = file.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise ImportFileError(
            _(
                "This file is UTF-16 text (Excel's “Unicode text”), not CSV UTF-8. In "
                "Excel choose Save as → “CSV UTF-8 (comma delimited)” and upload that."
            )
        )

    def decoded(file) -> Iterator[str]:
        for number, raw in enumerate(file, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportFileError(
                    _(
                        "Line %(row)s is not UTF-8 text (the file may be in Latin-1 or "
                        "Windows Arabic). Save it as “CSV UTF-8” and upload it again."
                    )
                    % {"row": number}
                ) from None
            yield line.removeprefix("\ufeff") if number == 1 else line

    with path.open("rb") as file:
        lines = decoded(file)
        first = next(lines, "")
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(row)s cannot be read as CSV (%(problem)s).")
                % {"row": reader.line_num + 1, "problem": exc}
            ) from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _xlsx_lines(path: Path) -> Iterator[tuple]:
    with path.open("rb") as file:
        magic = file.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls) renamed .xlsx. Save it as .xlsx or CSV.")
        )
    if not zipfile.is_zipfile(path):
        raise ImportFileError(
            _(
                "This file is not an Excel workbook, although its name ends in .xlsx "
                "(it may be text or CSV). Save it from Excel as .xlsx, or upload it as .csv."
            )
        )
    with path.open("rb") as file:
        check_xlsx_archive(file)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:
        raise ImportFileError(
            _("This Excel workbook cannot be read. Open it in Excel, save it again as .xlsx.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
        if rows > MAX_ROWS + 1:
            raise _too_many_rows()
        if rows * columns > MAX_CELLS:
            raise _too_many_cells()
        cells = 0
        for values in sheet.iter_rows(values_only=True):
            cells += len(values)
            if cells > MAX_CELLS:  # the sheet's stated size may lie
                raise _too_many_cells()
            yield values
    finally:
        workbook.close()


def _too_many_cells() -> ImportFileError:
    return ImportFileError(
        _("The sheet has more than %(limit)s cells (the limit). Split it into smaller files.")
        % {"limit": f"{MAX_CELLS:,}"}
    )


def read_rows(path: Path, fmt: str) -> tuple[list[str], list[str], Iterator[tuple[int, dict]]]:
    """(columns used, columns ignored, rows as (row number in the sheet, {column: value})).
    Blank rows are skipped; row 1 is the header."""
    lines = _csv_lines(path) if fmt == "csv" else _xlsx_lines(path)
    header = next(lines, None)
    if header is None or not any(str(cell or "").strip() for cell in header):
        raise ImportFileError(_("The file is empty: its first row must hold the column names."))
    names = [_normalise_header(cell) for cell in header]
    seen = [name for name in names if name]
    duplicates = sorted({name for name in seen if seen.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            _("Columns missing: %(columns)s. Start from the template on the import page.")
            % {"columns": ", ".join(missing)}
        )
    used = [(index, name) for index, name in enumerate(names) if name in COLUMNS]
    ignored = [str(header[i]) for i, name in enumerate(names) if name and name not in COLUMNS]

    def rows() -> Iterator[tuple[int, dict]]:
        for number, values in enumerate(lines, start=2):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            row = {name: values[i] if i < len(values) else None for i, name in used}
            if any(value is not None and str(value).strip() for value in row.values()):
                yield number, row

    return [name for _i, name in used], ignored, rows()


def cell_text(value) -> str:
    """The text of a cell, spaces collapsed; a whole float without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_count(value) -> int | None:
    """A whole number of 0 or more from a cell ("1,234", 1234.0, "١٢"); None when
    blank. Raises ValueError with the message for the user."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(_("Give a whole number, not TRUE or FALSE."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value)
        if not text:
            return None
        if text.startswith("-") and _WHOLE.fullmatch(text[1:]):
            raise ValueError(_("“%(value)s” is negative: give 0 or more.") % {"value": text})
        if _THOUSANDS.fullmatch(text):
            text = re.sub(r"\D", "", text)
        elif _WHOLE.fullmatch(text):
            text = text.split(".")[0]
        else:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        number = int(text)
    if number < 0:
        raise ValueError(_("“%(value)s” is negative: give 0 or more.") % {"value": number})
    if number > MAX_COUNT:
        raise ValueError(_("“%(value)s” is too large.") % {"value": number})
    return number


def parse_date(value) -> dt.date | None:
    """A day from a cell: a spreadsheet date, 2018-03-01, 01/03/2018 (day
    first) or 1 March 2018, with Arabic-Indic or Persian digits and Arabic or
    Kurdish month names too (``programmes.l10n.parse_day``); None when blank.
    Raises ValueError with the message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        raise ValueError(
            _("“%(value)s” is not a date: write 2018-03-01, 01/03/2018 or 1 March 2018.")
            % {"value": text}
        )
    return day
