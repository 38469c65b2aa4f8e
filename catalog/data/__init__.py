"""Where the data lives: data stores, datasets, fields, harvested schemas, findings and their
review, the shared read filters.
"""
