"""Shared test set-up: draw with the headless Agg backend in this process.

Notebook kernels started by the tests are separate processes and keep
Jupyter's inline backend, so the notebooks still produce their figures.
"""
import matplotlib

matplotlib.use('Agg')
