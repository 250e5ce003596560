"""Every snapshot made before series existed was a quarterly report of its
portfolio: it joins the quarterly series of that portfolio (made here), and
its period starts on its quarter's first day."""

import datetime as dt

from django.db import migrations


def forwards(apps, schema_editor):
    Snapshot = apps.get_model("snapshots", "Snapshot")
    Series = apps.get_model("snapshots", "SnapshotSeries")
    for snapshot in Snapshot.objects.order_by("period_end", "pk"):
        series = Series.objects.filter(
            portfolio_key=snapshot.portfolio_key, cadence="quarterly"
        ).first()
        if series is None:
            series = Series.objects.create(
                name=snapshot.title,
                portfolio_key=snapshot.portfolio_key,
                cadence="quarterly",
                created_by_id=snapshot.created_by_id,
            )
            series.programmes.set(snapshot.programmes.all())
        end = snapshot.period_end
        snapshot.series = series
        snapshot.period_start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        snapshot.save(update_fields=["series", "period_start"])
    History = apps.get_model("snapshots", "HistoricalSnapshot")
    for row in History.objects.filter(period_start__isnull=True):
        end = row.period_end
        row.period_start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        row.series_id = Snapshot.objects.filter(pk=row.id).values_list("series_id", flat=True).first()
        row.save(update_fields=["period_start", "series_id"])


class Migration(migrations.Migration):
    dependencies = [("snapshots", "0003_series_and_periods")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
