"""TensorFlow helpers of the course: ``from d2lgan import tensorflow as d2l``.

Import this module before TensorFlow itself. TensorFlow's C++ core prints
start-up notes to the process's standard error when it loads (oneDNN is on,
no CUDA driver was found), and a notebook kernel copies them into the
notebook. Unless TF_CPP_MIN_LOG_LEVEL is 0 (show everything), this module
keeps them out: it sets that variable to 3 for later messages if it is not
set, and silences standard error while TensorFlow loads (no value of the
variable reaches the messages printed during loading).
"""
import contextlib
import os
import sys


@contextlib.contextmanager
def _quiet_stderr():
    """Send everything written to file descriptor 2 to /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


if os.environ.get('TF_CPP_MIN_LOG_LEVEL') == '0' or 'tensorflow' in sys.modules:
    import tensorflow as tf
else:
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    with _quiet_stderr():
        import tensorflow as tf

from d2lgan.core import *  # noqa: E402, F403  (the shared helpers, as d2l.<name>)
from d2lgan.training import ArrayLoader, capped_threads, device_helpers, seed_python_numpy  # noqa: E402


def cpu():
    """Return the CPU device (use it in a `with` block)."""
    return tf.device('/CPU:0')


def gpu(i=0):
    """Return the i-th GPU device (use it in a `with` block)."""
    return tf.device(f'/GPU:{i}')


def num_gpus():
    """Return the number of available GPUs."""
    return len(tf.config.list_physical_devices('GPU'))


try_gpu, try_all_gpus = device_helpers(cpu, gpu, num_gpus)


def load_array(data_arrays, batch_size, is_train=True):
    """Iterate over minibatches of tensors, reshuffled each epoch if training.

    As with the book's tf.data.Dataset, each batch is a tuple of one tensor
    per array (`for (X,) in data_iter`, `for X, y in data_iter`)."""
    return ArrayLoader(data_arrays, batch_size, shuffle=is_train,
                       take=lambda a, order: tf.gather(a, order))


def reproducible(seed=0, threads=1):
    """Seed every random generator a notebook uses, make TensorFlow's kernels
    deterministic and fix its number of CPU threads (at most D2LGAN_THREADS,
    if set), so that a run prints the same numbers each time on one machine.

    TensorFlow fixes its thread pools when it first runs an operation; after
    that they cannot change, and asking for another size raises an error.
    """
    seed_python_numpy(seed)
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    threads = capped_threads(threads)
    config = tf.config.threading
    for get, set_ in ((config.get_intra_op_parallelism_threads,
                       config.set_intra_op_parallelism_threads),
                      (config.get_inter_op_parallelism_threads,
                       config.set_inter_op_parallelism_threads)):
        if get() != threads:
            try:
                set_(threads)
            except RuntimeError as e:
                raise RuntimeError(
                    f'TensorFlow already runs with {get() or "its default"} '
                    f'threads and cannot switch to {threads}: call '
                    f'reproducible() before any TensorFlow operation, or '
                    f'restart the kernel.') from e


# ---- The book's tensor aliases ----
# The book's code calls tensor functions through d2l (d2l.normal, d2l.tensor,
# d2l.matmul, d2l.numpy, ...), names its TensorFlow module defines at its end,
# so that one line of code can serve several frameworks. The same names for
# the same TensorFlow functions (tests/test_book_library.py compares them).
ones, ones_like, zeros, zeros_like, eye = tf.ones, tf.ones_like, tf.zeros, tf.zeros_like, tf.eye
tensor, arange, linspace, meshgrid = tf.constant, tf.range, tf.linspace, tf.meshgrid
normal, rand = tf.random.normal, tf.random.uniform
sin, sinh, cos, cosh, tanh = tf.sin, tf.sinh, tf.cos, tf.cosh, tf.tanh
exp, log, abs, sigmoid = tf.exp, tf.math.log, tf.abs, tf.sigmoid
matmul, batch_matmul = tf.matmul, tf.matmul
concat, stack, expand_dims, repeat = tf.concat, tf.stack, tf.expand_dims, tf.repeat
reshape, transpose, astype = tf.reshape, tf.transpose, tf.cast
reduce_sum, reduce_mean, argmax = tf.reduce_sum, tf.reduce_mean, tf.argmax
int32, int64, float32 = tf.int32, tf.int64, tf.float32
numpy = lambda x, *args, **kwargs: x.numpy(*args, **kwargs)
size = lambda x: tf.size(x).numpy()


d2l = sys.modules[__name__]  # saved code calls the helpers as d2l.<name>, as in a notebook

# ---- Saved from the notebooks: edit sections/*.md, then `make lib` ----
# From notebooks/tensorflow/gan.ipynb
@tf.function
def update_D(X, Z, net_D, net_G, loss, optimizer_D):
    """Update the discriminator on real examples X and noise Z."""
    fake_X = net_G(Z, training=True)  # outside the tape: no gradient reaches G
    with tf.GradientTape() as tape:
        real_Y = net_D(X, training=True)
        fake_Y = net_D(fake_X, training=True)
        loss_D = (loss(tf.ones_like(real_Y), real_Y) +
                  loss(tf.zeros_like(fake_Y), fake_Y)) / 2
    grads = tape.gradient(loss_D, net_D.trainable_variables)
    optimizer_D.apply_gradients(zip(grads, net_D.trainable_variables))
    return loss_D


# From notebooks/tensorflow/gan.ipynb
@tf.function
def update_G(Z, net_D, net_G, loss, optimizer_G):
    """Update the generator on noise Z."""
    with tf.GradientTape() as tape:
        fake_Y = net_D(net_G(Z, training=True), training=True)
        loss_G = loss(tf.ones_like(fake_Y), fake_Y)
    grads = tape.gradient(loss_G, net_G.trainable_variables)
    optimizer_G.apply_gradients(zip(grads, net_G.trainable_variables))
    return loss_G


# From notebooks/tensorflow/gan-practice.ipynb
@tf.function  # one graph: run op by op, it would take half as long as a training step
def average_weights(net_avg, net, decay):
    """Move every weight of net_avg towards net's: decay * avg + (1 - decay) * w."""
    for avg, w in zip(net_avg.weights, net.weights):
        avg.assign(decay * avg + (1 - decay) * w)


# From notebooks/tensorflow/vae.ipynb
def encoder(num_outputs, num_hiddens=256):
    """Maps flattened 28 x 28 images to num_outputs numbers."""
    return tf.keras.Sequential([
        tf.keras.Input((28 * 28,)),
        tf.keras.layers.Dense(num_hiddens, activation='relu'),
        tf.keras.layers.Dense(num_outputs)])

def decoder(latent_dim, num_hiddens=256):
    """Maps codes to logits, one per pixel."""
    return tf.keras.Sequential([
        tf.keras.Input((latent_dim,)),
        tf.keras.layers.Dense(num_hiddens, activation='relu'),
        tf.keras.layers.Dense(28 * 28)])


# From notebooks/tensorflow/vae.ipynb
def init_weights(net):
    """Initialize as Keras does: Glorot-uniform weights, zero biases."""
    return net  # Keras layers start with Glorot uniform weights and zero biases


# From notebooks/tensorflow/vae.ipynb
def reconstruction_loss(logits, X):
    """Binary cross-entropy summed over each image's pixels."""
    return tf.reduce_sum(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=X, logits=logits), axis=1)


# From notebooks/tensorflow/vae.ipynb
@tf.function
def vae_step(X, eps, enc, dec, optimizer):
    """One step on the VAE's loss; return its two terms per image."""
    with tf.GradientTape() as tape:
        mean, log_var = tf.split(enc(X), 2, axis=1)
        Z = mean + tf.exp(log_var / 2) * eps  # the reparameterization trick
        rec = reconstruction_loss(dec(Z), X)
        kl = -0.5 * tf.reduce_sum(1 + log_var - mean ** 2 - tf.exp(log_var), axis=1)
        loss = tf.reduce_mean(rec + kl)
    params = enc.trainable_variables + dec.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
    return tf.reduce_mean(rec), tf.reduce_mean(kl)


# From notebooks/tensorflow/vae.ipynb
def train_vae(enc, dec, data_iter, latent_dim, num_epochs, lr=1e-3, show=True):
    """Train a VAE with Adam; show the two loss terms and the decoded images
    of 21 fixed prior codes after each epoch. Return the training time."""
    optimizer = tf.keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(enc.trainable_variables + dec.trainable_variables)
    if show:
        animator = d2l.Animator(xlabel='epoch', ylabel='loss per digit', yscale='log',
                                xlim=[1, num_epochs], nrows=2, figsize=(5, 5),
                                legend=['reconstruction', 'KL'])
        animator.fig.subplots_adjust(hspace=0.3)
        Z = tf.random.normal((21, latent_dim))  # fixed codes to watch
    timer = d2l.Timer()
    for epoch in range(1, num_epochs + 1):
        metric = d2l.Accumulator(3)  # reconstruction, KL, number of examples
        timer.start()
        for (X,) in data_iter:
            eps = tf.random.normal((X.shape[0], latent_dim))
            rec, kl = vae_step(X, eps, enc, dec, optimizer)
            metric.add(float(rec) * X.shape[0], float(kl) * X.shape[0], X.shape[0])
        timer.stop()
        if show:
            fake_X = tf.reshape(tf.sigmoid(dec(Z)), (-1, 28, 28, 1)).numpy()
            animator.axes[1].cla()
            animator.axes[1].imshow(d2l.image_grid(fake_X, 7, gap=2), cmap='gray')
            animator.axes[1].axis('off')
            animator.add(epoch, (metric[0] / metric[2], metric[1] / metric[2]))
    print(f'reconstruction {metric[0] / metric[2]:.1f}, KL {metric[1] / metric[2]:.2f} '
          f'per digit, {metric[2] * num_epochs / timer.sum():.1f} examples/sec')
    return timer.sum()
# ---- End of saved code ----
