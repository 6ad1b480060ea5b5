"""Measuring what a generator learned: distances between Gaussians, and
scores of generated digits by a classifier of real ones; and `report`,
which shows measures to the reader and hands them to the course's checks."""
import numpy as np

__all__ = ['MEASURES_MIME', 'compare_digit_scores', 'compare_gaussians', 'digit_scores',
           'frechet_distance', 'gaussian_stats', 'held_out_digits', 'report']


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


# Shown to the reader, handed to the checks: a notebook's measures as data.
MEASURES_MIME = 'application/vnd.d2lgan.measures+json'


def report(name, rows, formats=None, text=None):
    """Show a table of measures, and hand the same numbers to the course's
    checks as data.

    `rows` is {row: {column: value}}, e.g. {'trained_G': {'inception score':
    6.9, 'digits found': 10}}. The reader sees `text` if given, else the rows
    as a table under the heading `name`: whole numbers as they are, other
    numbers with two decimals unless `formats` gives a format for their
    column ({'high quality': '.1%'}) or for all (a single format, '.1f'),
    strings as they are. In a notebook the values also travel with the
    output as data under `name` (MIME type MEASURES_MIME), where the test
    suite reads them (tools/contract.py). Returns nothing, so a cell that
    ends with a report shows the table once, not also the rows' repr."""
    if not isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows.values()):
        raise TypeError(f'report({name!r}, rows): rows must be {{row: {{column: value}}}}, '
                        f'got {type(rows).__name__}')
    data = {str(row): {str(col): _plain(value) for col, value in columns.items()}
            for row, columns in rows.items()}
    if text is None:
        text = _table_text(name, data, formats or {})
    _show(text, {name: data})


def _plain(value):
    """A value as JSON holds it: NumPy and framework scalars become Python numbers."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, 'tolist'):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return float(value)


def _table_text(name, data, formats):
    columns = list(dict.fromkeys(col for row in data.values() for col in row))

    def cell(col, value):
        if isinstance(value, str) or value is None:
            return value or ''
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list):
            return '[' + ', '.join(cell(col, v) for v in value) + ']'
        spec = formats if isinstance(formats, str) else formats.get(col, '.2f')
        return format(value, spec)
    rows = [(row, *(cell(col, values.get(col)) for col in columns))
            for row, values in data.items()]
    return _table((name, *columns), rows)


def _table(head, rows):
    """Rows of strings as left-aligned columns under a header."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return '\n'.join('  '.join(x.ljust(w) for x, w in zip(r, widths)).rstrip()
                     for r in [head, *rows])


def _show(text, data):
    """Display text with the measures attached in IPython; print it elsewhere."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        print(text)
        return
    from IPython.display import display
    display({'text/plain': text, MEASURES_MIME: data}, raw=True)


def compare_gaussians(mean, cov, **samples):
    """Show, for each named sample set, its mean, its covariance and its
    Frechet distance to the Gaussian N(mean, cov), reported as `gaussians`
    (see `report`); return the distances."""
    mean, cov = np.asarray(mean, float), np.asarray(cov, float)

    def fmt(a):
        return np.array2string(np.asarray(a), precision=2, floatmode='fixed',
                               suppress_small=True, separator=' ')

    rows = [('target', fmt(mean), fmt(cov).replace('\n', ''), '')]
    measured = {}
    for name, x in samples.items():
        m, c = gaussian_stats(x)
        measured[name] = {'mean': m, 'covariance': c, 'distance': frechet_distance(m, c, mean, cov)}
        rows.append((name, fmt(m), fmt(c).replace('\n', ''),
                     f"{measured[name]['distance']:.3f}"))
    report('gaussians', measured, text=_table(('', 'mean', 'covariance', 'distance'), rows))
    return {name: values['distance'] for name, values in measured.items()}


def held_out_digits():
    """500 real MNIST digits (50 of each) that neither the rater of
    `digit_scores` nor its reference statistics have seen: the yardstick
    for generated digits. Shape (500, 28, 28), values in [0, 1]."""
    from d2lgan.data import load_mnist
    return load_mnist(train=False)[0][1::2]


def compare_digit_scores(**image_sets):
    """Show digit_scores for each named set of images, reported as `digits`
    (see `report`); return them."""
    scores = {name: digit_scores(images) for name, images in image_sets.items()}
    report('digits', {name: {k: s[k] for k in ('inception score', 'digits found',
                                                'frechet distance')}
                      for name, s in scores.items()})
    return scores


_rater = None  # the classifier and the held-out digits' features, once trained


def _digit_rater():
    """A classifier of MNIST digits with one hidden layer of 128 units
    (scikit-learn), trained on load_mnist(train=True) for 50 epochs, and the
    mean and covariance of its features on half the held-out digits (every
    other one: 50 of each digit). The other half, `held_out_digits()`, is left to rate
    as real digits."""
    global _rater
    if _rater is None:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        from d2lgan.data import load_mnist
        images, labels = load_mnist(train=True)
        with warnings.catch_warnings():  # 50 epochs on purpose: fast and good enough
            warnings.simplefilter('ignore', ConvergenceWarning)
            clf = MLPClassifier(hidden_layer_sizes=(128,), max_iter=50, random_state=0)
            clf.fit(images.reshape(len(images), -1), labels)
        reference = load_mnist(train=False)[0][::2].reshape(-1, 28 * 28)
        _rater = clf, gaussian_stats(_digit_features(clf, reference))
    return _rater


def _digit_features(clf, x):
    """The classifier's hidden layer (ReLU units) for flattened images x."""
    return np.maximum(x @ clf.coefs_[0] + clf.intercepts_[0], 0)


def digit_scores(images):
    """Rate images of handwritten digits with a classifier of real MNIST
    digits (see `load_mnist`), which never saw the held-out digits.

    `images`: shape (n, 28, 28), or (n, 32, 32) with a 2-pixel border
    (cropped), with or without a channel axis of 1; values in [0, 1], white
    digits on black. Returns a dict with
      'inception score': exp(E[KL(p(y|x) || p(y))]), 10 at best (each image
        clearly one digit, all digits equally often), 1 for images that all
        look alike or like no digit;
      'digits found': how many of the ten digits the classifier sees;
      'digit counts': how many images it takes for each digit, 0 to 9;
      'frechet distance': between the classifier's features of these images
        and of 500 held-out real digits, each fitted by a Gaussian (the FID
        idea, on digits): 0 for identical statistics; the lessons show
        how far the other 500 held-out digits (`held_out_digits()`) are.
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim == 4 and 1 in (x.shape[1], x.shape[3]):
        x = x.reshape(x.shape[0], *[d for d in x.shape[1:] if d != 1])
    if x.ndim != 3 or x.shape[1:] not in ((28, 28), (32, 32)) or len(x) < 2:
        raise ValueError(f'digit_scores needs at least two gray images of shape (n, 28, 28) '
                         f'or (n, 32, 32); got shape {np.shape(images)}.')
    if x.shape[1] == 32:
        x = x[:, 2:30, 2:30]
    clf, (mean, cov) = _digit_rater()
    x = np.clip(x, 0, 1).reshape(len(x), -1)
    p = clf.predict_proba(x)
    marginal = p.mean(axis=0)
    kl = np.sum(p * (np.log(p + 1e-12) - np.log(marginal + 1e-12)), axis=1)
    fm, fc = gaussian_stats(_digit_features(clf, x))
    counts = np.bincount(p.argmax(axis=1), minlength=10)
    return {'inception score': float(np.exp(kl.mean())),
            'digits found': int(np.count_nonzero(counts)),
            'digit counts': counts.tolist(),
            'frechet distance': frechet_distance(fm, fc, mean, cov)}
