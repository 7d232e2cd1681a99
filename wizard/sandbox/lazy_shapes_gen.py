"""Write wizard/sandbox/lazy_shapes.py from the lazily loaded modules' routes
(`python -m wizard.sandbox.lazy_shapes_gen --write`)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from wizard.sandbox.app import routes
from wizard.sandbox.lazy_routes import LazyRoutes
from wizard.sandbox.web.routing import Route

HEADER = '''"""What each lazily loaded module's routes match, one "METHODS PATH" a route in matching order ("*": any
method), so that a request none of them can match imports nothing (wizard.sandbox.lazy_routes).

Generated from the modules' routes: `python -m wizard.sandbox.lazy_shapes_gen --write`, never by hand
(tests/unit/test_sandbox_lazy_routes.py fails when a module's routes and this file differ).
"""

from __future__ import annotations

SHAPES: dict[str, tuple[str, ...]] = {
'''


def shape(route: object) -> str:
    """A route as "METHODS PATH": only a plain `Route` can be foreseen from its path and methods (a subclass
    may match otherwise)."""
    if type(route) is not Route or " " in route.path:
        raise TypeError(f"a lazily loaded route must be a plain Route: {route!r}")
    return " ".join([*sorted(route.methods or ["*"]), route.path])


def shapes() -> dict[str, tuple[str, ...]]:
    """Every lazy group's module (in the route table's order) and its routes' shapes, importing them."""
    found: dict[str, tuple[str, ...]] = {}
    for group in routes():
        if isinstance(group, LazyRoutes):
            found[group.module] = tuple(shape(r) for r in importlib.import_module(group.module).ROUTES)
    return found


def render() -> str:
    """The text of wizard/sandbox/lazy_shapes.py, as `ruff format` leaves it."""
    lines = [HEADER]
    for module, module_shapes in shapes().items():
        quoted = [json.dumps(s) for s in module_shapes]
        one_line = f"    {json.dumps(module)}: ({quoted[0]},),\n" if len(quoted) == 1 else ""
        if one_line and len(one_line) <= 111:  # what ruff format joins: one shape, in 110 columns
            lines.append(one_line)
            continue
        lines += [f"    {json.dumps(module)}: (\n", *(f"        {q},\n" for q in quoted), "    ),\n"]
    lines.append("}\n")
    return "".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite wizard/sandbox/lazy_shapes.py")
    args = parser.parse_args(argv)
    if args.write:
        Path(__file__).with_name("lazy_shapes.py").write_text(render(), encoding="utf-8")
    else:
        sys.stdout.write(render())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
