"""``?format=csv`` on the API's lists: the page of results as a CSV table.

UTF-8 with a byte-order mark (so that a spreadsheet reads Arabic names
right), one column per field of the list's serializer, and, when the view
declares ``hxl_tags = {"field": "#tag"}``, a second header row of HXL
hashtags (``#adm1+code``, ``#affected+f`` ...). Every cell goes through
``exports.cells.safe_cell``: text a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@`` ...) gets a leading apostrophe. A number the API
sends as text (a decimal such as ``"1200.50"``) is written as a number.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

from rest_framework.renderers import BaseRenderer

from exports.cells import safe_cell

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
BOM = "\ufeff"


def _cell(value):
    if isinstance(value, str) and _NUMBER.match(value):
        value = Decimal(value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return safe_cell(value)


def _columns(view, rows: list) -> list[str]:
    """The list's columns: the readable fields of the view's serializer, in
    order, or the keys of the first row."""
    get_serializer = getattr(view, "get_serializer", None)
    if get_serializer is not None:
        try:
            fields = get_serializer().fields
        except Exception:  # a view without a serializer for lists
            fields = None
        if fields:
            return [name for name, field in fields.items() if not field.write_only]
    return list(rows[0]) if rows else []


class CSVRenderer(BaseRenderer):
    """A list page (or an error) as CSV; see the module docstring."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        out = io.StringIO()
        out.write(BOM)
        writer = csv.writer(out)
        if response is not None and response.status_code >= 400:
            # An error: one row per message, by field.
            writer.writerow(["field", "message"])
            items = data.items() if isinstance(data, dict) else [("", data)]
            for field, messages in items:
                for message in messages if isinstance(messages, list) else [messages]:
                    writer.writerow([_cell(field), _cell(str(message))])
            return out.getvalue().encode("utf-8")
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data] if data is not None else []
        columns = _columns(view, rows)
        writer.writerow(columns)
        tags = getattr(view, "hxl_tags", None)
        if tags:
            writer.writerow([tags.get(column, "") for column in columns])
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        if response is not None and view is not None:
            filename = getattr(view, "basename", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return out.getvalue().encode("utf-8")
