"""Framework-neutral helpers: plotting, timing, counting, batching and measuring.

Everything here works on plain Python numbers and NumPy arrays, so the three
framework modules (`d2lgan.mxnet`, `d2lgan.torch`, `d2lgan.tensorflow`) share one
copy of it and re-export it. Names and signatures follow the library of
*Dive into Deep Learning*, so code written against the book reads the same here.
"""
import math
import random
import time

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

__all__ = [
    'Accumulator', 'Animator', 'ArrayLoader', 'Timer', 'compare_gaussians',
    'frechet_distance', 'gaussian_stats', 'plot', 'plt', 'seed_python_numpy',
    'set_axes', 'set_figsize', 'show_images', 'use_svg_display',
]

DEFAULT_FMTS = ('-', 'm--', 'g-.', 'r:')


# ---------------------------------------------------------------- plotting
def use_svg_display():
    """Show figures as SVG in Jupyter, and make that SVG the same on every run.

    Matplotlib writes the current date and random ids into SVG files; a fixed
    hash salt and an empty date make two runs of a notebook byte-identical,
    which lets the test suite compare committed figures with fresh ones.
    """
    plt.rcParams['svg.hashsalt'] = 'd2lgan'
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # no Jupyter installed: nothing to configure
        return
    backend_inline.set_matplotlib_formats('svg', metadata={'Date': None})


def set_figsize(figsize=(3.5, 2.5)):
    """Use SVG output and set the default size of new figures (in inches)."""
    use_svg_display()
    plt.rcParams['figure.figsize'] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label, limit and scale one matplotlib Axes, and add a legend if given."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _as_series(X):
    """Turn one sequence, or a list of sequences, into a list of lists."""
    if hasattr(X, 'ndim'):
        return [list(X)] if X.ndim == 1 else [list(row) for row in X]
    if isinstance(X, (list, tuple)) and X and not hasattr(X[0], '__len__'):
        return [list(X)]
    return [list(x) for x in X]


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None,
         ylim=None, xscale='linear', yscale='linear', fmts=DEFAULT_FMTS,
         figsize=(3.5, 2.5), axes=None):
    """Plot one or more series. With only `X`, its values are plotted
    against their positions 0, 1, 2, ..."""
    if Y is None:
        Y = _as_series(X)
        X = [list(range(len(y))) for y in Y]
    else:
        X, Y = _as_series(X), _as_series(Y)
        if len(X) == 1:
            X = X * len(Y)
    set_figsize(figsize)
    if axes is None:
        axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts * len(Y)):
        axes.plot(x, y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Show a grid of images (anything NumPy can read as 2-D or HWC arrays)."""
    use_svg_display()
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(np.asarray(img), cmap='gray' if np.ndim(img) == 2 else None)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    return axes


class Animator:
    """Draw data points as they arrive, for example one loss value per epoch.

    The signature is the book's. What differs is how the figure reaches the
    screen. In Jupyter the figure is redrawn in place, at most once every
    `min_interval` seconds, so drawing never slows training down much. When
    the cell finishes, the live view is emptied and the final figure is shown
    once as an ordinary output. A saved notebook therefore holds exactly one
    figure per Animator, and so does a test run with nbval (which ignores
    in-place updates). Outside Jupyter nothing is shown; `fig` is there to
    save or inspect.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear', fmts=DEFAULT_FMTS,
                 nrows=1, ncols=1, figsize=(3.5, 2.5), min_interval=0.5):
        use_svg_display()
        self.fig = Figure(figsize=figsize)
        axes = self.fig.subplots(nrows, ncols, squeeze=False)
        self.axes = list(axes.flatten())
        self.config_axes = lambda: set_axes(
            self.axes[0], xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
        self.fmts, self.xlim = fmts, xlim
        self.X, self.Y = None, None
        self.clouds = {}      # axes index -> (point sets, legend)
        self.min_interval = min_interval
        self._last_draw = -math.inf
        self._live = None     # display handle while a Jupyter cell runs
        self._shell = None

    def add(self, x, y):
        """Add one point to each series: `y` holds one value per series and
        `x` either one value for all of them or one per series."""
        if not hasattr(y, '__len__'):
            y = [y]
        n = len(y)
        if not hasattr(x, '__len__'):
            x = [x] * n
        if self.X is None:
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        self._start_live_view()
        if self._live is not None and not self._is_last(x) and (
                time.perf_counter() - self._last_draw >= self.min_interval):
            self.draw()
            self._live.update(self.fig)
            self._last_draw = time.perf_counter()

    def scatter(self, i, point_sets, legend=None):
        """Show point clouds in the i-th axes, replacing the previous ones.

        `point_sets` holds arrays of shape (n, 2), one color each. The points
        are drawn only when the figure is, which costs nothing in epochs the
        live view skips.
        """
        if not 0 < i < len(self.axes):
            raise ValueError(f'scatter needs the index of one of axes 1..'
                             f'{len(self.axes) - 1} (axes 0 shows the series); got {i}.')
        self.clouds[i] = ([np.array(p, dtype=float) for p in point_sets], legend)

    def _is_last(self, x):
        # The point at the right end of xlim is drawn by the final figure,
        # so the live view need not spend time on it.
        return self.xlim is not None and all(
            a is not None and a >= self.xlim[1] for a in x)

    def draw(self):
        """Redraw the series on the first axes."""
        ax = self.axes[0]
        ax.cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts * 8):
            ax.plot(x, y, fmt)
        self.config_axes()
        for i, (point_sets, legend) in self.clouds.items():
            self.axes[i].cla()
            for points in point_sets:
                self.axes[i].scatter(points[:, 0], points[:, 1])
            if legend:
                self.axes[i].legend(legend)

    def show(self):
        """Draw the final figure and display it once (in Jupyter)."""
        self.draw()
        if self._live is not None:
            self._live.update(_EMPTY, raw=True)
            self._shell.events.unregister('post_run_cell', self._on_cell_end)
            self._live = None
        try:
            from IPython.display import display
        except ImportError:
            return
        if _in_kernel():
            display(self.fig)

    def _start_live_view(self):
        if self._live is not None or not _in_kernel():
            return
        from IPython import get_ipython
        from IPython.display import display
        self._shell = get_ipython()
        self._live = display(_EMPTY, raw=True, display_id=True)
        self._shell.events.register('post_run_cell', self._on_cell_end)

    def _on_cell_end(self, result=None):
        self.show()


_EMPTY = {'text/plain': ''}


def _in_kernel():
    """True inside a Jupyter kernel (where display() reaches a notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, 'kernel')


# ---------------------------------------------------------- timing, counting
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
    """

    def __init__(self, arrays, batch_size, shuffle=True, take=None):
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
        if isinstance(batch_size, bool) or not isinstance(
                batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f'batch_size must be a positive integer; got '
                             f'{batch_size!r}.')
        self.arrays, self.batch_size = arrays, int(batch_size)
        self.shuffle, self.take = shuffle, take
        self.num_examples = lengths[0]

    def __len__(self):
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self):
        arrays = self.arrays
        if self.shuffle:
            order = np.random.permutation(self.num_examples)
            arrays = [self.take(a, order) for a in arrays]
        for i in range(0, self.num_examples, self.batch_size):
            yield tuple(a[i:i + self.batch_size] for a in arrays)


def device_helpers(cpu, gpu, num_gpus):
    """Build a framework's try_gpu and try_all_gpus from its cpu(), gpu(i)
    and num_gpus(), so that all three frameworks choose devices alike."""

    def try_gpu(i=0):
        """Return gpu(i) if it exists, otherwise cpu()."""
        return gpu(i) if num_gpus() >= i + 1 else cpu()

    def try_all_gpus():
        """Return all available GPUs, or [cpu()] if there is none."""
        return [gpu(i) for i in range(num_gpus())] or [cpu()]

    return try_gpu, try_all_gpus


def seed_python_numpy(seed):
    """Seed Python's and NumPy's global random generators."""
    random.seed(seed)
    np.random.seed(seed)


# ------------------------------------------------- measuring a learned Gaussian
def gaussian_stats(samples):
    """Return the sample mean and covariance of `samples` (one row each)."""
    samples = np.asarray(samples, dtype=np.float64)
    return samples.mean(axis=0), np.cov(samples, rowvar=False)


def _sqrtm_psd(S):
    """Square root of a symmetric positive semi-definite matrix."""
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T


def frechet_distance(mean1, cov1, mean2, cov2):
    """The 2-Wasserstein (Frechet) distance between two Gaussians.

    d^2 = |m1 - m2|^2 + tr(C1 + C2 - 2 (C2^1/2 C1 C2^1/2)^1/2). It is zero only
    for equal Gaussians and is measured in the units of the data. (The FID
    score of image GANs is the square of this distance in a feature space.)
    """
    mean1, mean2 = np.asarray(mean1, float), np.asarray(mean2, float)
    cov1, cov2 = np.asarray(cov1, float), np.asarray(cov2, float)
    root2 = _sqrtm_psd(cov2)
    cross = _sqrtm_psd(root2 @ cov1 @ root2)
    d2 = np.sum((mean1 - mean2) ** 2) + np.trace(cov1 + cov2 - 2 * cross)
    return float(np.sqrt(max(d2, 0.0)))


def compare_gaussians(mean, cov, **samples):
    """Print, for each named sample set, its mean, its covariance and its
    Frechet distance to the Gaussian N(mean, cov); return the distances."""
    mean, cov = np.asarray(mean, float), np.asarray(cov, float)

    def fmt(a):
        return np.array2string(np.asarray(a), precision=2, floatmode='fixed',
                               suppress_small=True, separator=' ')

    rows = [('target', fmt(mean), fmt(cov).replace('\n', ''), '')]
    distances = {}
    for name, x in samples.items():
        m, c = gaussian_stats(x)
        distances[name] = frechet_distance(m, c, mean, cov)
        rows.append((name, fmt(m), fmt(c).replace('\n', ''),
                     f'{distances[name]:.3f}'))
    head = ('', 'mean', 'covariance', 'distance')
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    for r in [head] + rows:
        print('  '.join(s.ljust(w) for s, w in zip(r, widths)).rstrip())
    return distances
