"""Running a notebook: the one way every tool and test runs one.

`run` starts a fresh kernel in the notebook's folder and executes the code
cells top to bottom, as a reader's Run All does; it can do that several
times in the same kernel (as a reader who runs the notebook again), change
the kernel's environment (another CPU's code paths, tools/nbcompare.py) or
edit each cell first (another seed, tools/variation.py). The notebook's
file is never written here: `nbsource.store` decides what is kept.
"""
import copy
import os
from pathlib import Path

import nbformat

# Kernels started here may share the CPU with another notebook (the test
# suite runs one per core), so each gets one thread: PyTorch and TensorFlow
# through D2LGAN_THREADS (d2lgan's `reproducible`), MXNet, MKL and OpenBLAS
# through their own variables: two notebooks with two threads each on two
# cores wait on each other. One thread splits the work differently, so the
# numbers change in the last digits, as on another CPU; the test compares
# them as tolerantly. Idle OpenMP threads sleep instead of spinning. (What
# each of these costs, measured: docs/testing.md.)
SHARED_CPU = {'OMP_WAIT_POLICY': 'PASSIVE', 'D2LGAN_THREADS': '1', 'OMP_NUM_THREADS': '1',
              'MKL_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1'}


def run(path, runs=1, env=None, edit=None, shared_cpu=True, timeout=1200,
        kernel_name='python3'):
    """Run the notebook at `path` top to bottom `runs` times in one fresh
    kernel (Run All, then Run All again, ...), in the notebook's folder, and
    return one executed copy per run, with each cell's timing in its
    metadata. `env` is added to the kernel's environment; `edit(source) ->
    source` may change each code cell first; `shared_cpu` sets SHARED_CPU
    (for kernels that run side by side; a kernel alone runs faster without
    it, with all the threads its notebook asks for)."""
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
            if edit:
                cell.source = edit(cell.source)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={'metadata': {'path': str(Path(path).parent)}})
    results = []
    kernel_env = dict(os.environ, **(SHARED_CPU if shared_cpu else {}), **(env or {}))
    with client.setup_kernel(env=kernel_env):
        for _ in range(runs):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == 'code':
                    cell.outputs = []
                client.execute_cell(cell, index)
            results.append(copy.deepcopy(nb))
    return results
