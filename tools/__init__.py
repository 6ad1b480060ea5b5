"""The course's tools, one program run as `python -m tools.<name>` from the
repository root (the Makefile's targets call them so):

    nbsource    sections/*.md -> notebooks of three tracks; run and store them
    runner      run a notebook in a fresh kernel (the one way every tool does)
    nbcompare   what "a fresh run still does what the committed one did" means
    contract    a section's contract (sections/<name>.toml): its claims
    classroom   student copies, nbgrader sources, lesson times
    website     the course website from the committed notebooks
    bench       speed and lesson times, written to results/
    variation   a section's measures over seeds and CPUs, written to results/
    results     the committed measures as Markdown tables
    lock        the lock file, resolved for every supported platform
    figures     the course's drawn figures in img/
"""
