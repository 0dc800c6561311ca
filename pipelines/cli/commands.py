"""Further ``tokenprices`` subcommands, each in its own module with ``register(subparsers)``.

A module here adds its parser with ``sub.add_parser(...)`` and ``set_defaults(func=...)``; ``pipelines.cli.main``
calls :func:`register_all`. Keeps the CLI open to new commands without every change touching ``cli.py``.
"""

from __future__ import annotations

import importlib

#: modules that contribute subcommands (each has ``register(sub)``).
COMMAND_MODULES: tuple[str, ...] = ("pipelines.cli.ops", "pipelines.history.lookup", "pipelines.history.changes",
                                    "pipelines.forecast.epoch", "pipelines.cli.workload", "pipelines.cli.bill",
                                    "pipelines.cli.plans")


def register_all(sub) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
