"""GraphQL object types, one module per domain; the schema roots (``graphql/schema.py``)
assemble them.
"""
