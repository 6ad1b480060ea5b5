"""d2lgan: the helper library of the d2lgan course.

Import the module of the framework you study, as the book does:

    from d2lgan import torch as d2l        # or mxnet, or tensorflow

Each of those modules re-exports the framework-neutral helpers of
`d2lgan.core` and adds the few that need its framework. Importing this
package imports no framework.
"""
__version__ = '0.1.0'
