"""Exports a DPO hands over: the GDPR Art. 30 record, the public algorithm inventory, AI Act
Annex VIII Section C, the CNIL PIA file. One module per document; ``registry`` names them.
"""
