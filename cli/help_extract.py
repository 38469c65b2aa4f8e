"""The Babel extractor of the CLI's helps (``babel.cfg``): the commands' docstrings are
read from the command tree typer builds, where no keyword marks them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
from babel.messages.extract import extract_python

from registre.cli.help import help_texts
from registre.cli.main import app


def extract_help(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[Any, ...]]:
    """A Babel extractor for ``cli/main.py``: its marked messages as Babel's Python
    extractor finds them, then each help paragraph of the command tree (the commands'
    docstrings, which no keyword marks)."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in sorted(set(help_texts(typer.main.get_command(app)))):
        yield 0, None, text, []  # (line, keyword, message, comments)
