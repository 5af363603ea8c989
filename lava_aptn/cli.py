"""The ``lava-aptn`` command line: parses arguments and calls the library.

Each subsystem keeps its subcommands in a ``commands`` module exposing
``register(subparsers)``; those modules import heavy dependencies (numba, Lava,
matplotlib) only inside the functions that run a command, so ``lava-aptn --help``
stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from lava_aptn.errors import LavaAptnError

#: Modules that contribute subcommands, in the order they appear in ``--help``.
COMMAND_MODULES = (
    "lava_aptn.data.commands",
    "lava_aptn.engine.commands",
    "lava_aptn.energy.commands",
    "lava_aptn.experiments.commands",
    "lava_aptn.experiments.sweep_commands",
    "lava_aptn.experiments.tune_commands",
    "lava_aptn.lava_commands",
    "lava_aptn.bench_commands",
)


class CommandError(LavaAptnError):
    """A user-facing error: printed without a traceback, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """Return the ``lava-aptn`` argument parser with every subcommand registered."""
    from lava_aptn import __version__

    parser = argparse.ArgumentParser(
        prog="lava-aptn",
        description="Adaptive weight pruning for spiking winner-take-all networks on Lava.",
    )
    parser.add_argument("--version", action="version", version=f"lava-aptn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a subsystem not installed in this build
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def _stdout_reader_gone() -> bool:
    """Return True when standard output is a pipe whose reading end is closed."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no real stdout
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        if not _stdout_reader_gone():  # another pipe broke (a worker, a socket): an error
            raise
        # The reader of our output went away (`lava-aptn ... | head`): not an error. Point
        # stdout at /dev/null so that the interpreter's flush at exit cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command killed by it
    except (LavaAptnError, ValueError, FileNotFoundError) as exc:
        print(f"lava-aptn {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
