"""The fork server local workers are forked from, started as early as a batch command can start it.

The server imports and warms the pipeline (``warmup``) for about a second before it can fork the
first worker. Starting it is cheap and does not wait for that warm-up, so a batch starts it before
importing its own modules, listing and hashing the inputs: the parent's start-up and the server's
warm-up then run side by side on two cores instead of one after the other. This module imports
nothing but the standard library, so that calling it costs the parent nothing.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver

PRELOAD = ["extractor.batch.work", "extractor.batch.warmup"]


def context() -> multiprocessing.context.BaseContext:
    """forkserver: safe beside the progress thread, and workers fork from a server with the pipeline imported."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Launch the fork server now (it warms up in the background); a no-op if it already runs."""
    context()
    multiprocessing.forkserver.ensure_running()
