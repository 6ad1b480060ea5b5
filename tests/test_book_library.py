"""d2lgan stands in for the book's library, d2l 1.0.3, which is installed
next to it (requirements-nodeps.txt, without d2l's pins).

The book's own code must import in the course's environment, and every name
d2lgan shares with the book's module of a framework must accept the same
calls: the same parameters, in the same order, with the same defaults. Our
functions may add parameters after the book's, each with a default.
"""
import ast
import importlib
import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

MODULES = ['mxnet', 'torch', 'tensorflow']

# Where d2lgan differs from the book on purpose, and why (README: "The book's
# library"). Keys: (module, name); values: the reason.
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
