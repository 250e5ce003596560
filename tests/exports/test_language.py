"""The downloads speak the user's language: CSV and XLSX headers in it, the
HXL row the same in every language."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from tests.exports.conftest import content, download, url, xlsx_rows

pytestmark = pytest.mark.django_db


def test_csv_headers_are_worded_in_the_request_language_even_when_streamed_later(client, users):
    english = download(client, users["admin"], "assistance-records")
    client.force_login(users["admin"])
    response = client.get(url("assistance-records", "csv"), headers={"accept-language": "ar"})
    assert response.status_code == 200
    # The server streams the rows after the view returned, and may by then
    # serve another request in another language on the same thread.
    translation.activate("en")
    try:
        body = content(response).decode("utf-8-sig")
    finally:
        translation.deactivate()
    headers, tags = list(csv.reader(io.StringIO(body, newline="")))[:2]
    assert tags == english[1]  # the HXL row unchanged
    assert "governorate P-code" in english[0]
    assert "governorate P-code" not in headers
    assert sum(h != e for h, e in zip(headers, english[0], strict=True)) > len(headers) // 2
    assert any("محافظة" in h for h in headers)


def test_xlsx_headers_are_in_arabic_and_the_hxl_row_unchanged(client, users):
    english = download(client, users["admin"], "indicator-values", "xlsx")
    client.force_login(users["admin"])
    response = client.get(url("indicator-values", "xlsx"), headers={"accept-language": "ar"})
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[1] == english[1]
    assert any("محافظة" in str(h) for h in rows[0])
    assert not any("governorate" in str(h) for h in rows[0])
