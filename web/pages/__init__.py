"""The pages of the web interface, one module per area of the navigation bar."""
