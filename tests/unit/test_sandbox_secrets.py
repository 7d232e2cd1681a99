"""The sandbox's client secrets: shaped like the portal's, every character uniform over its alphabet."""

from __future__ import annotations

import re
import string
from collections import Counter

from wizard.sandbox.state import _SECRET_ALPHABET, _draw, new_secret_value


def test_a_secret_is_shaped_like_a_portal_one() -> None:
    values = {new_secret_value() for _ in range(200)}
    assert len(values) == 200
    shape = re.compile(r"[A-Za-z0-9]{3}8Q~[A-Za-z0-9~._-]{34}")
    assert all(shape.fullmatch(v) for v in values)


def test_each_character_is_uniform_over_its_alphabet() -> None:
    """Rejection sampling: no character is favoured (66 does not divide 256; a plain modulo would be)."""
    counts = Counter(_draw(_SECRET_ALPHABET, 66_000))
    assert set(counts) == set(_SECRET_ALPHABET)
    assert all(800 < n < 1200 for n in counts.values()), counts.most_common(3)  # 1,000 each, sigma ~31
    assert set(_draw(string.digits, 500)) == set(string.digits)
