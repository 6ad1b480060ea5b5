"""Argument checks shared by d2lgan's modules, so that every helper words
its errors the same way: what it needs, and what it got."""
import numpy as np


def is_int(value):
    """True for Python and NumPy integers, but not for bools."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_figsize(figsize, who):
    """Raise ValueError unless figsize is (width, height), both positive."""
    try:
        width, height = figsize
        ok = width > 0 and height > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f'{who} needs figsize=(width, height) in inches, both '
                         f'positive; got {figsize!r}.')
