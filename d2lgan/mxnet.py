"""MXNet helpers of the course: ``from d2lgan import mxnet as d2l``.

Import this module before MXNet itself. It works around two defects of
MXNet 1.9.1, the last release:

* before MXNet loads, it restores the NumPy names MXNet still uses, which
  NumPy 2 removed (see `d2lgan.numpy_compat`);
* after, it routes transposed convolutions with one output channel around a
  bug in MXNet's oneDNN kernels, so that they train (see
  `d2lgan.mxnet_onednn`). It also keeps MXNet's note about operators that
  fall back to its own kernels ("Storage type fallback detected") out of
  the notebooks.
"""
import os
import sys

from d2lgan.frameworks import mxnet_missing
from d2lgan.numpy_compat import restore_numpy_names

_why_not = mxnet_missing()
if _why_not:
    raise ImportError(_why_not)
restore_numpy_names()
os.environ.setdefault('MXNET_STORAGE_FALLBACK_LOG_VERBOSE', '0')

import mxnet as mx  # noqa: E402  (must come after the NumPy fix above)
from mxnet import autograd, gluon, init, np, npx  # noqa: E402, F401
from mxnet.gluon import nn  # noqa: E402

from d2lgan import mxnet_onednn  # noqa: E402

if mxnet_onednn.onednn_enabled():
    mxnet_onednn.patch_one_channel_transposed_convolution()

from d2lgan.core import *  # noqa: E402, F403  (the shared helpers, as d2l.<name>)
from d2lgan.training import (  # noqa: E402
    ArrayLoader,
    device_helpers,
    seed_python_numpy,
    unwrap_single,
)

npx.set_np()


def cpu():
    """Return the CPU device."""
    return npx.cpu()


def gpu(i=0):
    """Return the i-th GPU device."""
    return npx.gpu(i)


def num_gpus():
    """Return the number of available GPUs."""
    return npx.num_gpus()


try_gpu, try_all_gpus = device_helpers(cpu, gpu, num_gpus)


def load_array(data_arrays, batch_size, is_train=True):
    """Iterate over minibatches of arrays, reshuffled each epoch if training.

    As with the book's Gluon DataLoader, a batch of one array is that array
    (`for X in data_iter`), and a batch of several is a list of them."""
    return ArrayLoader(data_arrays, batch_size, shuffle=is_train,
                       take=lambda a, order: a[np.array(order, ctx=a.ctx)],
                       collate=unwrap_single)


def get_dataloader_workers():
    """The book's number of processes for reading data: 4, or 0 on Windows."""
    return 0 if sys.platform.startswith('win') else 4


def reproducible(seed=0, threads=1):
    """Seed every random generator a notebook uses, so that a run prints the
    same numbers each time on one machine. (MXNet gives the same numbers for
    any number of threads; `threads` is accepted for symmetry. MXNet reads
    its number of threads from OMP_NUM_THREADS when it starts.)"""
    seed_python_numpy(seed)
    mx.random.seed(seed)


# ---- The book's tensor aliases ----
# The book's code calls tensor functions through d2l (d2l.normal, d2l.tensor,
# d2l.matmul, d2l.numpy, ...), names its MXNet module defines at its end, so
# that one line of code can serve several frameworks. The same names for the
# same MXNet functions (tests/test_book_library.py compares them).
ones, ones_like, zeros, zeros_like, eye = np.ones, np.ones_like, np.zeros, np.zeros_like, np.eye
tensor, arange, linspace, meshgrid = np.array, np.arange, np.linspace, np.meshgrid
normal, rand, randn = np.random.normal, np.random.rand, np.random.randn
sin, sinh, cos, cosh, tanh = np.sin, np.sinh, np.cos, np.cosh, np.tanh
exp, log, abs, sigmoid = np.exp, np.log, np.abs, npx.sigmoid
matmul, batch_matmul = np.dot, npx.batch_dot
concat, stack, expand_dims = np.concatenate, np.stack, np.expand_dims
int32, int64, float32 = np.int32, np.int64, np.float32
nn_Module = nn.Block
# Methods of an array, called as functions: d2l.reduce_sum(x, axis=0) is x.sum(axis=0).
numpy = lambda x, *args, **kwargs: x.asnumpy(*args, **kwargs)
size = lambda x: x.size
transpose = lambda x: x.T
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)
to = lambda x, *args, **kwargs: x.as_in_context(*args, **kwargs)
astype = lambda x, *args, **kwargs: x.astype(*args, **kwargs)
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)
swapaxes = lambda x, *args, **kwargs: x.swapaxes(*args, **kwargs)
repeat = lambda x, *args, **kwargs: x.repeat(*args, **kwargs)


d2l = sys.modules[__name__]  # saved code calls the helpers as d2l.<name>, as in a notebook

# ---- Saved from the notebooks: edit sections/*.md, then `make lib` ----
# From notebooks/mxnet/gan.ipynb
class DiscriminatorLoss(nn.HybridBlock):
    """The loss of net_D on real examples X (label 1) and generated ones
    fake_X (label 0): both passes in one block, compiled as one graph."""
    def __init__(self, net_D, loss, **kwargs):
        super().__init__(**kwargs)
        self.net_D, self.loss = net_D, loss

    def hybrid_forward(self, F, X, fake_X):
        real_Y = self.net_D(X)
        fake_Y = self.net_D(fake_X)
        return (self.loss(real_Y, F.np.ones_like(real_Y)) +
                self.loss(fake_Y, F.np.zeros_like(fake_Y))) / 2

def update_D(X, Z, discriminator_loss, net_G, trainer_D):
    """Update the discriminator inside discriminator_loss (a
    DiscriminatorLoss) on real examples X and noise Z."""
    with autograd.train_mode():  # G in training mode, as in the generator's step
        fake_X = net_G(Z)  # but not recorded: no gradient reaches G
    with autograd.record():
        loss_D = discriminator_loss(X, fake_X)
    loss_D.backward()  # the gradient of the sum over the minibatch
    trainer_D.step(1)  # a sum, not a mean: no rescaling by the batch size
    return float(loss_D.sum())


# From notebooks/mxnet/gan.ipynb
def update_G(Z, net_D, net_G, loss, trainer_G):
    """Update the generator on noise Z."""
    with autograd.record():
        fake_Y = net_D(net_G(Z))
        loss_G = loss(fake_Y, np.ones_like(fake_Y))
    loss_G.backward()
    trainer_G.step(1)
    return float(loss_G.sum())


# From notebooks/mxnet/gan-practice.ipynb
def average_weights(net_avg, net, decay):
    """Move every weight of net_avg towards net's: decay * avg + (1 - decay) * w."""
    for avg, w in zip(net_avg.collect_params().values(), net.collect_params().values()):
        data = avg.data()
        data *= decay  # in place, as in the other tracks: no new array to copy back
        data += (1 - decay) * w.data()


# From notebooks/mxnet/vae.ipynb
def encoder(num_outputs, num_hiddens=256):
    """Maps flattened 28 x 28 images to num_outputs numbers."""
    net = nn.HybridSequential()
    net.add(nn.Dense(num_hiddens, activation='relu'), nn.Dense(num_outputs))
    return net

def decoder(latent_dim, num_hiddens=256):
    """Maps codes to logits, one per pixel. (Gluon infers latent_dim.)"""
    net = nn.HybridSequential()
    net.add(nn.Dense(num_hiddens, activation='relu'), nn.Dense(28 * 28))
    return net


# From notebooks/mxnet/vae.ipynb
def init_weights(net):
    """Initialize as Keras does: Glorot-uniform weights, zero biases."""
    net.initialize(init.Xavier(), force_reinit=True)  # Glorot uniform; biases 0
    net.hybridize()
    return net


# From notebooks/mxnet/vae.ipynb
def reconstruction_loss(logits, X):
    """Binary cross-entropy summed over each image's pixels."""
    bce = gluon.loss.SigmoidBCELoss()  # from logits; averages over the pixels
    return bce(logits, X) * X.shape[1]


# From notebooks/mxnet/vae.ipynb
def vae_step(X, eps, enc, dec, trainer):
    """One step on the VAE's loss; return its two terms per image."""
    with autograd.record():
        mean, log_var = np.split(enc(X), 2, axis=1)
        Z = mean + np.exp(log_var / 2) * eps  # the reparameterization trick
        rec = reconstruction_loss(dec(Z), X)
        kl = -0.5 * (1 + log_var - mean ** 2 - np.exp(log_var)).sum(axis=1)
        loss = (rec + kl).mean()
    loss.backward()
    trainer.step(1)
    return float(rec.mean()), float(kl.mean())


# From notebooks/mxnet/vae.ipynb
def train_vae(enc, dec, data_iter, latent_dim, num_epochs, lr=1e-3, show=True):
    """Train a VAE with Adam; show the two loss terms and the decoded images
    of 21 fixed prior codes after each epoch. Return the training time."""
    params = [*enc.collect_params().values(), *dec.collect_params().values()]
    trainer = gluon.Trainer(params, 'adam', {'learning_rate': lr})
    if show:
        animator = d2l.Animator(xlabel='epoch', ylabel='loss per digit', yscale='log',
                                xlim=[1, num_epochs], nrows=2, figsize=(5, 5),
                                legend=['reconstruction', 'KL'])
        animator.fig.subplots_adjust(hspace=0.3)
        Z = np.random.normal(0, 1, size=(21, latent_dim))  # fixed codes to watch
    timer = d2l.Timer()
    for epoch in range(1, num_epochs + 1):
        metric = d2l.Accumulator(3)  # reconstruction, KL, number of examples
        timer.start()
        for X in data_iter:
            eps = np.random.normal(0, 1, size=(X.shape[0], latent_dim))
            rec, kl = vae_step(X, eps, enc, dec, trainer)
            metric.add(rec * X.shape[0], kl * X.shape[0], X.shape[0])
        timer.stop()
        if show:
            fake_X = npx.sigmoid(dec(Z)).reshape(-1, 28, 28, 1).asnumpy()
            animator.axes[1].cla()
            animator.axes[1].imshow(d2l.image_grid(fake_X, 7, gap=2), cmap='gray')
            animator.axes[1].axis('off')
            animator.add(epoch, (metric[0] / metric[2], metric[1] / metric[2]))
    print(f'reconstruction {metric[0] / metric[2]:.1f}, KL {metric[1] / metric[2]:.2f} '
          f'per digit, {metric[2] * num_epochs / timer.sum():.1f} examples/sec')
    return timer.sum()
# ---- End of saved code ----
