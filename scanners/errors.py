"""The one error a scanner step raises for a failure it understands."""

from __future__ import annotations


class ScanError(Exception):
    """A scanner step failed; the message is safe to store (never a sampled value)."""
