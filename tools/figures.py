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


def main():
    IMG.mkdir(exist_ok=True)
    for name, draw in [('gan', gan)]:
        fig = draw()
        # PNG, not SVG: notebooks carry their figures as attachments, and
        # JupyterLab does not show SVG attachments (jupyterlab/jupyterlab#10464).
        fig.savefig(IMG / f'{name}.png', dpi=100, metadata={'Software': None})
        plt.close(fig)
        print(f'wrote img/{name}.png')


if __name__ == '__main__':
    main()
