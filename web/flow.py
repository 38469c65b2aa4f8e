"""The data flows of one AI system as a picture: its datasets (with their store and
personal-data categories) → the system → its provider and hosting country.

The layout is computed here and drawn by ``templates/flow.html`` as inline SVG; a box is
flagged where the law is at stake (an open compliance issue names it, or the data leaves
the EU/EEA). The same facts are listed in a table under the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from registre.catalog.compliance.engine import ComplianceIssue
from registre.catalog.exposure.details import DatasetExposure
from registre.catalog.geography import in_eu_eea
from registre.catalog.models import AISystem, AISystemDataset
from registre.web.i18n import Translator
from registre.web.labels import Vocabulary, label

BOX_W = 260
BOX_H = 64
GAP = 18
COLUMNS = (20, 380, 700)
WIDTH = COLUMNS[2] + BOX_W + 20


@dataclass
class Box:
    x: int
    y: int
    lines: list[str]
    kind: str = ""
    flags: list[str] = field(default_factory=list)
    w: int = BOX_W
    h: int = BOX_H

    @property
    def right(self) -> tuple[int, int]:
        return self.x + self.w, self.y + self.h // 2

    @property
    def left(self) -> tuple[int, int]:
        return self.x, self.y + self.h // 2


def _height(lines: int) -> int:
    """Room for ``lines`` lines of text and a line of flags."""
    return max(BOX_H, 16 * (lines + 1) + 16)


@dataclass
class Picture:
    boxes: list[Box]
    arrows: list[tuple[tuple[int, int], tuple[int, int], str]]
    width: int
    height: int
    title: str


def _wrap(words: list[str], size: int = 38) -> list[str]:
    """Comma-separated ``words`` on as many lines as they need."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) + 2 <= size:
            lines[-1] += ", " + word
        else:
            lines.append(word)
    return lines


def _short(text: str, size: int = 34) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def flow_picture(
    t: Translator,
    system: AISystem,
    links: Sequence[AISystemDataset],
    rows: Sequence[DatasetExposure],
    issues: Sequence[ComplianceIssue],
) -> Picture:
    by_dataset = {row.id: row for row in rows}
    flagged_datasets = set().union(*(i.mentions("Dataset") for i in issues)) if issues else set()
    boxes: list[Box] = []
    arrows: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    tops, y = [], 20
    dataset_lines = []
    for link in links:
        row = by_dataset.get(link.dataset_id)
        categories = [label(t, c, Vocabulary.CATEGORY) for c in row.categories] if row else []
        lines = [_short(f"{link.dataset.data_store.name} › {link.dataset.qualified_name}")]
        lines += _wrap(categories) or [t.gettext("no personal data found")]
        dataset_lines.append((lines, bool(categories)))
        tops.append(y)
        y += _height(len(lines)) + GAP
    height = max(3 * BOX_H, y) + 20
    ai_box = Box(
        COLUMNS[1],
        height // 2 - BOX_H // 2,
        [_short(system.name), label(t, system.risk_class)],
        kind="ai",
    )
    country = system.hosting_country or (
        system.hosting_organisation.country if system.hosting_organisation else None
    )
    provider = system.provider
    outside = in_eu_eea(country) is False or (
        provider is not None and in_eu_eea(provider.country) is False
    )
    if any(i.severity in {"CRITICAL", "HIGH"} for i in issues):
        ai_box.flags.append(t.gettext("open issues"))
    for i, link in enumerate(links):
        lines, personal = dataset_lines[i]
        box = Box(COLUMNS[0], tops[i], lines, h=_height(len(lines)))
        if link.dataset_id in flagged_datasets and personal:
            box.flags.append(t.gettext("law at stake"))
        boxes.append(box)
        arrows.append((box.right, ai_box.left, label(t, link.usage)))
    boxes.append(ai_box)
    host_lines = [
        t.gettext("Provider and hosting"),
        _short(provider.name if provider else "—", 38),
        t.gettext("Hosting country: %(country)s", country=country or "—"),
    ]
    host_box = Box(COLUMNS[2], height // 2 - _height(3) // 2, host_lines, h=_height(3))
    if outside:
        host_box.flags.append(t.gettext("outside the EU/EEA"))
    boxes.append(host_box)
    arrows.append((ai_box.right, host_box.left, ""))
    for box in boxes:
        if box.flags:
            box.kind = (box.kind + " flagged").strip()
    title = t.gettext("Data flows of %(name)s", name=system.name)
    return Picture(boxes, arrows, WIDTH, height, title)
