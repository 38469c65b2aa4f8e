"""Data-store connectors: the contract they fulfil (``base``), one module per engine (harvest
a schema, sample a table; CSV sniffing in ``csv_format``), and the registry that picks one by
URL scheme.
"""
