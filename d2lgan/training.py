"""The parts of a training loop that no framework needs to do: timing,
running sums, minibatches of in-memory arrays, seeding, choosing devices."""
import math
import os
import random
import time
import warnings

import numpy as np

from d2lgan.checks import is_int

__all__ = ['Accumulator', 'ArrayLoader', 'Timer', 'seed_python_numpy']

# Caps the CPU threads of every notebook on a machine that runs several at once.
THREADS_VARIABLE = 'D2LGAN_THREADS'


class Timer:
    """Record running times."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start the timer."""
        self.tik = time.perf_counter()

    def stop(self):
        """Stop the timer, record the time since start() and return it."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        """Return the average of the recorded times."""
        return sum(self.times) / len(self.times)

    def sum(self):
        """Return the sum of the recorded times."""
        return sum(self.times)

    def cumsum(self):
        """Return the running totals of the recorded times."""
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Keep running sums of `n` quantities (e.g. loss, correct, examples)."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        if len(args) != len(self.data):
            raise ValueError(
                f'Accumulator.add got {len(args)} values but this Accumulator '
                f'sums {len(self.data)}; pass exactly {len(self.data)}.')
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


# ------------------------------------------------------------------ batching
class ArrayLoader:
    """Iterate over minibatches of equally long arrays, reshuffled each epoch.

    Shuffling gathers each array once per epoch into a new order; the batches
    are then cheap slices of it. This does what a framework's data loader does
    for in-memory arrays, with far less work per batch. `take(array, indices)`
    is the framework's way of gathering rows; the order comes from NumPy's
    global random generator, so `reproducible()` fixes it.

    `collate(slices)` turns the list of one slice per array into the batch a
    loop receives, in the form of the framework's own loader: a tuple by
    default, as TensorFlow's `Dataset.from_tensor_slices` gives it; a list for
    PyTorch's `DataLoader`; for Gluon's `DataLoader` the array itself when
    there is one array (see `unwrap_single`), so that the book's
    `for X in data_iter` works there and `for (X,) in data_iter` elsewhere.
    """

    def __init__(self, arrays, batch_size, shuffle=True, take=None, collate=tuple):
        arrays = tuple(arrays)
        if not arrays:
            raise ValueError('load_array needs at least one array; got none.')
        lengths = [len(a) for a in arrays]
        if len(set(lengths)) > 1:
            raise ValueError(
                f'load_array needs arrays of one length (one row per example); '
                f'got lengths {lengths}.')
        if lengths[0] == 0:
            raise ValueError('load_array got empty arrays: there is nothing '
                             'to iterate over.')
        if not is_int(batch_size) or batch_size <= 0:
            raise ValueError(f'batch_size must be a positive integer; got '
                             f'{batch_size!r}.')
        self.arrays, self.batch_size = arrays, int(batch_size)
        self.shuffle, self.take, self.collate = shuffle, take, collate
        self.num_examples = lengths[0]

    def __len__(self):
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self):
        arrays = self.arrays
        if self.shuffle:
            order = np.random.permutation(self.num_examples)
            arrays = [self.take(a, order) for a in arrays]
        for i in range(0, self.num_examples, self.batch_size):
            yield self.collate([a[i:i + self.batch_size] for a in arrays])


def unwrap_single(slices):
    """A batch as Gluon's DataLoader yields it: the array itself if there is
    one array, else a list of them."""
    return slices[0] if len(slices) == 1 else slices


_reported_gpus = set()  # GPU indices try_gpu has already warned about


def device_helpers(cpu, gpu, num_gpus):
    """Build a framework's try_gpu and try_all_gpus from its cpu(), gpu(i)
    and num_gpus(), so that all three frameworks choose devices alike."""

    def try_gpu(i=0):
        """Return gpu(i) if it exists, otherwise cpu().

        Asking for a GPU beyond the first on a machine that lacks it falls
        back to the CPU with a warning, once per GPU index.
        """
        if not is_int(i) or i < 0:
            raise ValueError(f'try_gpu needs a GPU index 0, 1, 2, ...; got {i!r}.')
        n = num_gpus()
        if n >= i + 1:
            return gpu(i)
        if (n > 0 or i > 0) and i not in _reported_gpus:
            _reported_gpus.add(i)
            warnings.warn(f'try_gpu({i}): this machine has {n} GPU(s), so gpu({i}) does '
                          f'not exist; using the CPU instead.', stacklevel=2)
        return cpu()

    def try_all_gpus():
        """Return all available GPUs, or [cpu()] if there is none."""
        return [gpu(i) for i in range(num_gpus())] or [cpu()]

    return try_gpu, try_all_gpus


def capped_threads(threads):
    """The number of CPU threads to use when a notebook asks for `threads`:
    `threads`, or fewer if the environment variable D2LGAN_THREADS caps it.

    Set the cap where several notebooks run at once on few cores (a class's
    shared server, the test suite): two notebooks with two threads each on
    two cores take turns and wait on each other. Under a cap the numbers a
    notebook prints differ in their last digits from those without it, as
    they would on another CPU.
    """
    cap = os.environ.get(THREADS_VARIABLE)
    if cap is None:
        return threads
    if not cap.strip().isdigit() or int(cap) < 1:
        raise ValueError(f'{THREADS_VARIABLE}={cap!r} is not a number of threads: set it '
                         f'to a whole number such as 1 or 2, or unset it for no cap.')
    return min(threads, int(cap))


def seed_python_numpy(seed):
    """Seed Python's and NumPy's global random generators."""
    random.seed(seed)
    np.random.seed(seed)
