"""Who acts and what they may do: roles, API tokens, the audit trail, the secrets a server
allows.
"""
