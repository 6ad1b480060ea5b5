"""Let MXNet 1.9.1 import and run on NumPy 2.

MXNet 1.9.1, its last release (the project is archived), reads NumPy names
that NumPy has since removed, most of them when it is imported: it copies
NumPy's functions into its own `mxnet.numpy` and registers itself for them.
The course's one environment needs NumPy 2 (Python 3.13 has no wheel of
NumPy 1.26, and TensorFlow's ml-dtypes needs NumPy >= 2.1 there), so
`restore_numpy_names()` puts back each name MXNet reads, with exactly what
it meant before its removal. Nothing else is changed, and a name NumPy still
has is left alone (NumPy 2 has its own `np.bool`, for example).

This is the only place the course patches a third-party library.
`d2lgan.mxnet` calls `restore_numpy_names()` before it imports MXNet, which
is why a notebook imports d2lgan before MXNet. The list is what MXNet 1.9.1
asks for on NumPy 2.2: `tests/test_setup.py` imports MXNet in a fresh
process and fails if it restores a name MXNet never reads.
"""
import builtins
import math

import numpy as np


def _expired(name):
    """NumPy 1.20 to 1.26 kept each financial function it had removed as a
    stub that raises when called; MXNet binds the stub without calling it."""
    def stub(*args, **kwargs):
        raise RuntimeError(f'NumPy removed np.{name} in version 1.20; it is in the '
                           f'numpy_financial package now.')
    stub.__name__ = name
    return stub


# name -> (what it was, why MXNet needs it back)
REMOVED = {
    # Aliases of Python's builtins, removed in NumPy 1.24 (apache/mxnet#21165);
    # MXNet uses them as dtypes. NumPy 2 brought back a NumPy type as np.bool.
    **{name: (getattr(builtins, name), 'an alias of the builtin, used as a dtype')
       for name in ('bool', 'int', 'float', 'complex', 'object', 'str')},
    # Constants removed in NumPy 2.0, which mxnet.numpy re-exports.
    'PZERO': (0.0, 'positive zero, re-exported by mxnet.numpy'),
    'NZERO': (-0.0, 'negative zero, re-exported by mxnet.numpy'),
    'PINF': (math.inf, 'positive infinity, re-exported by mxnet.numpy'),
    'NINF': (-math.inf, 'negative infinity, re-exported by mxnet.numpy'),
    'Inf': (math.inf, 'infinity, re-exported by mxnet.numpy'),
    'NAN': (math.nan, 'not a number, re-exported by mxnet.numpy'),
    'NaN': (math.nan, 'not a number, re-exported by mxnet.numpy'),
    # Functions NumPy 2.0 removed in favour of another name: MXNet copies
    # them into mxnet.numpy and registers its own versions for them.
    'alltrue': (np.all, 'the old name of np.all'),
    'sometrue': (np.any, 'the old name of np.any'),
    'product': (np.prod, 'the old name of np.prod'),
    'round_': (np.round, 'the old name of np.round'),
    'msort': (lambda a: np.sort(a, axis=0), 'np.sort(a, axis=0)'),
    # Financial functions, stubs since NumPy 1.20, gone in 2.0.
    **{name: (_expired(name), 'a stub that raises, as in NumPy 1.20 to 1.26')
       for name in ('mirr', 'npv', 'pmt', 'ppmt', 'pv', 'rate')},
}


def restore_numpy_names():
    """Put each name of REMOVED that NumPy lacks back on the numpy module
    (idempotent). Returns the names it restored."""
    restored = [name for name in REMOVED if name not in np.__dict__]
    for name in restored:
        setattr(np, name, REMOVED[name][0])
    return restored
