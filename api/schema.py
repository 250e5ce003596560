"""Touches to the generated OpenAPI schema that drf-spectacular cannot infer."""

from __future__ import annotations

CSV_DESCRIPTION = (
    "`csv`: this page of results as CSV (UTF-8 with a byte-order mark; a second "
    "header row of HXL hashtags where the list has them; text a spreadsheet would "
    "run as a formula starts with an apostrophe)."
)


def csv_responses(result, generator, request, public):
    """A ``text/csv`` response is a string, not the JSON page drf-spectacular
    copies from the JSON response; the ``format`` parameter says what CSV is."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {"schema": {"type": "string"}}
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "format" and parameter.get("in") == "query":
                    parameter["description"] = CSV_DESCRIPTION
    return result
