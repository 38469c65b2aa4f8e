"""The ``registre`` command line (typer): ``main`` mounts the commands; one module per group of
commands.
"""
