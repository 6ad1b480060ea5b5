"""Figures: the book's plotting helpers, image grids, and the Animator that
draws training curves live in Jupyter."""
import math
import time

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from d2lgan.checks import check_figsize, is_int

__all__ = ['Animator', 'image_grid', 'plot', 'plt', 'set_axes', 'set_figsize',
           'show_images', 'use_svg_display']

DEFAULT_FMTS = ('-', 'm--', 'g-.', 'r:')


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


def set_figsize(figsize=(3.5, 2.5)):
    """Use SVG output and set the default size of new figures (in inches)."""
    check_figsize(figsize, 'set_figsize')
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
        if not is_int(n) or n <= 0:
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
    screen. In Jupyter the figure appears at the first `add` and is redrawn
    in place, at most once every `min_interval` seconds, so drawing never
    slows training down much. When the cell finishes, the same output is
    redrawn a last time with the final figure. A saved notebook therefore
    holds exactly one figure per Animator, above whatever the cell printed,
    and no empty output. Outside Jupyter nothing is shown; `fig` is there to
    save or inspect.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear', fmts=DEFAULT_FMTS,
                 nrows=1, ncols=1, figsize=(3.5, 2.5), min_interval=0.5):
        for what, n in (('nrows', nrows), ('ncols', ncols)):
            if not is_int(n) or n <= 0:
                raise ValueError(f'Animator needs a positive integer {what}; got {n!r}.')
        check_figsize(figsize, 'Animator')
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
        if self._live is None:
            self._start_live_view()
        elif not self._is_last(x) and (
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
        """Draw the final figure and display it once (in Jupyter): in place of
        the live view if there is one, else as a new output."""
        self.draw()
        if self._live is not None:
            self._live.update(self.fig)
            self._shell.events.unregister('post_run_cell', self._on_cell_end)
            self._live = None
        elif _in_kernel():
            from IPython.display import display
            display(self.fig)

    def _start_live_view(self):
        """In Jupyter, show the figure as it is now, in an output that later
        draws update in place."""
        if not _in_kernel():
            return
        from IPython import get_ipython
        from IPython.display import display
        self.draw()
        self._shell = get_ipython()
        self._live = display(self.fig, display_id=True)
        self._last_draw = time.perf_counter()
        self._shell.events.register('post_run_cell', self._on_cell_end)

    def _on_cell_end(self, result=None):
        self.show()



def _in_kernel():
    """True inside a Jupyter kernel (where display() reaches a notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, 'kernel')


def image_grid(images, num_cols, gap=0, fill=0.5):
    """Tile images of shape (n, h, w, c) into one image of `num_cols` columns
    (channels kept unless there is one), with `gap` pixels of the value
    `fill` between tiles, so that neighbours do not run together. Missing
    cells stay 0."""
    images = np.asarray(images)
    n, h, w, c = images.shape
    rows = math.ceil(n / num_cols)
    grid = np.full((rows * (h + gap) - gap, num_cols * (w + gap) - gap, c), fill,
                   dtype=images.dtype)
    for k in range(rows * num_cols):
        r, q = divmod(k, num_cols)
        top, left = r * (h + gap), q * (w + gap)
        grid[top:top + h, left:left + w] = images[k] if k < n else 0
    return grid[..., 0] if c == 1 else grid
