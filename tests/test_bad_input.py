"""Bad input gets an error that says what is wrong and what to do.

Each row: what a reader might type, the exception, and words the message
must contain. The framework-neutral helpers are the same objects in every
framework module, so testing them here covers all three tracks.
"""
import warnings

import numpy as np
import pytest

from d2lgan import core as d2l
from d2lgan import training

take = lambda a, i: a[i]  # noqa: E731
pts = np.zeros((3, 2))


def animator_add(legend, *adds, **kwargs):
    animator = d2l.Animator(legend=legend, **kwargs)
    for x, y in adds:
        animator.add(x, y)


def fake_try_gpu(i, gpus=0):
    try_gpu, _ = training.device_helpers(lambda: 'cpu', lambda j: f'gpu{j}', lambda: gpus)
    return try_gpu(i)


BAD_INPUTS = [
    ('arrays of different lengths', lambda: d2l.ArrayLoader((np.zeros(3), np.zeros(4)), 2),
     ValueError, r'one length .*got lengths \[3, 4\]'),
    ('no arrays', lambda: d2l.ArrayLoader((), 2), ValueError, 'at least one array'),
    ('empty arrays', lambda: d2l.ArrayLoader((np.zeros(0),), 2), ValueError, 'empty'),
    ('batch_size 0', lambda: d2l.ArrayLoader((pts,), 0), ValueError,
     'batch_size must be a positive integer; got 0'),
    ('batch_size negative', lambda: d2l.ArrayLoader((pts,), -3), ValueError, 'got -3'),
    ('batch_size -1', lambda: d2l.ArrayLoader((pts,), -1), ValueError, 'got -1'),
    ('batch_size a float', lambda: d2l.ArrayLoader((pts,), 2.5), ValueError, 'got 2.5'),
    ('batch_size a string', lambda: d2l.ArrayLoader((pts,), '8'), ValueError, "got '8'"),
    ('batch_size a bool', lambda: d2l.ArrayLoader((pts,), True), ValueError, 'got True'),
    ('Accumulator.add too few', lambda: d2l.Accumulator(3).add(1), ValueError,
     'got 1 values but this Accumulator sums 3; pass exactly 3'),
    ('Accumulator.add too many', lambda: d2l.Accumulator(2).add(1, 2, 3), ValueError,
     'got 3 values'),
    ('Animator legend longer than the series',
     lambda: animator_add(['D', 'G', 'extra'], (1, (0.5, 0.7))), ValueError,
     "3 legend labels .* got 2 series; give one label per series"),
    ('Animator legend a string', lambda: d2l.Animator(legend='loss'), ValueError,
     r"legend as a list .* \['loss'\]"),
    ('Animator.add x and y differ in count', lambda: animator_add(None, ((1, 2, 3), (1, 2))),
     ValueError, 'got 3 x values for 2 y values'),
    ('Animator.add changes the number of series',
     lambda: animator_add(None, (1, (1, 2)), (2, (1, 2, 3))), ValueError,
     'earlier calls had 2'),
    ('Animator with no rows', lambda: d2l.Animator(nrows=0), ValueError,
     'positive integer nrows; got 0'),
    ('Animator with a flat figure', lambda: d2l.Animator(figsize=(4, 0)), ValueError,
     r'figsize=\(width, height\) .* got \(4, 0\)'),
    ('scatter into the series axes', lambda: d2l.Animator(nrows=2).scatter(0, (pts,)),
     ValueError, r'axes 1\.\.1'),
    ('scatter with 3-D points', lambda: d2l.Animator(nrows=2).scatter(1, (np.zeros((3, 3)),)),
     ValueError, r'shape \(n, 2\); got shape \(3, 3\)'),
    ('scatter legend mismatch',
     lambda: d2l.Animator(nrows=2).scatter(1, (pts, pts), legend=['real']), ValueError,
     '1 legend labels for 2 point sets'),
    ('show_images: more images than cells', lambda: d2l.show_images(np.zeros((7, 4, 4)), 2, 3),
     ValueError, r'7 images for a 2x3 grid \(6 cells\)'),
    ('show_images: titles mismatch',
     lambda: d2l.show_images(np.zeros((2, 4, 4)), 1, 2, titles=['a']), ValueError,
     '1 titles for 2 images'),
    ('show_images: zero rows', lambda: d2l.show_images(np.zeros((1, 4, 4)), 0, 2), ValueError,
     'positive integer num_rows; got 0'),
    ('set_figsize negative', lambda: d2l.set_figsize((-1, 2)), ValueError,
     r'both positive; got \(-1, 2\)'),
    ('set_figsize a number', lambda: d2l.set_figsize(5), ValueError, 'got 5'),
    ('try_gpu negative', lambda: fake_try_gpu(-1), ValueError, 'GPU index 0, 1, 2, ...; got -1'),
    ('try_gpu a string', lambda: fake_try_gpu('0'), ValueError, "got '0'"),
    ('frechet_distance shapes', lambda: d2l.frechet_distance([0, 0], np.eye(2), [0], np.eye(1)),
     ValueError, r'got means \(2,\), \(1,\)'),
    ('download an unknown data set', lambda: d2l.download('pokemons'), KeyError,
     "'pokemons' is neither a URL nor a data set in DATA_HUB .*pokemon"),
]


@pytest.mark.parametrize('call, error, message', [row[1:] for row in BAD_INPUTS],
                         ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
    d2l.plt.close('all')


def test_there_are_at_least_twenty_cases():
    assert len(BAD_INPUTS) >= 20


def test_try_gpu_falls_back_to_the_cpu_and_says_so_once():
    training._reported_gpus.clear()
    with pytest.warns(UserWarning, match=r'try_gpu\(3\): this machine has 1 GPU\(s\)'):
        assert fake_try_gpu(3, gpus=1) == 'cpu'
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert fake_try_gpu(3, gpus=1) == 'cpu'  # said once already
        assert fake_try_gpu(0, gpus=0) == 'cpu'  # a CPU machine is no surprise
        assert fake_try_gpu(0, gpus=1) == 'gpu0'
