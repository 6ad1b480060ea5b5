"""PyTorch helpers of the course: ``from d2lgan import torch as d2l``."""
import sys

import torch
from torch import nn

from d2lgan.core import *  # noqa: F403  (the shared helpers, as d2l.<name>)
from d2lgan.training import ArrayLoader, capped_threads, device_helpers, seed_python_numpy


def cpu():
    """Return the CPU device."""
    return torch.device('cpu')


def gpu(i=0):
    """Return the i-th GPU device."""
    return torch.device(f'cuda:{i}')


def num_gpus():
    """Return the number of available GPUs."""
    return torch.cuda.device_count()


try_gpu, try_all_gpus = device_helpers(cpu, gpu, num_gpus)


def load_array(data_arrays, batch_size, is_train=True):
    """Iterate over minibatches of tensors, reshuffled each epoch if training.

    As with the book's DataLoader, each batch is a list of one tensor per
    array (`for (X,) in data_iter`, `for X, y in data_iter`)."""
    return ArrayLoader(data_arrays, batch_size, shuffle=is_train,
                       take=lambda a, order: a[torch.from_numpy(order)], collate=list)


def get_dataloader_workers():
    """The book's number of processes for reading data."""
    return 4


def reproducible(seed=0, threads=1):
    """Seed every random generator a notebook uses and fix the number of CPU
    threads (at most D2LGAN_THREADS, if set), so that a run prints the same
    numbers each time on one machine."""
    seed_python_numpy(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(capped_threads(threads))


# ---- The book's tensor aliases ----
# The book's code calls tensor functions through d2l (d2l.normal, d2l.tensor,
# d2l.matmul, d2l.numpy, ...), names its PyTorch module defines at its end, so
# that one line of code can serve several frameworks. The same names for the
# same PyTorch functions (tests/test_book_library.py compares them).
ones, ones_like, zeros, zeros_like, eye = (torch.ones, torch.ones_like, torch.zeros,
                                           torch.zeros_like, torch.eye)
tensor, arange, linspace, meshgrid = torch.tensor, torch.arange, torch.linspace, torch.meshgrid
normal, rand, randn = torch.normal, torch.rand, torch.randn
sin, sinh, cos, cosh, tanh = torch.sin, torch.sinh, torch.cos, torch.cosh, torch.tanh
exp, log, abs, sigmoid = torch.exp, torch.log, torch.abs, torch.sigmoid
matmul, batch_matmul = torch.matmul, torch.bmm
concat, stack = torch.cat, torch.stack
int32, int64, float32 = torch.int32, torch.int64, torch.float32
nn_Module = torch.nn.Module
# Methods of a tensor, called as functions: d2l.reduce_sum(x, dim=0) is x.sum(dim=0).
numpy = lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs)
size = lambda x, *args, **kwargs: x.numel(*args, **kwargs)
transpose = lambda x, *args, **kwargs: x.t(*args, **kwargs)
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)
expand_dims = lambda x, *args, **kwargs: x.unsqueeze(*args, **kwargs)
to = lambda x, *args, **kwargs: x.to(*args, **kwargs)
astype = lambda x, *args, **kwargs: x.type(*args, **kwargs)
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)
swapaxes = lambda x, *args, **kwargs: x.swapaxes(*args, **kwargs)
repeat = lambda x, *args, **kwargs: x.repeat(*args, **kwargs)


d2l = sys.modules[__name__]  # saved code calls the helpers as d2l.<name>, as in a notebook

# ---- Saved from the notebooks: edit sections/*.md, then `make lib` ----
# From notebooks/pytorch/gan.ipynb
def update_D(X, Z, net_D, net_G, loss, trainer_D):
    """Update the discriminator on real examples X and noise Z."""
    with torch.no_grad():
        fake_X = net_G(Z)  # computed without autograd: no gradient reaches G
    trainer_D.zero_grad()
    real_Y = net_D(X)
    fake_Y = net_D(fake_X)
    loss_D = (loss(real_Y, torch.ones_like(real_Y)) +
              loss(fake_Y, torch.zeros_like(fake_Y))) / 2
    loss_D.backward()
    trainer_D.step()
    return loss_D.item()


# From notebooks/pytorch/gan.ipynb
def update_G(Z, net_D, net_G, loss, trainer_G):
    """Update the generator on noise Z."""
    trainer_G.zero_grad()
    fake_Y = net_D(net_G(Z))
    loss_G = loss(fake_Y, torch.ones_like(fake_Y))
    loss_G.backward()
    trainer_G.step()
    return loss_G.item()


# From notebooks/pytorch/gan-practice.ipynb
def average_weights(net_avg, net, decay):
    """Move every weight of net_avg towards net's: decay * avg + (1 - decay) * w."""
    with torch.no_grad():
        for avg, w in zip(net_avg.state_dict().values(), net.state_dict().values()):
            if avg.is_floating_point():
                avg.mul_(decay).add_(w, alpha=1 - decay)
            else:  # a count (batch norm's number of batches seen) is copied
                avg.copy_(w)


# From notebooks/pytorch/vae.ipynb
def encoder(num_outputs, num_hiddens=256):
    """Maps flattened 28 x 28 images to num_outputs numbers."""
    return nn.Sequential(nn.Linear(28 * 28, num_hiddens), nn.ReLU(),
                         nn.Linear(num_hiddens, num_outputs))

def decoder(latent_dim, num_hiddens=256):
    """Maps codes to logits, one per pixel."""
    return nn.Sequential(nn.Linear(latent_dim, num_hiddens), nn.ReLU(),
                         nn.Linear(num_hiddens, 28 * 28))


# From notebooks/pytorch/vae.ipynb
def init_weights(net):
    """Initialize as Keras does: Glorot-uniform weights, zero biases."""
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)  # Glorot uniform
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net


# From notebooks/pytorch/vae.ipynb
def reconstruction_loss(logits, X):
    """Binary cross-entropy summed over each image's pixels."""
    return nn.functional.binary_cross_entropy_with_logits(
        logits, X, reduction='none').sum(dim=1)


# From notebooks/pytorch/vae.ipynb
def vae_step(X, eps, enc, dec, trainer):
    """One step on the VAE's loss; return its two terms per image."""
    trainer.zero_grad()
    mean, log_var = enc(X).chunk(2, dim=1)
    Z = mean + torch.exp(log_var / 2) * eps  # the reparameterization trick
    rec = reconstruction_loss(dec(Z), X)
    kl = -0.5 * (1 + log_var - mean ** 2 - torch.exp(log_var)).sum(dim=1)
    (rec + kl).mean().backward()
    trainer.step()
    return rec.mean().item(), kl.mean().item()


# From notebooks/pytorch/vae.ipynb
def train_vae(enc, dec, data_iter, latent_dim, num_epochs, lr=1e-3, show=True):
    """Train a VAE with Adam; show the two loss terms and the decoded images
    of 21 fixed prior codes after each epoch. Return the training time."""
    trainer = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    if show:
        animator = d2l.Animator(xlabel='epoch', ylabel='loss per digit', yscale='log',
                                xlim=[1, num_epochs], nrows=2, figsize=(5, 5),
                                legend=['reconstruction', 'KL'])
        animator.fig.subplots_adjust(hspace=0.3)
        Z = torch.normal(0, 1, size=(21, latent_dim))  # fixed codes to watch
    timer = d2l.Timer()
    for epoch in range(1, num_epochs + 1):
        metric = d2l.Accumulator(3)  # reconstruction, KL, number of examples
        timer.start()
        for (X,) in data_iter:
            eps = torch.normal(0, 1, size=(X.shape[0], latent_dim))
            rec, kl = vae_step(X, eps, enc, dec, trainer)
            metric.add(rec * X.shape[0], kl * X.shape[0], X.shape[0])
        timer.stop()
        if show:
            with torch.no_grad():
                fake_X = torch.sigmoid(dec(Z)).reshape(-1, 28, 28, 1).numpy()
            animator.axes[1].cla()
            animator.axes[1].imshow(d2l.image_grid(fake_X, 7, gap=2), cmap='gray')
            animator.axes[1].axis('off')
            animator.add(epoch, (metric[0] / metric[2], metric[1] / metric[2]))
    print(f'reconstruction {metric[0] / metric[2]:.1f}, KL {metric[1] / metric[2]:.2f} '
          f'per digit, {metric[2] * num_epochs / timer.sum():.1f} examples/sec')
    return timer.sum()
# ---- End of saved code ----
