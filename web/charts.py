"""Small bar charts drawn on the server as SVG: no script, every bar also in a table."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 220


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    tone: str = ""


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.bar_width + 50


def bar_chart(items: list[tuple[str, int]], tones: list[str] | None = None) -> BarChart:
    """Horizontal bars, the longest ``BAR_WIDTH`` wide, one row per item."""
    top = max((value for _, value in items), default=0) or 1
    bars = [
        Bar(
            label=text,
            value=value,
            y=i * ROW_HEIGHT,
            width=max(2 if value else 0, round(value / top * BAR_WIDTH)),
            tone=(tones[i] if tones else ""),
        )
        for i, (text, value) in enumerate(items)
    ]
    return BarChart(bars=bars, height=max(ROW_HEIGHT, len(items) * ROW_HEIGHT))
