"""Every text a user sends is bounded, one line unless it is a paragraph, and free of
control characters: a URL with a newline or a 1 MB description is refused, named."""

from __future__ import annotations

import pytest

from registre.catalog.errors import InvalidInput
from registre.catalog.input_types import MAX_TEXT_CHARS
from registre.catalog.inputs import AISystemInput, DataStoreInput, ProcessingActivityInput
from registre.catalog.service import validate

STORE = {"name": "rh", "url": "postgresql://lecteur@pg.interne/paie"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"url": "postgresql://lecteur@pg.interne/paie\nX"}, "url", "single line"),
        ({"name": "rh\tpaie"}, "name", "single line"),
        ({"name": "rh\x1b[31m"}, "name", "control characters"),
        ({"owner": "DRH\u2028Paie"}, "owner", "control characters"),
        ({"description": "x" * (MAX_TEXT_CHARS + 1)}, "description", "too long"),
        ({"description": "NUL\x00"}, "description", "control characters"),
    ],
)
def test_bad_text_is_refused_with_the_field_named(
    changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        validate(DataStoreInput, {**STORE, **changes})
    assert refused.value.field == field


def test_paragraphs_keep_their_line_breaks() -> None:
    text = "Paie des agents.\nDonnées RH.\tTabulée."
    assert validate(DataStoreInput, {**STORE, "description": text}).description == text


def test_lists_and_nested_inputs_are_checked_too() -> None:
    with pytest.raises(InvalidInput, match="single line") as refused:
        validate(ProcessingActivityInput, {"name": "Paie", "recipients": ["DGFiP", "a\nb"]})
    assert refused.value.field == "recipients"
    with pytest.raises(InvalidInput, match="control characters") as nested:
        validate(
            ProcessingActivityInput,
            {"name": "Paie", "transfers": [{"country": "US", "mechanism": "SCC\x07"}]},
        )
    assert nested.value.field is not None and nested.value.field.startswith("transfers.0")


def test_the_limit_is_on_every_input_type() -> None:
    with pytest.raises(InvalidInput, match="too long"):
        validate(AISystemInput, {"name": "Chatbot", "purpose": "p" * (MAX_TEXT_CHARS + 1)})
