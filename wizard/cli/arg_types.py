"""argparse value types that refuse bad input at parse time (exit 2 with a message, never later)."""

from __future__ import annotations

import argparse
import math
import os
import stat

#: The longest time bound a run may have: a day is already far more than any check needs.
MAX_SECONDS = 86_400.0


def seconds(text: str) -> float:
    """A finite, positive number of seconds (`--timeout`): nan, inf, 0 and negatives are refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive, finite number of seconds")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r} is longer than {MAX_SECONDS:.0f} s (a day)")
    return value


def existing_file(text: str) -> str:
    """A path that names a readable regular file (`--ca-file`): checked before any work starts."""
    path = os.path.expanduser(text)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise argparse.ArgumentTypeError(f"{text} does not exist") from None
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{text} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise argparse.ArgumentTypeError(f"{text} is not a regular file")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{text} cannot be read (permission denied)")
    return text


def days(text: str) -> int:
    """A whole number of days from 0 to 3650 (`--expiring-within`, `--max-secret-age`)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError("days must be between 0 and 3650")
    return value


def jobs(text: str) -> int:
    """How many runs or requests at once (`--jobs`): a whole number from 1 to 64."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError("--jobs must be a whole number from 1 to 64")
    return int(text)
