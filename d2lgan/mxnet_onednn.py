"""A workaround for one bug in MXNet 1.9.1's oneDNN (MKLDNN) CPU kernels.

MXNet computes convolutions on the CPU with oneDNN, which makes them several
times faster than its own kernels. But in MXNet 1.9.1, the last release,
oneDNN cannot compute the gradient with respect to the input of a transposed
convolution with exactly one output channel (and 16 or more input channels):
the backward pass stops with "could not create a primitive descriptor for a
reorder primitive". That layer is the last one of a generator of gray
images, as in the DCGAN section, and the generator's update needs exactly
that gradient.

`patch_one_channel_transposed_convolution` makes Gluon's transposed
convolutions with one output channel compute with two channels: the real
weights next to a block of zeros, keeping only the first channel of the
result. This is the same function with the same parameters (their shape,
initialization and gradients are unchanged; the extra channel has no
parameters and receives no gradient), and oneDNN handles it. `d2lgan.mxnet`
applies it on import; tests/test_frameworks.py checks, in separate
processes, that outputs and gradients equal those of MXNet's own kernels.
"""
import os

import mxnet as mx
from mxnet.gluon.nn import conv_layers
from mxnet.util import is_np_array


def onednn_enabled():
    """True if MXNet runs its CPU operators with oneDNN."""
    return (os.environ.get('MXNET_MKLDNN_ENABLED', '1') != '0'
            and mx.runtime.Features().is_enabled('MKLDNN'))


def patch_one_channel_transposed_convolution():
    """Route Gluon's one-output-channel transposed convolutions around the
    oneDNN bug described above. Safe to call more than once."""
    if getattr(conv_layers._Conv.hybrid_forward, 'd2lgan_patched', False):
        return
    original = conv_layers._Conv.hybrid_forward

    def constant(F, a):
        """`a` without gradient (NumPy-style symbols have no detach())."""
        return F.BlockGrad(a.as_nd_ndarray()).as_np_ndarray()

    def hybrid_forward(self, F, x, weight, bias=None):
        kwargs = self._kwargs
        if not (self._op_name.lower() == 'deconvolution' and kwargs['num_filter'] == 1
                and kwargs['num_group'] == 1 and bias is None and is_np_array()):
            return original(self, F, x, weight, bias)
        # The result, and the gradient for x: two output channels (the real
        # weights and zeros) with the weights held constant; keep channel 0.
        both = constant(F, F.np.concatenate([weight, F.np.zeros_like(weight)], axis=1))
        out = F.npx.deconvolution(x, both, name='fwd', **dict(kwargs, num_filter=2))
        out = F.npx.slice(out, begin=(None, 0), end=(None, 1))
        # The gradient for the weights: one output channel, x held constant.
        # `dw - constant(dw)` is zero, so it adds that gradient and nothing else.
        dw = F.npx.deconvolution(constant(F, x), weight, **kwargs)
        out = out + (dw - constant(F, dw))
        return self.act(out) if self.act is not None else out

    hybrid_forward.d2lgan_patched = True
    conv_layers._Conv.hybrid_forward = hybrid_forward
