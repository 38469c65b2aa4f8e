"""Data-store connectors: one module per engine (harvest a schema, sample a table), and the
registry that picks one by URL scheme.
"""
