"""Framework-neutral helpers: plotting, timing, counting, batching and measuring.

Everything here works on plain Python numbers and NumPy arrays, so the three
framework modules (`d2lgan.mxnet`, `d2lgan.torch`, `d2lgan.tensorflow`) share one
copy of it and re-export it. Names and signatures follow the library of
*Dive into Deep Learning*, so code written against the book reads the same here.
"""
import math
import os
import random
import shutil
import stat
import tarfile
import tempfile
import time
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

__all__ = [
    # plotting
    'Animator', 'image_grid', 'plot', 'plt', 'set_axes', 'set_figsize', 'show_images',
    'use_svg_display',
    # timing, counting, batching, seeding
    'Accumulator', 'ArrayLoader', 'Timer', 'seed_python_numpy',
    # measuring what a generator learned
    'compare_digit_scores', 'compare_gaussians', 'digit_scores', 'frechet_distance',
    'gaussian_stats',
    # data
    'DATA_HUB', 'DATA_URL', 'DownloadError', 'UnsafeArchiveError', 'check_archive',
    'default_data_folder', 'download', 'download_extract', 'load_digits', 'load_image_folder',
]

DEFAULT_FMTS = ('-', 'm--', 'g-.', 'r:')


def _is_int(value):
    """True for Python and NumPy integers, but not for bools."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


# ---------------------------------------------------------------- plotting
def use_svg_display():
    """Show figures as SVG in Jupyter, and make that SVG the same on every run.

    Matplotlib writes the current date and random ids into SVG files; a fixed
    hash salt and an empty date make two runs of a notebook on one machine
    byte-identical, and every point of a line is kept, so that the test
    suite can compare figures (see tools/nbcompare.py).
    """
    plt.rcParams['svg.hashsalt'] = 'd2lgan'
    # Keep every point of long lines: simplification drops points that look
    # collinear, which depends on the last digits of the data, so the same
    # curve could have more points on one machine than on another.
    plt.rcParams['path.simplify'] = False
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # no Jupyter installed: nothing to configure
        return
    backend_inline.set_matplotlib_formats('svg', metadata={'Date': None})


def _check_figsize(figsize, who):
    try:
        width, height = figsize
        ok = width > 0 and height > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f'{who} needs figsize=(width, height) in inches, both '
                         f'positive; got {figsize!r}.')


def set_figsize(figsize=(3.5, 2.5)):
    """Use SVG output and set the default size of new figures (in inches)."""
    _check_figsize(figsize, 'set_figsize')
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
    """Show a grid of images: arrays of shape (h, w), (h, w, 1) or (h, w, 3)
    with values in [0, 1]."""
    imgs = list(imgs)
    for what, n in (('num_rows', num_rows), ('num_cols', num_cols)):
        if not _is_int(n) or n <= 0:
            raise ValueError(f'show_images needs a positive integer {what}; got {n!r}.')
    if len(imgs) > num_rows * num_cols:
        raise ValueError(f'show_images got {len(imgs)} images for a {num_rows}x{num_cols} '
                         f'grid ({num_rows * num_cols} cells); pass fewer images or a '
                         f'larger grid.')
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f'show_images got {len(titles)} titles for {len(imgs)} images; '
                         f'pass one title per image.')
    use_svg_display()
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        img = img.asnumpy() if hasattr(img, 'asnumpy') else np.asarray(img)  # MXNet
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        ax.imshow(img, cmap='gray' if img.ndim == 2 else None, vmin=0, vmax=1)
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
        for what, n in (('nrows', nrows), ('ncols', ncols)):
            if not _is_int(n) or n <= 0:
                raise ValueError(f'Animator needs a positive integer {what}; got {n!r}.')
        _check_figsize(figsize, 'Animator')
        if isinstance(legend, str):
            raise ValueError(f'Animator needs legend as a list with one label per '
                             f'series, e.g. [{legend!r}]; got the string {legend!r}.')
        self.legend = legend
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
        if len(x) != n:
            raise ValueError(f'Animator.add got {len(x)} x values for {n} y values; pass '
                             f'one x for all series or one per series.')
        if self.X is None:
            if self.legend and len(self.legend) != n:
                raise ValueError(f'Animator has {len(self.legend)} legend labels '
                                 f'{list(self.legend)} but add() got {n} series; give '
                                 f'one label per series.')
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        elif n != len(self.Y):
            raise ValueError(f'Animator.add got {n} values, but earlier calls had '
                             f'{len(self.Y)}: keep one value per series.')
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
        point_sets = [np.array(p, dtype=float) for p in point_sets]
        for points in point_sets:
            if points.ndim != 2 or points.shape[1] != 2:
                raise ValueError(f'scatter needs arrays of shape (n, 2); got shape '
                                 f'{points.shape}.')
        if legend is not None and len(legend) != len(point_sets):
            raise ValueError(f'scatter got {len(legend)} legend labels for '
                             f'{len(point_sets)} point sets; give one label per set.')
        self.clouds[i] = (point_sets, legend)

    def _is_last(self, x):
        # The point at the right end of xlim is drawn by the final figure,
        # so the live view need not spend time on it.
        return self.xlim is not None and all(
            a is not None and a >= self.xlim[1] for a in x)

    def draw(self):
        """Redraw the series on the first axes."""
        ax = self.axes[0]
        ax.cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts * len(self.Y or [])):
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
        if _in_kernel():
            from IPython.display import display
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
        if not _is_int(batch_size) or batch_size <= 0:
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


_reported_gpus = set()  # GPU indices try_gpu has already warned about


def device_helpers(cpu, gpu, num_gpus):
    """Build a framework's try_gpu and try_all_gpus from its cpu(), gpu(i)
    and num_gpus(), so that all three frameworks choose devices alike."""

    def try_gpu(i=0):
        """Return gpu(i) if it exists, otherwise cpu().

        Asking for a GPU beyond the first on a machine that lacks it falls
        back to the CPU with a warning, once per GPU index.
        """
        if not _is_int(i) or i < 0:
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
    d = mean1.shape[-1] if mean1.ndim == 1 else -1
    if not (mean1.shape == mean2.shape == (d,) and cov1.shape == cov2.shape == (d, d)):
        raise ValueError(f'frechet_distance needs two means of shape (d,) and two '
                         f'covariances of shape (d, d); got means {mean1.shape}, '
                         f'{mean2.shape} and covariances {cov1.shape}, {cov2.shape}.')
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
    _print_table(('', 'mean', 'covariance', 'distance'), rows)
    return distances


# ------------------------------------------------------------- digit images
def load_digits(size=16):
    """scikit-learn's 1,797 handwritten digits as float32 images of
    size x size pixels with values in [0, 1] (shape (1797, size, size)).

    The originals are 8x8 with 17 gray levels; larger sizes are
    interpolated bilinearly, which adds no detail but gives convolutions
    with stride 2 room to work.
    """
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits as sk_digits
    if not _is_int(size) or size < 8:
        raise ValueError(f'load_digits needs an integer size of at least 8; got {size!r}.')
    images = sk_digits().images.astype(np.float32) / 16
    if size != 8:
        images = zoom(images, (1, size / 8, size / 8), order=1)
    return np.clip(images, 0, 1).astype(np.float32)


def load_image_folder(folder, size, limit=None):
    """Every .png/.jpg image below `folder`, as RGB float32 in [0, 1] of
    shape (n, size, size, 3) (for image data sets fetched with
    download_extract)."""
    from PIL import Image
    paths = sorted(p for p in Path(folder).rglob('*')
                   if p.suffix.lower() in ('.png', '.jpg', '.jpeg'))[:limit]
    if not paths:
        raise ValueError(f'no .png or .jpg images below {folder}.')
    return np.stack([np.asarray(Image.open(p).convert('RGB').resize((size, size)),
                                dtype=np.float32) / 255 for p in paths])


def image_grid(images, num_cols):
    """Tile images of shape (n, h, w, c) into one (rows*h, num_cols*w) image
    (channels kept unless there is one), filling missing cells with 0."""
    images = np.asarray(images)
    n, h, w, c = images.shape
    rows = math.ceil(n / num_cols)
    grid = np.zeros((rows * h, num_cols * w, c), dtype=images.dtype)
    for k, img in enumerate(images):
        r, q = divmod(k, num_cols)
        grid[r * h:(r + 1) * h, q * w:(q + 1) * w] = img
    return grid[..., 0] if c == 1 else grid


def compare_digit_scores(**image_sets):
    """Print digit_scores for each named set of images; return them."""
    scores = {name: digit_scores(images) for name, images in image_sets.items()}
    _print_table(('', 'confidence', 'classes', 'inception score'),
                 [(name, f"{s['confidence']:.3f}", f"{s['classes']}",
                   f"{s['inception score']:.2f}") for name, s in scores.items()])
    return scores


def _print_table(head, rows):
    """Print rows of strings as left-aligned columns under a header."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print('  '.join(x.ljust(w) for x, w in zip(r, widths)).rstrip())


_digit_classifier = None


def digit_scores(images):
    """Rate images of digits with a classifier trained on the real digits.

    `images`: shape (n, h, w) (or (n, 1, h, w), (n, h, w, 1)), values in
    [0, 1], h and w multiples of 8. Returns a dict with the classifier's
    mean confidence, how many of the 10 classes it sees, and the Inception
    score exp(E[KL(p(y|x) || p(y))]): 1 for images that all look alike or
    like no digit, up to 10 for confident predictions spread evenly over
    all classes.
    """
    global _digit_classifier
    from sklearn.datasets import load_digits as sk_digits
    from sklearn.linear_model import LogisticRegression
    x = np.asarray(images, dtype=np.float64)
    x = x.reshape(x.shape[0], *[d for d in x.shape[1:] if d != 1])
    if x.ndim != 3 or x.shape[1] % 8 or x.shape[2] % 8:
        raise ValueError(f'digit_scores needs gray images of shape (n, h, w) with h and w '
                         f'multiples of 8; got shape {np.shape(images)}.')
    n, h, w = x.shape
    x = x.reshape(n, 8, h // 8, 8, w // 8).mean(axis=(2, 4)).reshape(n, 64)
    if _digit_classifier is None:
        digits = sk_digits()
        _digit_classifier = LogisticRegression(max_iter=5000).fit(digits.data / 16,
                                                                  digits.target)
    p = _digit_classifier.predict_proba(np.clip(x, 0, 1))
    marginal = p.mean(axis=0)
    kl = np.sum(p * (np.log(p + 1e-12) - np.log(marginal + 1e-12)), axis=1)
    return {'confidence': float(p.max(axis=1).mean()),
            'classes': int(len(set(p.argmax(axis=1)))),
            'inception score': float(np.exp(kl.mean()))}


# ----------------------------------------------------------------- downloads
DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'
# name -> (url, SHA-1 of the file): data that readers with a network fetch.
DATA_HUB = {
    'pokemon': (DATA_URL + 'pokemon.zip', 'c065c0e2593b8b161a2d7873e42418bf6a21106c'),
}


def default_data_folder():
    """Where downloads go: $D2LGAN_DATA if set, else data/ at the top of the
    course's checkout (when d2lgan is installed from one), else ./data."""
    if os.environ.get('D2LGAN_DATA'):
        return Path(os.environ['D2LGAN_DATA'])
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / 'notebooks').is_dir():
        return checkout / 'data'
    return Path('data')


class DownloadError(RuntimeError):
    """A file could not be downloaded, or was not the file expected."""


class UnsafeArchiveError(ValueError):
    """An archive holds a member that would land outside its target folder."""


def _hub_entry(name):
    if name in DATA_HUB:
        return DATA_HUB[name]
    if '://' in str(name):
        return name, None
    raise KeyError(f'{name!r} is neither a URL nor a data set in DATA_HUB '
                   f'(which has: {", ".join(sorted(DATA_HUB))}).')


def download(name, folder=None, sha1_hash=None):
    """Download a file into `folder` (default: `default_data_folder()`) and
    return its local path.

    `name` is a key of DATA_HUB (whose SHA-1 is then known) or a URL. A file
    already in the folder with the right SHA-1 is used as it is, so a file
    placed there by hand works offline. A fresh download goes to a temporary
    file first and is renamed only once its SHA-1 matches: an interrupted or
    corrupted download never takes the file's place.
    """
    import pooch
    import requests
    url, known = _hub_entry(name)
    sha1_hash = sha1_hash or known
    folder = Path(folder) if folder is not None else default_data_folder()
    fname = url.rstrip('/').split('/')[-1]
    target = folder / fname
    try:
        return pooch.retrieve(url, known_hash=f'sha1:{sha1_hash}' if sha1_hash else None,
                              fname=fname, path=folder, progressbar=_has_tqdm())
    except ValueError as e:  # pooch: the downloaded file's hash does not match
        raise DownloadError(
            f'{url} did not give the expected file: {e} Nothing was saved to '
            f'{target}. If the data set changed, pass its new sha1_hash.') from None
    except (requests.exceptions.RequestException, OSError) as e:
        raise DownloadError(
            f'Could not download {url} ({type(e).__name__}: {e}). Without a '
            f'network, fetch the file elsewhere and put it at {target.resolve()}'
            + (f'; it is used if its SHA-1 is {sha1_hash}.' if sha1_hash else '.')) from None


def _has_tqdm():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


def _unsafe_member(name, link_target, is_link, root):
    """Why a member named `name` may not be extracted into `root`, or None."""
    path = PurePosixPath(name.replace('\\', '/'))
    if path.is_absolute() or (path.parts and ':' in path.parts[0]):
        return 'has an absolute path'
    if '..' in path.parts:
        return "has a '..' component"
    if is_link:
        target = PurePosixPath(link_target.replace('\\', '/'))
        if target.is_absolute():
            return f'is a link to the absolute path {link_target}'
        resolved = os.path.normpath(os.path.join(root, str(path.parent), str(target)))
        if os.path.commonpath([root, resolved]) != root:
            return f'is a link to {link_target}, outside the target folder'
    return None


def check_archive(path):
    """Raise UnsafeArchiveError if any member of a .zip or .tar(.gz) archive
    could land outside the folder it is extracted into; return the names."""
    root = os.path.abspath('archive-root')
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [(m.filename, stat.S_ISLNK(m.external_attr >> 16),
                        archive.read(m).decode() if stat.S_ISLNK(m.external_attr >> 16)
                        else '') for m in archive.infolist()]
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            members = []
            for m in archive.getmembers():
                if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
                    raise UnsafeArchiveError(f'{path}: member {m.name!r} is a device or '
                                             f'pipe; refusing to extract anything.')
                members.append((m.name, m.issym() or m.islnk(), m.linkname))
    else:
        raise ValueError(f'{path} is neither a zip nor a tar archive.')
    for name, is_link, link_target in members:
        why = _unsafe_member(name, link_target, is_link, root)
        if why:
            raise UnsafeArchiveError(f'{path}: member {name!r} {why}; refusing to '
                                     f'extract anything.')
    return [name for name, _, _ in members]


def download_extract(name, folder=None):
    """Download a zip or tar archive (see `download`), extract it next to
    itself and return the folder it was extracted into.

    Every member is checked before anything is extracted, and extraction
    goes to a temporary folder that is renamed into place at the end, so a
    failure leaves nothing half-written behind.
    """
    archive = Path(download(name, folder))
    base = archive.name
    for suffix in ('.tar.gz', '.tgz', '.tar', '.zip'):
        if base.endswith(suffix):
            base = base[:-len(suffix)]
            break
    else:
        raise ValueError(f'{archive} is not a .zip, .tar or .tar.gz archive.')
    target = archive.parent / base
    if target.is_dir():
        return str(target)
    check_archive(archive)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{base}-', dir=archive.parent))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                z.extractall(tmp)
        else:
            with tarfile.open(archive) as t:
                t.extractall(tmp, filter='data')
        # An archive holding one folder named like itself: use that folder.
        inner = tmp / base
        source = inner if inner.is_dir() and len(list(tmp.iterdir())) == 1 else tmp
        os.replace(source, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)
