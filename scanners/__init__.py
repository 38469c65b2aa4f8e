"""The scanners: connectors harvest and sample data stores, detection classifies columns,
runs drive a scan and write what it found into the catalog (never the other way round).
"""
