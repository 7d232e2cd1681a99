"""Where the Graph probe sends its call, from the profile's API URL and --path."""

from __future__ import annotations

import pytest

from wizard.live.graph_probe import graph_target
from wizard.profile import ApiKind, ApiTarget, Profile


@pytest.mark.parametrize(
    ("base", "relative", "path", "expected"),
    [
        (None, None, None, ("https://graph.microsoft.com/v1.0", "users")),
        ("https://127.0.0.1:9/v1.0", None, None, ("https://127.0.0.1:9/v1.0", "users")),
        ("https://127.0.0.1:9", "v1.0", None, ("https://127.0.0.1:9/v1.0", "users")),
        ("https://127.0.0.1:9", "v1.0/applications", None, ("https://127.0.0.1:9/v1.0", "applications")),
        ("https://127.0.0.1:9/v1.0", None, "/v1.0/me", ("https://127.0.0.1:9/v1.0", "me")),
        ("https://127.0.0.1:9/v1.0", None, "users?$top=1", ("https://127.0.0.1:9/v1.0", "users?$top=1")),
    ],
)
def test_graph_target(
    base: str | None, relative: str | None, path: str | None, expected: tuple[str, str]
) -> None:
    profile = Profile(api=ApiTarget(kind=ApiKind.GRAPH, base_url=base, relative_path=relative))
    assert graph_target(profile, path) == expected
