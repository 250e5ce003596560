"""Room on the value table's pages for the incremental runs' updates.

An incremental run moves the later running totals of its cells by the
change's difference: an UPDATE of thousands of rows for a record of the
first months (about 6,000 at 1M records). On full pages each updated row is
a new version on another page and two new index entries; with room on its
page, PostgreSQL writes it there and no index entry (a HOT update: neither
index holds the value or the splits). A fillfactor applies to the rows
written after it is set: a full run fills its new table packed (its heap and
time unchanged) and gives it this table's storage options after the load
(``indicators/engine/table.py``), and a row an incremental run updates moves,
once, to a page filled to half, where its next updates stay.
"""

from django.db import migrations

TABLE = "indicators_indicatorvalue"


class Migration(migrations.Migration):
    dependencies = [("indicators", "0016_data_stamp_once_per_transaction")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} SET (fillfactor = 50)",
            f"ALTER TABLE {TABLE} RESET (fillfactor)",
        )
    ]
