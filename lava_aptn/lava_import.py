"""Import Lava after other code has already used :mod:`multiprocessing`.

Lava 0.10 calls ``multiprocessing.set_start_method("fork")`` when its message
infrastructure is first imported, and that call raises ``RuntimeError: context has
already been set`` once anything has fixed the default context: a progress bar's lock
(tqdm creates a ``multiprocessing.RLock``), a ``Queue``, a ``Pool``. Training with the
engine and then building Lava processes in the same interpreter (a notebook, a script)
would therefore fail. :func:`import_lava` imports that module with the call allowed to
set ``"fork"`` again. Importing this module calls it; every package of ours that imports
Lava imports this module first.
"""

from __future__ import annotations

import functools
import multiprocessing
import sys

from lava_aptn.errors import ConfigError

#: The Lava module whose import sets the start method.
LAVA_MP_MODULE = "lava.magma.runtime.message_infrastructure.multiprocessing"


def import_lava() -> None:
    """Import Lava's message infrastructure, tolerating an already fixed ``"fork"`` context.

    Raises
    ------
    ConfigError
        If the default start method was set to something other than ``"fork"``
        (``"spawn"``, ``"forkserver"``): Lava 0.10's CPU backend needs ``"fork"``.
    """
    if LAVA_MP_MODULE in sys.modules:
        return
    method = multiprocessing.get_start_method(allow_none=True)
    if method not in (None, "fork"):
        raise ConfigError(
            f"Lava 0.10 needs the 'fork' multiprocessing start method, but this interpreter "
            f"already uses {method!r}; import lava_aptn's Lava modules before calling "
            f"multiprocessing.set_start_method({method!r}), or leave the default"
        )
    original = multiprocessing.set_start_method
    multiprocessing.set_start_method = functools.partial(original, force=True)
    try:
        __import__(LAVA_MP_MODULE)
    finally:
        multiprocessing.set_start_method = original


import_lava()
