"""Benchmarks of Registre's scanners: run from the repository root, ``python -m bench.NAME``.

``bench.corpus`` builds the labelled corpus, ``bench.quality`` scores the classifier on it,
``bench.throughput`` compares speed and F1 with plain Presidio and presidio-structured,
``bench.sampling`` times the PostgreSQL connector's sample. See ``docs/benchmarks.md``.
"""
