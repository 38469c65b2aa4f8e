"""The web interface: server-rendered pages over the catalog services, in French first."""
