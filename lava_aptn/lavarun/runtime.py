"""Starting and, whatever happens, stopping a Lava runtime.

Without ``stop()`` the interpreter never exits (Lava's child processes stay alive).
:func:`lava_session` creates the runtime with SIGINT blocked in the forked children
(so Ctrl-C reaches only this process, which then stops them in order) and always
stops it; if a normal stop does not finish in time (a child died, e.g. after an
exception in a model), the remaining children are terminated.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import warnings
from collections.abc import Iterator

from lava.magma.compiler.compiler_graphs import find_processes
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.run_configs import RunConfig

#: Seconds to wait for an orderly ``stop()`` before terminating the children.
STOP_TIMEOUT_S = 20.0


@contextlib.contextmanager
def _sigint_blocked_for_children() -> Iterator[None]:
    """Block SIGINT while Lava forks its processes, which inherit the blocked mask.

    A Ctrl-C that arrives meanwhile stays pending and is delivered to this process when
    the block ends; the children never see it, so they stay alive to be stopped.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _actors(runtime) -> list:
    infra = getattr(runtime, "_messaging_infrastructure", None)
    return list(getattr(infra, "actors", None) or [])


def _alive(actor) -> bool:
    """Whether a Lava child process still runs (joined ones are closed: not alive)."""
    if getattr(actor, "_is_done", False):
        return False
    try:
        return actor.is_alive()
    except ValueError:  # closed
        return False


def _force_cleanup(runtime) -> None:
    """Terminate the children that still run and release the shared memory."""
    for actor in _actors(runtime):
        if _alive(actor):
            actor.terminate()
    infra = getattr(runtime, "_messaging_infrastructure", None)
    if infra is not None:
        infra.stop()  # joins the (now dead) children, shuts down shared memory
    watchdog = getattr(runtime, "_watchdog_manager", None)
    if watchdog is not None:
        watchdog.stop()
    runtime._is_started = False  # so that Runtime.__del__ does not try to stop it again
    runtime._is_running = False


def stop_runtime(
    proc: AbstractProcess, *, timeout_s: float = STOP_TIMEOUT_S, quiet: bool = False
) -> None:
    """Stop ``proc``'s runtime; terminate its child processes if that cannot finish.

    An orderly ``stop()`` needs every child to answer; when one has died (an
    exception in a model makes Lava stop the others) or the answer takes longer than
    ``timeout_s``, the children left are terminated instead. Safe to call when no
    runtime was created, and more than once. Uses Lava internals only on that
    fallback path (``Runtime._messaging_infrastructure``); warns when it was taken,
    unless ``quiet``.
    """
    runtime = proc.runtime
    if runtime is None:
        return
    procs = find_processes(proc)
    problem = None
    if any(not _alive(a) for a in _actors(runtime)):
        problem = "a Lava process had ended"
    else:
        errors: list[BaseException] = []

        def orderly() -> None:
            try:
                proc.stop()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        worker = threading.Thread(target=orderly, name="lava-stop", daemon=True)
        worker.start()
        try:
            worker.join(timeout_s)
        except KeyboardInterrupt:  # a second Ctrl-C: do not wait, but clean up
            _force_cleanup(runtime)
            for p in procs:
                p.runtime = None
            raise
        if worker.is_alive():
            problem = f"no answer within {timeout_s} s"
        elif errors:
            problem = repr(errors[0])
    if problem is not None:
        _force_cleanup(runtime)
    if problem is not None and not quiet:
        warnings.warn(
            f"the Lava runtime did not stop in order ({problem}); its processes were terminated",
            RuntimeWarning,
            stacklevel=2,
        )
    for p in procs:  # so that no Process's __del__ tries to stop it again
        p.runtime = None


def _model_errors(proc: AbstractProcess) -> str:
    """Return the exceptions Lava's child processes reported, as text (empty if none)."""
    lines = []
    for actor in _actors(proc.runtime) if proc.runtime is not None else []:
        try:
            found = actor.exception
        except (OSError, ValueError):  # pipe already closed
            found = getattr(actor, "_exception", None)
        if found:
            exc, trace = found
            lines.append(f"{exc!r}\n{trace}")
    return "\n".join(lines)


@contextlib.contextmanager
def lava_session(proc: AbstractProcess, run_cfg: RunConfig) -> Iterator[AbstractProcess]:
    """Compile and start the network of ``proc``; stop it on exit, also on errors and Ctrl-C.

    When a ProcessModel raises, Lava reports only "1 Exception(s) occurred"; the
    ``RuntimeError`` raised here carries the models' exceptions and tracebacks.

    Examples
    --------
    >>> with lava_session(net.input, net.sim_config()) as root:  # doctest: +SKIP
    ...     root.run(condition=RunSteps(num_steps=100))
    """
    try:
        with _sigint_blocked_for_children():
            proc.create_runtime(run_cfg=run_cfg)
        yield proc
    except RuntimeError as exc:
        details = _model_errors(proc)
        stop_runtime(proc, quiet=True)
        if details:
            raise RuntimeError(f"a Lava ProcessModel failed: {details}") from exc
        raise
    except BaseException:
        stop_runtime(proc, quiet=True)
        raise
    finally:
        stop_runtime(proc)
