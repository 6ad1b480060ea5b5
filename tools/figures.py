"""Draw the course's own figures into img/ (run: python -m tools.figures).

Each figure is drawn with matplotlib from code, so that it can be changed
and redrawn, and written as a PNG without metadata that changes from run to
run, so redrawing an unchanged figure leaves the file unchanged. The
notebooks embed it (see `embed_images` in tools/nbsource.py).
"""
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

IMG = Path(__file__).resolve().parents[1] / 'img'


def box(ax, xy, w, h, text, color):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle='round,pad=0.02,rounding_size=0.08',
                                fc=color, ec='#333333', lw=1.2))
    ax.text(x + w / 2, y + h / 2, text, ha='center', va='center', fontsize=11)


def arrow(ax, start, end, text=None, offset=(0, 0.12)):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle='-|>', mutation_scale=14,
                                 lw=1.2, color='#333333'))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1],
                text, ha='center', va='bottom', fontsize=10)


def gan():
    """The GAN architecture: noise -> generator -> discriminator <- real data."""
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    ax.set_xlim(0, 9)
    ax.set_ylim(0, 3.2)
    ax.axis('off')
    box(ax, (0.1, 0.35), 1.5, 0.8, 'noise\n$\\mathbf{z}$', '#eeeeee')
    box(ax, (2.3, 0.35), 1.7, 0.8, 'generator\n$G$', '#c6dbef')
    box(ax, (0.1, 2.05), 1.5, 0.8, 'real data\n$\\mathbf{x}$', '#eeeeee')
    box(ax, (5.0, 1.15), 1.9, 0.9, 'discriminator\n$D$', '#fdd0a2')
    box(ax, (7.5, 1.15), 1.4, 0.9, 'real or\ngenerated?', '#ffffff')
    arrow(ax, (1.6, 0.75), (2.3, 0.75))
    arrow(ax, (4.0, 0.75), (5.0, 1.35))
    ax.text(4.15, 0.35, "generated $\\mathbf{x}' = G(\\mathbf{z})$", fontsize=10)
    arrow(ax, (1.6, 2.45), (5.0, 1.85))
    arrow(ax, (6.9, 1.6), (7.5, 1.6))
    fig.tight_layout(pad=0.1)
    return fig


def losses():
    """The generator's two losses against D(G(z)): flat or steep where G starts."""
    import numpy as np
    d = np.linspace(0.001, 0.999, 500)
    fig, ax = plt.subplots(figsize=(5.6, 3.0))
    ax.plot(d, np.log(1 - d), color='#d62728', lw=2,
            label='saturating: minimize $\\log(1 - D(G(\\mathbf{z})))$')
    ax.plot(d, -np.log(d), color='#1f77b4', lw=2,
            label='non-saturating: minimize $-\\log D(G(\\mathbf{z}))$')
    ax.axvspan(0, 0.1, color='#dddddd', zorder=0)
    ax.text(0.02, -4.3, 'G starts\nhere', fontsize=9, va='bottom')
    ax.set_xlim(0, 1)
    ax.set_ylim(-4.5, 4.5)
    ax.axhline(0, color='#999999', lw=0.8)
    ax.set_xlabel('$D(G(\\mathbf{z}))$: how real D finds a generated image')
    ax.set_ylabel("generator's loss")
    ax.legend(fontsize=9, loc='upper right', frameon=False)
    fig.tight_layout(pad=0.2)
    return fig


def grid(ax, x, y, n, size, values=None, color='#c6dbef', label=None):
    """An n x n grid of cells of `size`, lower left corner at (x, y)."""
    for i in range(n):
        for j in range(n):
            fc = color if values is None else values[i][j]
            ax.add_patch(plt.Rectangle((x + j * size, y + (n - 1 - i) * size), size, size,
                                       fc=fc, ec='#333333', lw=0.8))
    if label:
        ax.text(x + n * size / 2, y - 0.25, label, ha='center', va='top', fontsize=10)


def transposed_convolution():
    """A transposed convolution (kernel 4, stride 2, padding 1) turns 2x2 into 4x4."""
    fig, ax = plt.subplots(figsize=(6.6, 3.0))
    ax.set_xlim(0, 8.9)
    ax.set_ylim(-0.9, 3.3)
    ax.set_aspect('equal')
    ax.axis('off')
    shades = [['#6baed6', '#fdae6b'], ['#74c476', '#bcbddc']]
    grid(ax, 0.2, 1.2, 2, 0.6, shades, label='input, 2x2')
    grid(ax, 2.6, 0.9, 4, 0.45, [['#dddddd'] * 4] * 4, label='kernel, 4x4')
    # the output before cropping: 6x6, each input pixel stamps the kernel at 2 * its position
    x0, y0, c = 5.6, 0.0, 0.5
    for i in range(6):
        for j in range(6):
            inner = 1 <= i <= 4 and 1 <= j <= 4
            ax.add_patch(plt.Rectangle((x0 + j * c, y0 + (5 - i) * c), c, c,
                                       fc='#ffffff' if inner else '#f2f2f2',
                                       ec='#999999', lw=0.6))
    for (i, j), color in zip([(0, 0), (0, 1), (1, 0), (1, 1)],
                             ['#6baed6', '#fdae6b', '#74c476', '#bcbddc']):
        inset = 0.05 + 0.05 * (2 * i + j)  # so that the four stamps stay apart
        ax.add_patch(plt.Rectangle((x0 + 2 * j * c + inset, y0 + (2 - 2 * i) * c + inset),
                                   4 * c - 2 * inset, 4 * c - 2 * inset, fc=color,
                                   alpha=0.25, ec=color, lw=2.2))
    ax.add_patch(plt.Rectangle((x0 + c, y0 + c), 4 * c, 4 * c, fc='none', ec='#000000', lw=2))
    ax.text(x0 + 3 * c, y0 - 0.25, 'output: 6x6 of sums, less a border of 1 = 4x4',
            ha='center', va='top', fontsize=10)
    arrow(ax, (1.6, 1.8), (2.5, 1.8))
    arrow(ax, (4.5, 1.8), (5.5, 1.8))
    ax.text(2.05, 2.0, 'each pixel\nweighs the\nkernel', ha='center', va='bottom', fontsize=9)
    ax.text(5.0, 2.0, 'placed at\nstride 2,\noverlaps\nadded', ha='center', va='bottom',
            fontsize=9)
    fig.tight_layout(pad=0.1)
    return fig


def dcgan_shapes():
    """The section's DCGAN, block by block, with the shape after each block."""
    fig, ax = plt.subplots(figsize=(8.4, 4.4))
    ax.set_xlim(-0.2, 10.4)
    ax.set_ylim(-0.1, 5.6)
    ax.axis('off')
    # (label, channels, pixels): drawn as squares whose side grows with the pixels
    g = [('noise', 100, 1), ('block 1', 128, 4), ('block 2', 64, 8), ('block 3', 32, 16),
         ('image', 1, 32)]
    d = [('image', 1, 32), ('block 1', 16, 16), ('block 2', 32, 8), ('block 3', 64, 4),
         ('logit', 1, 1)]
    for name, layers, y, color in [
            ('generator: transposed convolutions', g, 3.2, '#c6dbef'),
            ('discriminator: strided convolutions', d, 0.55, '#fdd0a2')]:
        ax.text(-0.1, y + 1.75, name, fontsize=11, weight='bold', va='bottom')
        x = 0.1
        for k, (label, ch, px) in enumerate(layers):
            side = 0.25 + 1.25 * (px / 32) ** 0.5
            ax.add_patch(plt.Rectangle((x, y + (1.5 - side) / 2), side, side, fc=color,
                                       ec='#333333', lw=1))
            ax.text(x + side / 2, y - 0.12, f'{label}\n{ch} x {px} x {px}', ha='center',
                    va='top', fontsize=9)
            if k + 1 < len(layers):
                arrow(ax, (x + side + 0.12, y + 0.75), (x + side + 0.78, y + 0.75))
            x += side + 0.9
    ax.text(10.3, 5.5, 'shapes: channels x height x width', ha='right', va='top', fontsize=9,
            color='#555555')
    fig.tight_layout(pad=0.1)
    return fig


def vae():
    """The VAE's path: encoder, (mean, log variance), noise, code, decoder."""
    fig, ax = plt.subplots(figsize=(8.6, 2.6))
    ax.set_xlim(0, 11.2)
    ax.set_ylim(0, 3.2)
    ax.axis('off')
    box(ax, (0.1, 1.1), 1.2, 0.9, 'image\n$\\mathbf{x}$', '#eeeeee')
    box(ax, (1.9, 1.1), 1.5, 0.9, 'encoder', '#c6dbef')
    box(ax, (4.0, 2.0), 1.7, 0.8, 'mean $\\boldsymbol{\\mu}$', '#ffffff')
    box(ax, (4.0, 0.3), 1.7, 0.8, 'log variance\n$\\log \\boldsymbol{\\sigma}^2$', '#ffffff')
    box(ax, (6.3, 2.2), 1.6, 0.8,
        'noise $\\boldsymbol{\\epsilon}$\n$\\sim \\mathcal{N}(0, \\mathbf{I})$', '#eeeeee')
    box(ax, (6.3, 0.9), 1.6, 0.9, 'code $\\mathbf{z} =$\n'
        '$\\boldsymbol{\\mu} + \\boldsymbol{\\sigma} \\odot \\boldsymbol{\\epsilon}$', '#fdd0a2')
    box(ax, (8.5, 0.9), 1.3, 0.9, 'decoder', '#c6dbef')
    box(ax, (10.2, 0.9), 0.9, 0.9, "$\\mathbf{x}'$", '#eeeeee')
    arrow(ax, (1.3, 1.55), (1.9, 1.55))
    arrow(ax, (3.4, 1.7), (4.0, 2.3))
    arrow(ax, (3.4, 1.4), (4.0, 0.8))
    arrow(ax, (5.7, 2.3), (6.3, 1.55))
    arrow(ax, (5.7, 0.7), (6.3, 1.2))
    arrow(ax, (7.1, 2.2), (7.1, 1.8))
    arrow(ax, (7.9, 1.35), (8.5, 1.35))
    arrow(ax, (9.8, 1.35), (10.2, 1.35))
    ax.text(4.85, 0.0, 'the KL term pulls $\\boldsymbol{\\mu}$ towards 0 and '
            '$\\boldsymbol{\\sigma}$ towards 1', ha='center', va='bottom', fontsize=9,
            color='#555555')
    fig.tight_layout(pad=0.1)
    return fig


def main():
    IMG.mkdir(exist_ok=True)
    for name, draw in [('gan', gan), ('losses', losses),
                       ('transposed-convolution', transposed_convolution),
                       ('dcgan-shapes', dcgan_shapes), ('vae', vae)]:
        fig = draw()
        # PNG, not SVG: notebooks carry their figures as attachments, and
        # JupyterLab does not show SVG attachments (jupyterlab/jupyterlab#10464).
        fig.savefig(IMG / f'{name}.png', dpi=100, metadata={'Software': None})
        plt.close(fig)
        print(f'wrote img/{name}.png')


if __name__ == '__main__':
    main()
