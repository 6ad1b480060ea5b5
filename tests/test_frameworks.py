"""The three framework modules: imports, devices, data loading, seeding and
the saved GAN steps update_D / update_G."""
import importlib
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

MODULES = ['mxnet', 'torch', 'tensorflow']
FRAMEWORK_PACKAGES = {'mxnet': 'mxnet', 'torch': 'torch', 'tensorflow': 'tensorflow'}


@pytest.mark.parametrize('name', MODULES)
def test_module_imports_no_other_framework(name):
    others = [p for m, p in FRAMEWORK_PACKAGES.items() if m != name]
    code = (f'import sys; import d2lgan.{name} as d2l; '
            f'print([m for m in {others!r} if m in sys.modules])')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    assert out == '[]', f'd2lgan.{name} imported {out}'


def test_package_and_core_import_no_framework():
    code = ('import sys, d2lgan, d2lgan.core; '
            'print([m for m in ("mxnet", "torch", "tensorflow") if m in sys.modules])')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == '[]'


@pytest.mark.parametrize('level', [None, '3'])
def test_tensorflow_import_prints_nothing(level):
    """TensorFlow's C++ start-up notes would land in every notebook, also
    when TF_CPP_MIN_LOG_LEVEL is set (it does not reach them; an earlier
    import in this process may have set it), but not when it is 0."""
    env = {k: v for k, v in os.environ.items() if k != 'TF_CPP_MIN_LOG_LEVEL'}
    if level:
        env['TF_CPP_MIN_LOG_LEVEL'] = level
    run = subprocess.run([sys.executable, '-c', 'import d2lgan.tensorflow'],
                         capture_output=True, text=True, check=True, env=env)
    assert run.stderr == ''
    env['TF_CPP_MIN_LOG_LEVEL'] = '0'
    run = subprocess.run([sys.executable, '-c', 'import d2lgan.tensorflow'],
                         capture_output=True, text=True, check=True, env=env)
    assert 'oneDNN' in run.stderr or 'cuda' in run.stderr


@pytest.fixture(params=MODULES)
def d2l(request):
    module = importlib.import_module(f'd2lgan.{request.param}')
    # As in a notebook: fix seeds and threads before the framework's first
    # operation (TensorFlow cannot change its thread pools after that).
    module.reproducible(seed=0)
    return module


def test_core_helpers_are_reexported(d2l):
    for name in ['Accumulator', 'Animator', 'Timer', 'plot', 'set_figsize', 'show_images',
                 'use_svg_display', 'set_axes', 'plt', 'frechet_distance']:
        assert hasattr(d2l, name), name
    for name in ['cpu', 'gpu', 'num_gpus', 'try_gpu', 'try_all_gpus', 'load_array',
                 'reproducible', 'update_D', 'update_G']:
        assert callable(getattr(d2l, name)), name
    if d2l.__name__.endswith('mxnet'):
        assert callable(d2l.DiscriminatorLoss)


def device_name(device):
    return str(getattr(device, '_device_name', device)).lower()


def test_devices_fall_back_to_the_cpu(d2l):
    n = d2l.num_gpus()
    assert n >= 0
    if n == 0:
        assert 'cpu' in device_name(d2l.try_gpu())
        assert len(d2l.try_all_gpus()) == 1
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the fallback warning has its own test
        assert 'cpu' in device_name(d2l.try_gpu(n + 5))
    assert 'cpu' in device_name(d2l.cpu())


def to_numpy(x):
    x = x.detach() if hasattr(x, 'detach') else x  # off the autograd graph
    return x.asnumpy() if hasattr(x, 'asnumpy') else np.asarray(x)


def tensor(d2l, array):
    name = d2l.__name__.rsplit('.', 1)[1]
    if name == 'mxnet':
        return d2l.np.array(array, dtype='float32')
    if name == 'torch':
        import torch
        return torch.tensor(array, dtype=torch.float32)
    import tensorflow as tf
    return tf.constant(array, dtype=tf.float32)


def test_load_array_yields_framework_batches(d2l):
    X = tensor(d2l, np.arange(20).reshape(10, 2))
    y = tensor(d2l, np.arange(10))
    batches = list(d2l.load_array((X, y), 4))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert type(batches[0][0]) is type(X)
    xs = np.concatenate([to_numpy(b[0]) for b in batches])
    ys = np.concatenate([to_numpy(b[1]) for b in batches])
    assert sorted(ys.tolist()) == list(range(10))
    assert (xs[:, 0] == 2 * ys).all()
    # One array: MXNet's batch is the array itself, as Gluon's DataLoader gives it.
    one = (lambda b: b) if d2l.__name__.endswith('mxnet') else (lambda b: b[0])
    test_order = np.concatenate([to_numpy(one(b)) for b in d2l.load_array((y,), 3, False)])
    assert test_order.tolist() == list(range(10))


def test_load_array_rejects_mismatched_lengths(d2l):
    with pytest.raises(ValueError, match='one length'):
        d2l.load_array((tensor(d2l, np.zeros(3)), tensor(d2l, np.zeros(4))), 2)


def draw(d2l):
    name = d2l.__name__.rsplit('.', 1)[1]
    if name == 'mxnet':
        return to_numpy(d2l.np.random.normal(0, 1, (3,)))
    if name == 'torch':
        import torch
        return torch.normal(0, 1, (3,)).numpy()
    import tensorflow as tf
    return tf.random.normal((3,)).numpy()


def test_reproducible_repeats_random_draws(d2l):
    d2l.reproducible(seed=3)
    first = draw(d2l), np.random.rand()
    d2l.reproducible(seed=3)
    again = draw(d2l), np.random.rand()
    assert (first[0] == again[0]).all() and first[1] == again[1]


def test_reproducible_keeps_threads_under_the_cap(monkeypatch):
    import torch

    from d2lgan import torch as d2l
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv('D2LGAN_THREADS', '1')
        d2l.reproducible(seed=0, threads=2)
        assert torch.get_num_threads() == 1
        monkeypatch.delenv('D2LGAN_THREADS')
        d2l.reproducible(seed=0, threads=2)
        assert torch.get_num_threads() == 2
        for wrong in ['0', 'two', '-1', '']:
            monkeypatch.setenv('D2LGAN_THREADS', wrong)
            with pytest.raises(ValueError, match=f"D2LGAN_THREADS={wrong!r} is not a number"):
                d2l.reproducible(seed=0, threads=2)
    finally:
        torch.set_num_threads(before)


# ------------------------------------------------------------- GAN steps
def gan_parts(d2l):
    """A tiny generator, discriminator, loss and the two optimizers."""
    name = d2l.__name__.rsplit('.', 1)[1]
    if name == 'mxnet':
        from mxnet import gluon, init
        from mxnet.gluon import nn
        net_G, net_D = nn.Dense(2), nn.HybridSequential()
        net_D.add(nn.Dense(4, activation='tanh'), nn.Dense(1))
        for net in (net_G, net_D):
            net.initialize(init.Normal(0.5))
        net_G(d2l.np.zeros((1, 2)))
        net_D(d2l.np.zeros((1, 2)))
        opt = [gluon.Trainer(n.collect_params(), 'adam', {'learning_rate': 0.01})
               for n in (net_D, net_G)]
        params = lambda net: [p.data().asnumpy().copy() for p in net.collect_params().values()]
        return net_D, net_G, gluon.loss.SigmoidBCELoss(), opt, params
    if name == 'torch':
        import torch
        from torch import nn
        net_G = nn.Linear(2, 2)
        net_D = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
        opt = [torch.optim.Adam(n.parameters(), lr=0.01) for n in (net_D, net_G)]
        params = lambda net: [p.detach().numpy().copy() for p in net.parameters()]
        return net_D, net_G, nn.BCEWithLogitsLoss(reduction='sum'), opt, params
    import tensorflow as tf
    net_G = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(2)])
    net_D = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(4, 'tanh'),
                                 tf.keras.layers.Dense(1)])
    opt = [tf.keras.optimizers.Adam(0.01) for _ in range(2)]
    for o, net in zip(opt, (net_D, net_G)):
        o.build(net.trainable_variables)  # as the notebooks' train() does
    params = lambda net: [v.numpy().copy() for v in net.trainable_variables]
    loss = tf.keras.losses.BinaryCrossentropy(from_logits=True, reduction='sum')
    return net_D, net_G, loss, opt, params


def changed(before, after):
    return any(not np.array_equal(b, a) for b, a in zip(before, after))


def step_D(d2l, X, Z, net_D, net_G, loss, opt_D):
    """One call of d2l.update_D. MXNet's takes net_D and the loss inside a
    DiscriminatorLoss block (see notebooks/mxnet/gan.ipynb)."""
    if d2l.__name__.endswith('mxnet'):
        return d2l.update_D(X, Z, d2l.DiscriminatorLoss(net_D, loss), net_G, opt_D)
    return d2l.update_D(X, Z, net_D, net_G, loss, opt_D)


def test_update_D_trains_only_the_discriminator(d2l):
    d2l.reproducible(seed=0)
    net_D, net_G, loss, (opt_D, _), params = gan_parts(d2l)
    X, Z = tensor(d2l, np.random.randn(8, 2) + 3), tensor(d2l, np.random.randn(8, 2))
    D0, G0 = params(net_D), params(net_G)
    losses = [float(step_D(d2l, X, Z, net_D, net_G, loss, opt_D)) for _ in range(100)]
    assert changed(D0, params(net_D))
    assert not changed(G0, params(net_G)), 'update_D must not change the generator'
    # Real examples near (3, 3), generated near (0, 0): D learns to separate them.
    assert losses[-1] < 0.3 * losses[0]
    # The loss sums over the 8 examples; a mean would be about log 2 = 0.69.
    assert losses[0] > 3


def test_update_G_trains_only_the_generator(d2l):
    d2l.reproducible(seed=0)
    net_D, net_G, loss, (_, opt_G), params = gan_parts(d2l)
    Z = tensor(d2l, np.random.randn(8, 2))
    D0, G0 = params(net_D), params(net_G)
    losses = [float(d2l.update_G(Z, net_D, net_G, loss, opt_G)) for _ in range(30)]
    assert changed(G0, params(net_G))
    assert not changed(D0, params(net_D)), 'update_G must not change the discriminator'
    assert losses[-1] < losses[0]  # the generator learns to fool a fixed D


def test_update_steps_serve_a_second_training_run(d2l):
    """Re-running a notebook's training builds new networks and optimizers;
    the saved steps (one tf.function each in TensorFlow) must accept them."""
    for _ in range(2):
        net_D, net_G, loss, (opt_D, opt_G), _ = gan_parts(d2l)
        X, Z = tensor(d2l, np.random.randn(8, 2)), tensor(d2l, np.random.randn(8, 2))
        assert np.isfinite(float(step_D(d2l, X, Z, net_D, net_G, loss, opt_D)))
        assert np.isfinite(float(d2l.update_G(Z, net_D, net_G, loss, opt_G)))



# ------------------------------------------------------------- VAE parts
def test_vae_parts_train_as_imported_from_d2lgan(d2l, capsys):
    """The vae section saves its networks, loss and training loop, and
    vae-gan calls them from d2lgan, where the loop reaches the course's
    helpers through the module itself (d2l.Animator, d2l.Timer)."""
    d2l.reproducible(seed=0)
    two = np.zeros((2, 784), dtype='float32')
    two[0, :100] = two[1, 100:200] = 1  # two images: 100 white pixels each, apart
    X = tensor(d2l, two[np.arange(64) % 2])  # 32 of each
    # Logits of 0 are pixels of 0.5: ln 2 nats for each of the 784 pixels.
    zeros = tensor(d2l, np.zeros((64, 784)))
    np.testing.assert_allclose(to_numpy(d2l.reconstruction_loss(zeros, X)),
                               784 * np.log(2), rtol=1e-5)
    enc = d2l.init_weights(d2l.encoder(2 * 2, num_hiddens=16))
    dec = d2l.init_weights(d2l.decoder(2, num_hiddens=16))
    data_iter = d2l.load_array((X,), 16)
    seconds = d2l.train_vae(enc, dec, data_iter, 2, num_epochs=30, lr=0.01, show=False)
    assert seconds > 0 and 'examples/sec' in capsys.readouterr().out
    means = tensor(d2l, to_numpy(enc(X))[:, :2])  # decode each image's mean code
    rebuilt = to_numpy(d2l.reconstruction_loss(dec(means), X)).mean()
    # A decoder that ignores the code can do no better than the average of
    # the two images, 0.5 on 200 pixels: 200 ln 2 nats.
    assert rebuilt < 0.25 * 200 * np.log(2), 'the VAE did not tell the two images apart'


@pytest.mark.parametrize('hybridize', [False, True])
def test_mxnet_discriminator_loss_is_the_two_pass_loss(hybridize):
    """DiscriminatorLoss computes in one block what the book computes with
    two calls of net_D: the same loss and the same gradients."""
    d2l = importlib.import_module('d2lgan.mxnet')
    from mxnet import autograd, gluon, init
    from mxnet.gluon import nn
    d2l.reproducible(seed=0)
    net_D = nn.HybridSequential()
    net_D.add(nn.Dense(5, activation='tanh'), nn.Dense(3, activation='tanh'), nn.Dense(1))
    net_D.initialize(init.Normal(0.5))
    loss = gluon.loss.SigmoidBCELoss()
    X = d2l.np.array(np.random.randn(8, 2) + 1, dtype='float32')
    fake_X = d2l.np.array(np.random.randn(8, 2), dtype='float32')
    params = list(net_D.collect_params().values())

    with autograd.record():
        ones, zeros = d2l.np.ones((8, 1)), d2l.np.zeros((8, 1))
        expected = (loss(net_D(X), ones) + loss(net_D(fake_X), zeros)) / 2
    expected.backward()
    expected_grads = [p.grad().asnumpy().copy() for p in params]

    discriminator_loss = d2l.DiscriminatorLoss(net_D, loss)
    if hybridize:
        discriminator_loss.hybridize(static_alloc=True, static_shape=True)
    for _ in range(2):  # the second call runs the cached graph
        with autograd.record():
            got = discriminator_loss(X, fake_X)
        got.backward()
        np.testing.assert_allclose(got.asnumpy(), expected.asnumpy(), rtol=1e-6)
        for p, g in zip(params, expected_grads):
            np.testing.assert_allclose(p.grad().asnumpy(), g, rtol=1e-5, atol=1e-7,
                                       err_msg=p.name)


ONE_CHANNEL_GENERATOR = '''
import sys
import numpy
from d2lgan import mxnet as d2l
from mxnet import autograd, init, np, npx
from mxnet.gluon import nn
d2l.reproducible(seed=0)
net = nn.HybridSequential()
net.add(nn.Conv2DTranspose(16, 4, 1, 0, use_bias=False), nn.BatchNorm(), nn.Activation('relu'),
        nn.Conv2DTranspose(1, 4, 2, 1, use_bias=False), nn.Activation('tanh'))
net.initialize(init.Normal(0.02))
if sys.argv[2] == 'hybrid':
    net.hybridize()
z = np.array(numpy.random.default_rng(1).normal(size=(8, 20, 1, 1)).astype('float32'))
z.attach_grad()
with autograd.record():
    y = net(z)
    loss = (y * y).sum()
loss.backward()
out = {'y': y.asnumpy(), 'z_grad': z.grad.asnumpy()}
for i, p in enumerate(net.collect_params().values()):
    if p.grad_req != 'null':
        out[f'grad{i}'] = p.grad().asnumpy()
numpy.savez(sys.argv[1], **out)
'''


@pytest.mark.parametrize('mode', ['imperative', 'hybrid'])
def test_mxnet_one_channel_transposed_convolution_trains_with_onednn(tmp_path, mode):
    """d2lgan.mxnet_onednn: with oneDNN, a generator ending in a transposed
    convolution with one output channel trains (MXNet 1.9.1 alone fails),
    with the outputs and gradients of MXNet's own kernels."""
    script = tmp_path / 'net.py'
    script.write_text(ONE_CHANNEL_GENERATOR)
    results = {}
    for onednn in ('0', '1'):
        env = dict(os.environ, MXNET_MKLDNN_ENABLED=onednn)
        path = tmp_path / f'onednn{onednn}.npz'
        run = subprocess.run([sys.executable, str(script), str(path), mode], env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        results[onednn] = np.load(path)
    reference, fixed = results['0'], results['1']
    assert sorted(reference) == sorted(fixed) and len(reference) >= 5
    for name in reference:
        np.testing.assert_allclose(fixed[name], reference[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)
    assert np.abs(reference['z_grad']).max() > 0
