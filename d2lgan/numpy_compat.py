"""Let MXNet 1.9.1 import on NumPy 1.24 and later.

MXNet 1.9.1, its last release, still uses the aliases ``np.bool``, ``np.int``,
``np.float``, ``np.complex``, ``np.object`` and ``np.str``, which NumPy
deprecated in 1.20 and removed in 1.24 (apache/mxnet#21165, never fixed).
TensorFlow 2.21 needs NumPy >= 1.26, so one environment for all three
frameworks needs the aliases back. Each alias was nothing but the Python
builtin of the same name, so restoring it restores exactly the old behaviour.

This is the only place the course patches a third-party library.
`d2lgan.mxnet` calls `restore_numpy_aliases()` before it imports MXNet, which
is why a notebook imports d2lgan before MXNet.
"""
import builtins

import numpy as np

REMOVED_ALIASES = ('bool', 'int', 'float', 'complex', 'object', 'str')


def restore_numpy_aliases():
    """Put the removed builtin aliases back on the numpy module (idempotent)."""
    for name in REMOVED_ALIASES:
        if name not in np.__dict__:
            setattr(np, name, getattr(builtins, name))
