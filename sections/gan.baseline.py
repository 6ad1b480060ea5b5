"""The GAN section trained the way the book does it, for `make bench`.

Same data, model, hyperparameters and algorithm as notebooks/*/gan.ipynb,
but with the book's code and its choices, so that the course's speed-ups
can be measured against it on the same machine, in the same run:

* the steps are the book's own `update_D` and `update_G`, and batches come
  from the book's `load_array` (the framework's general data loader), taken
  from the book's library, d2l 1.0.3, installed next to the course
  (requirements-nodeps.txt). Where its module does not import (d2l.torch
  needs a torchvision built for the installed torch), a copy of the same
  code below stands in, and the output says so;
* PyTorch uses its default Adam, Gluon runs the networks and the loss
  imperatively (not hybridized), and TensorFlow runs the steps eagerly
  (no tf.function);
* the figure is redrawn after every epoch: the book's Animator renders it
  to SVG for display each time, which we reproduce by rendering to memory.

Run: python sections/gan.baseline.py {mxnet,pytorch,tensorflow} (make bench
does; the section's contract, gan.toml, names it). Prints the speed of the
last epoch and the wall time of training, as the notebooks do, and which
code ran: "book's d2l" or "copy of the book's code".
"""
import importlib
import io
import sys
import time

import matplotlib

matplotlib.use('Agg')
from matplotlib.figure import Figure  # noqa: E402

NUM_EPOCHS, LR_D, LR_G, LATENT_DIM, BATCH_SIZE = 20, 0.05, 0.005, 2, 8
A = [[1, 2], [-0.1, 0.5]]
B = [1.0, 2.0]


class RenderEveryEpoch:
    """Two panels redrawn and rendered to SVG after every epoch."""

    def __init__(self):
        self.fig = Figure(figsize=(5, 5))
        self.axes = self.fig.subplots(2, 1)
        self.losses = []

    def add(self, epoch, losses, real, fake):
        self.losses.append((epoch, *losses))
        ax = self.axes[0]
        ax.cla()
        ax.plot([e for e, _, _ in self.losses], [d for _, d, _ in self.losses], '-')
        ax.plot([e for e, _, _ in self.losses], [g for _, _, g in self.losses], 'm--')
        ax.set_xlim(1, NUM_EPOCHS)
        ax.legend(['discriminator', 'generator'])
        self.axes[1].cla()
        self.axes[1].scatter(real[:, 0], real[:, 1])
        self.axes[1].scatter(fake[:, 0], fake[:, 1])
        self.axes[1].legend(['real', 'generated'])
        self.fig.savefig(io.BytesIO(), format='svg')


def book_library(module):
    """The book's d2l module of a framework, or None where it does not import."""
    try:
        return importlib.import_module(f'd2l.{module}')
    except Exception as e:  # e.g. a torchvision built for another torch
        print(f'd2l.{module} does not import here ({type(e).__name__}: '
              f'{str(e)[:100]}); a copy of the book\'s code runs instead.', file=sys.stderr)
        return None


def first(batch):
    """The examples of a batch from a loader of one array."""
    return batch[0] if isinstance(batch, (list, tuple)) else batch


def report(epoch_seconds, total, book):
    print(f'{1000 / epoch_seconds[-1]:.1f} examples/sec, {total:.1f} s, '
          + ("book's d2l" if book else "copy of the book's code"))


def train_pytorch():
    import torch
    from torch import nn
    torch.manual_seed(0)
    torch.set_num_threads(1)
    book = book_library('torch')
    data = torch.normal(0.0, 1, (1000, 2)) @ torch.tensor(A) + torch.tensor(B)
    loader = (book.load_array((data,), BATCH_SIZE) if book else torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data), BATCH_SIZE, shuffle=True))
    net_G = nn.Sequential(nn.Linear(2, 2))
    net_D = nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3), nn.Tanh(),
                          nn.Linear(3, 1))
    for w in list(net_D.parameters()) + list(net_G.parameters()):
        nn.init.normal_(w, 0, 0.02)
    loss = nn.BCEWithLogitsLoss(reduction='sum')
    opt_D = torch.optim.Adam(net_D.parameters(), lr=LR_D)
    opt_G = torch.optim.Adam(net_G.parameters(), lr=LR_G)
    plot, seconds, start = RenderEveryEpoch(), [], time.perf_counter()
    for epoch in range(NUM_EPOCHS):
        tic, total = time.perf_counter(), [0.0, 0.0]
        for batch in loader:
            X = first(batch)
            Z = torch.normal(0, 1, size=(X.shape[0], LATENT_DIM))
            if book:
                total[0] += float(book.update_D(X, Z, net_D, net_G, loss, opt_D))
                total[1] += float(book.update_G(Z, net_D, net_G, loss, opt_G))
                continue
            ones, zeros = torch.ones(X.shape[0], 1), torch.zeros(X.shape[0], 1)
            opt_D.zero_grad()
            loss_D = (loss(net_D(X), ones) + loss(net_D(net_G(Z).detach()), zeros)) / 2
            loss_D.backward()
            opt_D.step()
            opt_G.zero_grad()
            loss_G = loss(net_D(net_G(Z)), ones)
            loss_G.backward()
            opt_G.step()
            total[0] += float(loss_D)
            total[1] += float(loss_G)
        fake = net_G(torch.normal(0, 1, size=(100, LATENT_DIM))).detach().numpy()
        plot.add(epoch + 1, [t / 1000 for t in total], data[:100].numpy(), fake)
        seconds.append(time.perf_counter() - tic)
    report(seconds, time.perf_counter() - start, book)


def train_mxnet():
    from d2lgan.numpy_compat import restore_numpy_names
    restore_numpy_names()
    from mxnet import autograd, gluon, init, np, npx
    from mxnet.gluon import nn
    npx.set_np()
    npx.random.seed(0)
    book = book_library('mxnet')
    data = np.random.normal(0.0, 1, (1000, 2)) @ np.array(A) + np.array(B)
    loader = (book.load_array((data,), BATCH_SIZE) if book else gluon.data.DataLoader(
        gluon.data.ArrayDataset(data), BATCH_SIZE, shuffle=True))
    net_G = nn.Sequential()
    net_G.add(nn.Dense(2))
    net_D = nn.Sequential()
    net_D.add(nn.Dense(5, activation='tanh'), nn.Dense(3, activation='tanh'), nn.Dense(1))
    net_D.initialize(init=init.Normal(0.02))
    net_G.initialize(init=init.Normal(0.02))
    loss = gluon.loss.SigmoidBCELoss()
    opt_D = gluon.Trainer(net_D.collect_params(), 'adam', {'learning_rate': LR_D})
    opt_G = gluon.Trainer(net_G.collect_params(), 'adam', {'learning_rate': LR_G})
    plot, seconds, start = RenderEveryEpoch(), [], time.perf_counter()
    for epoch in range(NUM_EPOCHS):
        tic, total = time.perf_counter(), [0.0, 0.0]
        for batch in loader:
            X = first(batch)
            Z = np.random.normal(0, 1, size=(X.shape[0], LATENT_DIM))
            if book:
                total[0] += float(book.update_D(X, Z, net_D, net_G, loss, opt_D))
                total[1] += float(book.update_G(Z, net_D, net_G, loss, opt_G))
                continue
            ones, zeros = np.ones((X.shape[0], 1)), np.zeros((X.shape[0], 1))
            fake_X = net_G(Z)
            with autograd.record():
                loss_D = (loss(net_D(X), ones) + loss(net_D(fake_X), zeros)) / 2
            loss_D.backward()
            opt_D.step(1)
            with autograd.record():
                loss_G = loss(net_D(net_G(Z)), ones)
            loss_G.backward()
            opt_G.step(1)
            total[0] += float(loss_D.sum())
            total[1] += float(loss_G.sum())
        fake = net_G(np.random.normal(0, 1, size=(100, LATENT_DIM))).asnumpy()
        plot.add(epoch + 1, [t / 1000 for t in total], data[:100].asnumpy(), fake)
        seconds.append(time.perf_counter() - tic)
    report(seconds, time.perf_counter() - start, book)


def train_tensorflow():
    import os
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    import tensorflow as tf
    tf.keras.utils.set_random_seed(0)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    book = book_library('tensorflow')
    data = tf.random.normal((1000, 2), 0.0, 1) @ tf.constant(A) + tf.constant(B)
    loader = (book.load_array((data,), BATCH_SIZE) if book else
              tf.data.Dataset.from_tensor_slices(data).shuffle(1000).batch(BATCH_SIZE))
    net_G = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(2)])
    net_D = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(5, 'tanh'),
                                 tf.keras.layers.Dense(3, 'tanh'), tf.keras.layers.Dense(1)])
    for w in net_D.trainable_variables + net_G.trainable_variables:
        w.assign(tf.random.normal(w.shape, 0, 0.02))
    loss = tf.keras.losses.BinaryCrossentropy(from_logits=True, reduction='sum')
    opt_D = tf.keras.optimizers.Adam(learning_rate=LR_D)
    opt_G = tf.keras.optimizers.Adam(learning_rate=LR_G)
    plot, seconds, start = RenderEveryEpoch(), [], time.perf_counter()
    for epoch in range(NUM_EPOCHS):
        tic, total = time.perf_counter(), [0.0, 0.0]
        for batch in loader:
            X = first(batch)
            Z = tf.random.normal((X.shape[0], LATENT_DIM), 0, 1)
            if book:
                total[0] += float(book.update_D(X, Z, net_D, net_G, loss, opt_D))
                total[1] += float(book.update_G(Z, net_D, net_G, loss, opt_G))
                continue
            ones, zeros = tf.ones((X.shape[0], 1)), tf.zeros((X.shape[0], 1))
            fake_X = net_G(Z)
            with tf.GradientTape() as tape:
                loss_D = (loss(ones, net_D(X)) + loss(zeros, net_D(fake_X))) / 2
            grads = tape.gradient(loss_D, net_D.trainable_variables)
            opt_D.apply_gradients(zip(grads, net_D.trainable_variables))
            with tf.GradientTape() as tape:
                loss_G = loss(ones, net_D(net_G(Z)))
            grads = tape.gradient(loss_G, net_G.trainable_variables)
            opt_G.apply_gradients(zip(grads, net_G.trainable_variables))
            total[0] += float(loss_D)
            total[1] += float(loss_G)
        fake = net_G(tf.random.normal((100, LATENT_DIM), 0, 1)).numpy()
        plot.add(epoch + 1, [t / 1000 for t in total], data[:100].numpy(), fake)
        seconds.append(time.perf_counter() - tic)
    report(seconds, time.perf_counter() - start, book)


if __name__ == '__main__':
    {'mxnet': train_mxnet, 'pytorch': train_pytorch,
     'tensorflow': train_tensorflow}[sys.argv[1]]()
