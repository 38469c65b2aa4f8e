"""Registre: a data governance catalog for public administrations."""

__version__ = "0.1.0"
