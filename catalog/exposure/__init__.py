"""Exposure of personal data, as a security team asks about it: which datasets (``query``),
what is shown about a page of them (``details``), the summary counts (``summary``) and what
changed since a date (``changes``).
"""
