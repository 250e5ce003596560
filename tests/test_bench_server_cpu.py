"""The bench's clock of the database server's CPU-seconds
(``demo.bench_server_cpu``), against the test server (embedded, on this
machine): it counts the connection's own backend, and a connection that
closed (as the full run's second one does) through the postmaster."""

from __future__ import annotations

import time

from django.db import connection

from demo.bench_server_cpu import SETTLE_S, median_runs, server_cpu_clock

# About half a CPU-second of work on the server, whatever the load.
BUSY = "SELECT count(*) FROM generate_series(1, 4000000) i WHERE i % 7 = 3"


def test_the_clock_counts_this_connection_s_backend(db):
    with connection.cursor() as cursor:
        clock = server_cpu_clock(cursor)
        assert clock is not None
        before = clock()
        cursor.execute(BUSY)
        assert clock() - before >= 0.1


def test_the_clock_counts_a_connection_that_closed_meanwhile(db):
    with connection.cursor() as cursor:
        clock = server_cpu_clock(cursor)
    before = clock()
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(BUSY)
    finally:
        other.close()
    time.sleep(SETTLE_S)
    assert clock() - before >= 0.1


class Refused:
    def execute(self, *args):
        raise PermissionError("must be superuser or have privileges of pg_read_all_settings")


def test_no_clock_where_the_server_cannot_be_read():
    assert server_cpu_clock(Refused()) is None


def test_median_runs_gives_the_median_of_wall_and_cpu_and_no_cpu_without_a_clock():
    ticks = iter([0.0, 1.0, 1.0, 4.0, 4.0, 6.0])  # runs of 1, 3 and 2 CPU-seconds
    calls = []
    wall, cpu = median_runs(lambda: calls.append(1), 3, lambda: next(ticks), warmup=1)
    assert (len(calls), cpu) == (4, 2.0)
    assert wall >= 0
    assert median_runs(lambda: None, 3, None)[1] is None
