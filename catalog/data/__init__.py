"""Where the data lives: data stores and the rules of their URLs, datasets, fields, harvested
schemas (and the value types scanners hand over), findings and their review, the shared read
filters.
"""
