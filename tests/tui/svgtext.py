"""Turn an SVG screenshot (Rich's export) back into lines of text, for assertions and quick reviews."""

from __future__ import annotations

import html
import re

_TEXT = re.compile(r'<text class="[^"]*-r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')
CELL_WIDTH = 12.2


def svg_to_text(svg: str) -> str:
    rows: dict[float, dict[int, str]] = {}
    for x, y, content in _TEXT.findall(svg):
        col = round(float(x) / CELL_WIDTH)
        rows.setdefault(float(y), {})[col] = html.unescape(content).replace("\xa0", " ")
    lines = []
    for y in sorted(rows):
        line = ""
        for col, text in sorted(rows[y].items()):
            line = line.ljust(col) + text
        lines.append(line.rstrip())
    return "\n".join(lines)
