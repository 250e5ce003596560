"""Gunicorn's worker (``iomdash.workers``): a worker listens for new
connections only while it holds no more than its share, so that kept
connections spread over the processes instead of crowding one."""

from __future__ import annotations

import logging
import os
import selectors
import socket
import threading
import time

import pytest
from gunicorn.config import Config

from iomdash.workers import _SLOT, BalancedThreadWorker

# Above Linux's highest pid (pid_max is at most 2**22): no process has it.
DEAD_PID = 2**22 + 1


@pytest.fixture
def listener():
    sock = socket.create_server(("127.0.0.1", 0))
    yield sock
    sock.close()


@pytest.fixture
def workers(listener, monkeypatch):
    """Two workers of one master, on one listening socket, each ready to run
    its loop here (their slots claimed as after their fork)."""
    monkeypatch.setattr(BalancedThreadWorker, "_board", None)
    config = Config()
    config.set("workers", 2)
    config.set("threads", 2)
    built = []
    for age in (1, 2):
        worker = BalancedThreadWorker(
            age, os.getpid(), [listener], None, 30, config, logging.getLogger("gunicorn")
        )
        worker.tpool = worker.get_thread_pool()
        worker.poller = selectors.DefaultSelector()
        worker.method_queue.init()
        # Both live in this process: each claims a slot of its own.
        worker.slot = worker._claim_slot()
        built.append(worker)
    assert built[0].slot != built[1].slot
    yield built
    for worker in built:
        worker.tpool.shutdown(wait=False)
        worker.poller.close()
        worker.method_queue.close()


def _connect(listener) -> socket.socket:
    return socket.create_connection(listener.getsockname())


def _loop_once(worker) -> None:
    worker.wait_for_and_dispatch_events(timeout=0.2)


def test_a_worker_holding_more_than_its_share_leaves_a_new_connection_to_the_other(
    workers, listener
):
    crowded, other = workers
    crowded.nr_conns, other.nr_conns = 3, 1
    other.within_share()  # the other worker's count is on the board
    client = _connect(listener)

    _loop_once(crowded)
    assert crowded.nr_conns == 3  # not taken: 3 is above the mean of 2

    _loop_once(other)
    assert other.nr_conns == 2  # taken by the worker below its share
    client.close()


def test_workers_at_their_share_take_connections(workers, listener):
    first, second = workers
    first.nr_conns = second.nr_conns = 2
    second.within_share()
    client = _connect(listener)

    _loop_once(first)
    assert first.nr_conns == 3
    client.close()


def test_the_count_of_a_worker_that_died_is_dropped_when_its_replacement_starts(workers):
    first, second = workers
    # The second worker died holding 40 connections.
    _SLOT.pack_into(BalancedThreadWorker._board, second.slot * _SLOT.size, DEAD_PID, 40)
    first.nr_conns = 1
    assert first.within_share()  # the dead count only raises the mean

    assert second._claim_slot() == second.slot  # its replacement starts

    assert not first.within_share()  # 1 connection against the replacement's 0


def test_a_worker_not_listening_looks_at_the_board_again_soon(workers, listener):
    crowded, other = workers
    crowded.nr_conns, other.nr_conns = 3, 1
    other.within_share()

    def others_take_connections():
        time.sleep(0.05)
        # Meanwhile the other worker takes connections: the crowded one is
        # now below the mean, and nothing of its own wakes it.
        _SLOT.pack_into(BalancedThreadWorker._board, other.slot * _SLOT.size, os.getpid(), 5)

    thread = threading.Thread(target=others_take_connections)
    thread.start()
    started = time.monotonic()
    crowded.wait_for_and_dispatch_events(timeout=1.0)  # not listening: 3 is above 2
    waited = time.monotonic() - started
    thread.join()
    assert waited < 0.5  # gunicorn's loop would have slept its whole second

    client = _connect(listener)
    _loop_once(crowded)
    assert crowded.nr_conns == 4  # 3 is below the mean of 4: it listens again
    client.close()


def test_a_stopping_worker_takes_no_new_connection(workers, listener):
    stopping, other = workers
    stopping.set_accept_enabled(False)  # as gunicorn's loop does when it stops
    stopping.alive = False
    client = _connect(listener)
    _loop_once(stopping)
    assert stopping.nr_conns == 0
    client.close()
