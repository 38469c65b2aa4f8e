"""Exposure of personal data, as a security team asks about it: the query, its summary counts
and what changed since a date.
"""
