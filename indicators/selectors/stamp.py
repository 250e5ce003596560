"""The data stamp: what changes whenever anything the dashboards show changes."""

from __future__ import annotations

from indicators.models import DataStamp
from iomdash.db_router import read_connection


def data_stamp() -> str:
    """A text that changes with every committed write to a table the
    dashboards read and with every engine run (``DataStamp``), and never
    takes an earlier value again: the number of stamp rows, the sum of their
    weights and the highest id. A transaction's row is visible exactly when
    its changes are, so a reader that sees the old stamp also saw the old
    data, or newer (never a new stamp with old data).

    Inside a transaction that wrote, its row is written once (indicators
    0016) and the number of its writing statements so far, a setting local
    to the transaction, is added: the stamp moves with each of them there,
    and no other transaction ever reads that stamp. One query."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(weight), 0), coalesce(max(id), 0), "
            "coalesce(nullif(current_setting('iomdash.stamp_seq', true), ''), '0') "
            f"FROM {DataStamp._meta.db_table}"
        )
        rows, weight, last, statements = cursor.fetchone()
    stamp = f"{rows}.{weight}.{last}"
    return stamp if statements == "0" else f"{stamp}.{statements}"
