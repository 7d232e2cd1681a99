"""The federated credential's external token from a command, run afresh for every assertion.

The command line is split as a shell would split it (`shlex`) but runs without a shell, with a scrubbed
environment (no variable whose name says it holds a credential, except GitHub's two OIDC request
variables, which a command fetching the runner's token needs), stdin closed, and a timeout. Its stdout is
the token, or a JSON object with the token in `value` (GitHub's OIDC endpoint) or `token`. The token is
never logged: callers teach it to the trace, and failures name the exit status only, with stderr redacted.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Mapping

from wizard.errors import SecretSourceError, UsageError
from wizard.gitcheck import scrubbed_env

#: How long a token command may run; a runner's OIDC request answers in well under a second.
DEFAULT_TIMEOUT = 30.0
#: GitHub Actions' variables for requesting the job's OIDC token (`core.getIDToken()` reads them).
PASSED_THROUGH = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
MAX_OUTPUT = 64 * 1024


def command_argv(command: str) -> list[str]:
    """The command's argv, or a usage error for an empty or unbalanced command line."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(
            f"The federated token command cannot be read: {exc}",
            hint="Quote as a shell would; the command runs without a shell (no pipes, no $VARS).",
        ) from None
    if not argv:
        raise UsageError("The federated token command is empty")
    return argv


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    source = os.environ if base is None else base
    env = scrubbed_env(source)
    env.update({k: source[k] for k in PASSED_THROUGH if k in source})
    return env


def _token_of(stdout: str) -> str:
    text = stdout.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        value = doc.get("value", doc.get("token")) if isinstance(doc, dict) else None
        return value.strip() if isinstance(value, str) else ""
    return text


def _stderr_hint(stderr: str) -> str | None:
    from wizard.redact import redact_text

    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    return redact_text(lines[-1])[:200]


def run_token_command(command: str, *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The external token the command prints; a clear error when it fails, hangs or prints no JWT."""
    argv = command_argv(command)
    name = os.path.basename(argv[0])
    try:
        done = subprocess.run(
            argv,
            shell=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=child_env(),
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise SecretSourceError(
            f"The federated token command {name} was not found",
            hint="Give the program's full path, or put it on PATH.",
        ) from None
    except PermissionError:
        raise SecretSourceError(
            f"The federated token command {name} cannot be run (permission denied)"
        ) from None
    except subprocess.TimeoutExpired:
        raise SecretSourceError(
            f"The federated token command {name} did not finish within {timeout:g} s",
            hint="It must print the token and exit; it runs once for every token request.",
        ) from None
    except OSError as exc:
        raise SecretSourceError(
            f"The federated token command {name} cannot be run ({exc.strerror})"
        ) from None
    stdout = done.stdout[:MAX_OUTPUT].decode("ascii", errors="replace")
    stderr = done.stderr[:MAX_OUTPUT].decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise SecretSourceError(
            f"The federated token command {name} failed (exit status {done.returncode})",
            hint=_stderr_hint(stderr) or "It printed nothing on stderr.",
        )
    token = _token_of(stdout)
    if not token:
        raise SecretSourceError(
            f"The federated token command {name} printed no token",
            hint="Print the raw token, or JSON with it in 'value' (GitHub's OIDC endpoint answers so).",
        )
    if token.count(".") != 2 or any(c.isspace() for c in token):
        raise SecretSourceError(
            f"The federated token command {name} did not print a JWT (three dot-separated parts)",
            hint="Print the raw token only: no `Bearer ` prefix, no other output on stdout.",
        )
    return token
