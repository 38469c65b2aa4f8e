"""Publication: the gate that keeps personal data out of open data (``gate``), the DCAT-AP
catalogue and its Table Schemas (``dcat``, ``table_schema``, ``vocabularies``), and the
import of a DCAT-AP file (``dcat_import``)."""
