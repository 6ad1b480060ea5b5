"""Framework-neutral helpers: everything d2lgan does without a framework.

They work on plain Python numbers and NumPy arrays, so the three framework
modules (`d2lgan.mxnet`, `d2lgan.torch`, `d2lgan.tensorflow`) share one copy
and re-export it, and a notebook reaches every helper as `d2l.<name>`, as
in the book. The code lives in modules named for what they hold:

* `d2lgan.plotting`: figures, image grids and the live `Animator`;
* `d2lgan.training`: timing, running sums, minibatches, seeding, devices;
* `d2lgan.measures`: what a generator learned (Gaussians, digits);
* `d2lgan.data`: shipped data sets and checked downloads.
"""
from d2lgan import data, measures, plotting, training
from d2lgan.data import *  # noqa: F403
from d2lgan.measures import *  # noqa: F403
from d2lgan.plotting import *  # noqa: F403
from d2lgan.training import *  # noqa: F403

__all__ = sorted({*plotting.__all__, *training.__all__, *measures.__all__, *data.__all__})
