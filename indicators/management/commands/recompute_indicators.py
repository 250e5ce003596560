"""Recompute every indicator value now, in this process, showing progress."""

from django.core.management.base import BaseCommand, CommandError

from indicators import engine


class Command(BaseCommand):
    help = "Recompute every active indicator definition's values (one transaction)."

    def handle(self, *args, **options):
        def progress(percent: int, step: str) -> None:
            self.stdout.write(f"{percent:3d}% {step}")

        try:
            written = engine.recompute_full(progress=progress)
        except engine.EngineBusy as exc:
            raise CommandError(f"{exc}; try again when it has finished.") from None
        self.stdout.write(self.style.SUCCESS(f"{written:,} indicator values written."))
