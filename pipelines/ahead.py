"""Work started ahead on an idle core and collected by the step that needs it (``tokenprices demo`` / ``backfill``).

Those commands run every step in one process, one at a time, so the second core idles while the capture days
replay. Once they have warmed the forecast workers (:func:`pipelines.forecast.fit.warm_pool`), they start pure,
deterministic calls there ahead of time: the parse of each capture a replayed day will read, and the reads of
the bundled datasets the importers load. The step that needs a result asks for it by a key naming the call and
its inputs (:func:`take`): a key started ahead gives the worker's result (waiting for it if it is still running);
any other key, or a call that raised in the worker, is computed in the step itself, exactly as without this
module. Keys must therefore name everything the result depends on (content digests, file stamps), so a result
is never used for other inputs. Without a warm pool (``dagster dev``, the nightly runs) nothing is started.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.forecast import fit as forecast

_FUTURES: dict[tuple, object] = {}


def file_stamp(path: Path) -> tuple[str, int, int]:
    """``(absolute path, size in bytes, modification time in ns)`` of ``path``: a key part that changes when the
    file does. Raises FileNotFoundError when it is missing."""
    st = os.stat(path)
    return str(Path(path).resolve()), st.st_size, st.st_mtime_ns


def parse_key(source: str, sha256: str, url: str) -> tuple:
    """The key of a parse by ``source`` of the body with digest ``sha256`` fetched from ``url``."""
    return ("parse", source, sha256, url)


def start(key: tuple, fn, *args) -> bool:
    """Start ``fn(*args)`` (a module-level function, arguments and result picklable) in the warm workers under
    ``key``. Returns False, starting nothing, without a warm pool or when ``key`` was started already."""
    if not forecast.is_warm() or key in _FUTURES:
        return False
    _FUTURES[key] = forecast.ahead_pool().submit(fn, *args)
    return True


def take(key: tuple | None, fn, *args):
    """``fn(*args)``: the result of the call started under ``key`` when there is one, else (and for ``key``
    None) computed here. A call the workers are running, or that the pool has handed to their queue (which holds
    one call more than there are workers), is waited for; one still queued (the workers are starting, or busy)
    is cancelled and computed here, so a step does not wait behind a queue. A call that raised in the worker is
    computed again here, so its error is raised (or not) as without ahead work."""
    future = _FUTURES.pop(key, None) if _FUTURES and key is not None else None
    if future is not None and not future.cancel():  # cancel() succeeds only for a call not begun yet
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - recomputed below, raising here with this process's traceback
            pass
    return fn(*args)
