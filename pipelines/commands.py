"""Further ``tokenprices`` subcommands, each in its own module with ``register(subparsers)``.

A module here adds its parser with ``sub.add_parser(...)`` and ``set_defaults(func=...)``; ``pipelines.cli``
calls :func:`register_all`. Keeps the CLI open to new commands without every change touching ``cli.py``.
"""

from __future__ import annotations

import importlib

#: modules that contribute subcommands (each has ``register(sub)``).
COMMAND_MODULES: tuple[str, ...] = ("pipelines.ops", "pipelines.lookup", "pipelines.epoch", "pipelines.workload_cli")


def register_all(sub) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
