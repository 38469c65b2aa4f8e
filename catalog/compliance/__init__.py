"""Compliance: the facts the rules read, the rules grouped by law (``rules/``), and the engine
that evaluates and explains them.
"""
