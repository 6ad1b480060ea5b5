"""d2lgan stands in for the book's library, d2l 1.0.3, which is installed
next to it (requirements-nodeps.txt, without d2l's pins).

The book's own code must import in the course's environment, and every name
d2lgan shares with the book's module of a framework must accept the same
calls: the same parameters, in the same order, with the same defaults. Our
functions may add parameters after the book's, each with a default.

The code of the book's GAN chapter must run on d2lgan with only its import
changed: d2lgan has every tensor alias the book's modules end with
(d2l.normal, d2l.tensor, d2l.matmul, ...), each the same function as the
book's or giving the same results; it has the other names the book's GAN
sections use; and `load_array` hands out batches in the book's form for
each framework. MXNet's and TensorFlow's modules of the book are imported
and compared directly; the book's PyTorch module imports torchvision, which
does not import beside the CPU build of torch, so for PyTorch the objects
are rebuilt from the book's source.
"""
import ast
import importlib
import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MODULES = ['mxnet', 'torch', 'tensorflow']

# Where d2lgan differs from the book on purpose, and why (docs/library.md,
# its documented differences). Keys: (module, name); values: the reason.
EXCEPTIONS = {
    ('mxnet', 'update_D'): 'takes a DiscriminatorLoss block, which compiles both passes '
                           'of the discriminator into one graph, in place of net_D and loss',
}
# Defaults that differ in form only, for every module.
SAME_DEFAULTS = {
    ('plot', 'legend'): ('[]', 'None'),        # both mean "no legend"
    ('download', 'folder'): ("'../data'", 'None'),  # None: the course's one data folder
}


def book_source(module):
    spec = importlib.util.find_spec('d2l')
    assert spec is not None, 'install the book\'s library: make setup (requirements-nodeps.txt)'
    return Path(spec.origin).parent / f'{module}.py'


def book_signatures(module):
    """name -> [(parameter, default source or None)] for the book's public
    functions and classes (their __init__), read from the source."""
    signatures = {}
    for node in ast.parse(book_source(module).read_text()).body:
        if isinstance(node, ast.ClassDef):
            inits = [b for b in node.body
                     if isinstance(b, ast.FunctionDef) and b.name == '__init__']
            signatures[node.name] = _parameters(inits[0].args) if inits else []
        elif isinstance(node, ast.FunctionDef):
            signatures[node.name] = _parameters(node.args)
    return {k: v for k, v in signatures.items() if not k.startswith('_')}


def _parameters(args):
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + args.defaults
    out = [(a.arg, d) for a, d in zip(positional, defaults) if a.arg != 'self']
    if args.vararg:
        out.append(('*' + args.vararg.arg, None))
    out += list(zip((a.arg for a in args.kwonlyargs), args.kw_defaults))
    if args.kwarg:
        out.append(('**' + args.kwarg.arg, None))
    return [(name, None if d is None else ast.unparse(d)) for name, d in out]


def our_signature(obj):
    stars = {inspect.Parameter.VAR_POSITIONAL: '*', inspect.Parameter.VAR_KEYWORD: '**'}
    return [(stars.get(p.kind, '') + p.name,
             None if p.default is p.empty else repr(p.default))
            for p in inspect.signature(obj).parameters.values()]


def incompatibilities(name, ours, book):
    """Why a call written for the book's `name` would not work the same on ours."""
    problems = []
    for i, (param, default) in enumerate(book):
        if i >= len(ours):
            problems.append(f'lacks {param}')
            break
        our_param, our_default = ours[i]
        if our_param != param:
            problems.append(f'parameter {i + 1} is {our_param}, the book\'s is {param}')
        elif our_default != default and SAME_DEFAULTS.get((name, param)) != (default, our_default):
            problems.append(f'{param} defaults to {our_default}, the book\'s to {default}')
    problems += [f'added parameter {p} has no default'
                 for p, d in ours[len(book):] if d is None and not p.startswith('*')]
    return problems


@pytest.mark.parametrize('module', MODULES)
def test_shared_names_accept_the_books_calls(module):
    ours = importlib.import_module(f'd2lgan.{module}')
    book = book_signatures(module)
    shared = sorted(n for n in book if not n.startswith('_') and callable(getattr(ours, n, None)))
    assert {'Animator', 'Timer', 'Accumulator', 'plot', 'show_images', 'try_gpu',
            'load_array', 'update_D', 'update_G'} <= set(shared)
    problems = {}
    for name in shared:
        found = incompatibilities(name, our_signature(getattr(ours, name)), book[name])
        if found and (module, name) not in EXCEPTIONS:
            problems[name] = found
        if not found:
            assert (module, name) not in EXCEPTIONS, f'{name} needs no exception any more'
    assert problems == {}


def test_the_check_sees_a_renamed_or_reordered_parameter():
    book = [('X', None), ('Z', None), ('net_D', None)]
    assert incompatibilities('f', [('X', None), ('Z', None), ('net_D', None)], book) == []
    assert incompatibilities('f', [('X', None), ('net_D', None), ('Z', None)], book)
    assert incompatibilities('f', [('X', None), ('Z', None)], book) == ['lacks net_D']
    assert incompatibilities('f', [('X', None), ('Z', None), ('net_D', "'a'")], book)
    assert incompatibilities('f', book + [('extra', None)], book)
    assert incompatibilities('f', book + [('extra', '0.5')], book) == []


IMPORT_BOOK = {
    # MXNet 1.9 needs NumPy's old aliases back, which d2lgan.mxnet restores.
    'mxnet': 'import d2lgan.mxnet; from d2l import mxnet as d2l',
    'torch': 'from d2l import torch as d2l',
    'tensorflow': 'from d2l import tensorflow as d2l',
}


@pytest.mark.parametrize('module', MODULES)
def test_the_books_library_imports(module):
    code = IMPORT_BOOK[module] + '; print(d2l.Animator.__name__, d2l.try_gpu.__name__)'
    run = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    if run.returncode and module == 'torch' and 'torchvision::nms does not exist' in run.stderr:
        import torch
        if torch.version.cuda is None:
            pytest.xfail(f'torch here is the CPU build {torch.__version__}, and the only '
                         f'torchvision 0.28.0 wheel the registry has is built for CUDA torch; '
                         f'd2l.torch imports torchvision. With PyPI\'s torch 2.13.0, or '
                         f'torchvision from https://download.pytorch.org/whl/cpu, it imports.')
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split()[-2:] == ['Animator', 'try_gpu']


# ---------------------------------------------------------- the book's GAN code
# The d2l names that the code of the book's GAN sections (its GAN and DCGAN sections)
# calls, in every framework, and those it calls in some frameworks only.
GAN_SECTION_NAMES = {'normal', 'tensor', 'matmul', 'numpy', 'set_figsize', 'plt', 'plot',
                     'load_array', 'Animator', 'Timer', 'Accumulator', 'try_gpu',
                     'update_D', 'update_G', 'DATA_HUB', 'DATA_URL', 'download_extract',
                     'show_images'}
GAN_SECTION_NAMES_OF = {'mxnet': {'arange', 'get_dataloader_workers'},
                        'torch': {'arange', 'get_dataloader_workers'},
                        'tensorflow': set()}


def book_aliases(module):
    """name -> source of its value, for the aliases the book's module defines
    after its last function or class (`ones = torch.ones`, lambdas, ...)."""
    body = ast.parse(book_source(module).read_text()).body
    last = max(i for i, node in enumerate(body)
               if isinstance(node, (ast.FunctionDef, ast.ClassDef)))
    return {node.targets[0].id: ast.unparse(node.value) for node in body[last + 1:]
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}


def book_top_level_names(module):
    """Every name the book's module defines or imports at its top level."""
    names = set()
    for node in ast.parse(book_source(module).read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split('.')[0] for a in node.names}
    return names


def book_object(module, name):
    """The book's `name`: from its imported module for MXNet and TensorFlow
    (after d2lgan.mxnet, which restores the NumPy names MXNet needs); for
    PyTorch rebuilt from its source, an alias's value or a function's code
    evaluated beside torch."""
    if module != 'torch':
        importlib.import_module(f'd2lgan.{module}')
        return getattr(importlib.import_module(f'd2l.{module}'), name)
    import torch
    namespace = {'torch': torch, 'nn': torch.nn}
    aliases = book_aliases('torch')
    if name in aliases:
        return eval(aliases[name], namespace)
    for node in ast.parse(book_source('torch').read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            exec(ast.unparse(node), namespace)
            return namespace[name]
    raise LookupError(f'the book\'s torch module has no {name}')


@pytest.mark.parametrize('module', MODULES)
def test_the_books_gan_sections_find_their_names(module):
    """Every d2l name the book's GAN sections call in this framework is in
    the book's module (so that this list is right) and in ours."""
    ours = importlib.import_module(f'd2lgan.{module}')
    used = GAN_SECTION_NAMES | GAN_SECTION_NAMES_OF[module]
    assert used <= book_top_level_names(module)
    assert sorted(n for n in used if not hasattr(ours, n)) == []


@pytest.mark.parametrize('module', MODULES)
def test_every_tensor_alias_of_the_book_is_here(module):
    aliases = book_aliases(module)
    assert len(aliases) > 30 and {'normal', 'tensor', 'matmul', 'numpy'} <= set(aliases)
    ours = importlib.import_module(f'd2lgan.{module}')
    assert sorted(n for n in aliases if not hasattr(ours, n)) == []


def framework(module):
    """The framework's pieces the comparisons need: a 2x3 float32 tensor,
    the CPU device and the float64 type. Seeds and threads are fixed first,
    as in a notebook: TensorFlow cannot change its threads after its first
    operation, and tests of d2lgan that run later in this process fix them."""
    importlib.import_module(f'd2lgan.{module}').reproducible(seed=0)
    if module == 'mxnet':
        import d2lgan.mxnet as d2l
        return d2l.np.arange(6, dtype='float32').reshape(2, 3), d2l.npx.cpu(), 'float64'
    if module == 'torch':
        import torch
        return torch.arange(6.0).reshape(2, 3), torch.device('cpu'), torch.float64
    import tensorflow as tf
    return tf.reshape(tf.range(6.0), (2, 3)), '/CPU:0', tf.float64


# The calls an alias that wraps a method (a lambda in the book) is compared
# on, for its tensor x; DEVICE and FLOAT64 stand for the framework's.
DEVICE, FLOAT64 = object(), object()
METHOD_CALLS = {
    'numpy': [()], 'size': [()], 'transpose': [()], 'reshape': [((3, 2),), (3, 2)],
    'to': [(DEVICE,)], 'astype': [(FLOAT64,)], 'reduce_sum': [(), (0,)],
    'reduce_mean': [(), (1,)], 'argmax': [(), (1,)], 'expand_dims': [(0,)],
    'swapaxes': [(0, 1)], 'repeat': [(2, 1)],
}


def outcome(f, x, args):
    """What f(x, *args) gives, in a form to compare: its type and values, or
    the type of the error it raises."""
    try:
        y = f(x, *args)
    except Exception as e:
        return 'raises', type(e)
    if hasattr(y, 'asnumpy'):
        values = y.asnumpy()
    elif hasattr(y, 'detach'):
        values = y.detach().numpy()
    else:
        values = np.asarray(y)
    return type(y), values.dtype, values.tolist()


@pytest.mark.parametrize('module', MODULES)
def test_the_tensor_aliases_are_the_books(module):
    """An alias the book binds to a framework function is that function here
    too; one that calls a method of its tensor gives the same results as the
    book's on the same tensor and arguments."""
    ours = importlib.import_module(f'd2lgan.{module}')
    x, device, float64 = framework(module)
    different = {}
    for name in book_aliases(module):
        book, mine = book_object(module, name), getattr(ours, name)
        if getattr(book, '__name__', None) != '<lambda>':
            if mine is not book:
                different[name] = f'{mine!r} is not the book\'s {book!r}'
            continue
        assert name in METHOD_CALLS, f'say which calls to compare {name} on'
        for args in METHOD_CALLS[name]:
            args = tuple(device if a is DEVICE else float64 if a is FLOAT64 else a
                         for a in args)
            if outcome(mine, x, args) != outcome(book, x, args):
                different[f'{name}{args}'] = (outcome(mine, x, args), outcome(book, x, args))
    assert different == {}


def batch_form(batch):
    """A batch as a loop receives it: its container and, for each tensor,
    its type and rows."""
    if isinstance(batch, (list, tuple)):
        return type(batch), [batch_form(part) for part in batch]
    return outcome(lambda t: t, batch, ())


@pytest.mark.parametrize('module', MODULES)
@pytest.mark.parametrize('arrays', [1, 2])
def test_load_array_hands_out_the_books_batches(module, arrays):
    """In the test order, load_array gives the batches the book's does, in the
    same form: for MXNet and one array the array itself, so that the book's
    `for X in data_iter` sees X.shape[0] examples; otherwise a list (PyTorch,
    MXNet) or tuple (TensorFlow) of one tensor per array."""
    ours = importlib.import_module(f'd2lgan.{module}')
    x, _, _ = framework(module)
    data = (ours.concat([x, x + 6, x + 12], 0), ours.arange(6))[:arrays]
    book = book_object(module, 'load_array')
    mine = [batch_form(b) for b in ours.load_array(data, 4, is_train=False)]
    assert mine == [batch_form(b) for b in book(data, 4, is_train=False)]
    assert len(mine) == 2
    # Shuffled for training: the same form, every example once.
    shuffled = list(ours.load_array(data, 4))
    assert [batch_form(b)[0] for b in shuffled] == [f[0] for f in mine]
    if module == 'mxnet' and arrays == 1:
        assert [X.shape[0] for X in shuffled] == [4, 2]
