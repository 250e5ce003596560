"""The exports page and the downloads it links to.

The CSV streams as it is read (``StreamingHttpResponse`` over a generator);
the XLSX is built in a temporary file and streamed from there
(``FileResponse``). openpyxl (without lxml) writes about 80,000 cells per
CPU-second, so an XLSX of a large mission's million records (104 million
cells) would take far longer than a request may (gunicorn's timeout is 60 s):
an XLSX holds at most ``XLSX_MAX_CELLS`` cells (about 9,600 records or
40,000 values: 12 s of CPU, 25 s on a loaded machine) and beyond that the
page asks for narrower filters or the CSV, which has no limit.
"""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from exports.access import export_for_user, exports_for_user
from exports.selectors import (
    EXPORTS,
    TOTAL,
    ExportQueryError,
    export_choices,
)
from exports.writers import csv_lines, xlsx_file
from programmes.access import user_role

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# The most cells (rows × columns) an XLSX download may hold; see the module docstring.
XLSX_MAX_CELLS = 1_000_000


def _page(request: HttpRequest, *, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    exports = exports_for_user(user)
    context = {
        "role": user_role(user),
        "exports": exports,
        "choices": export_choices(user) if exports else {},
        "total": TOTAL,
        "xlsx_max_cells": XLSX_MAX_CELLS,
        **extra,
    }
    return render(request, "exports/index.html", context, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The downloads the user may take, each with its filters."""
    if user_role(request.user) is None:
        return _page(request, status=403)
    return _page(request)


def _filename(slug: str, fmt: str) -> str:
    return f"iomdash-{slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"


@require_GET
def download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """One export as CSV (streamed) or XLSX, under the query string's filters.
    403 for an export the user may not take (a donor's record-level data),
    400 with the page for an unreadable filter or an XLSX that is too large."""
    if slug not in EXPORTS or fmt not in FORMATS:
        raise Http404
    export = export_for_user(request.user, slug)
    if export is None:
        return _page(request, status=403, denied=EXPORTS[slug])
    try:
        table = export.table(user=request.user, params=request.GET)
    except ExportQueryError as error:
        return _page(request, status=400, errors=error.errors, failed=export)

    filename = _filename(slug, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(table),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    else:
        rows = table.count()
        max_rows = XLSX_MAX_CELLS // len(table.columns)
        if rows > max_rows:
            csv_url = request.path.removesuffix(".xlsx") + ".csv"
            if request.GET:
                csv_url += "?" + request.GET.urlencode()
            return _page(
                request,
                status=400,
                too_large={"export": export, "rows": rows, "max": max_rows, "csv_url": csv_url},
            )
        response = FileResponse(
            xlsx_file(table, title=str(export.title)),
            as_attachment=True,
            filename=filename,
            content_type=XLSX_CONTENT_TYPE,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
