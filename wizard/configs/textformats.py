"""Small, strict readers and writers: JSON with comments (.NET jsonc), dotenv, and Java .properties."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

from wizard.errors import ConfigFileError

# ---------------------------------------------------------------- JSON with comments and trailing commas


def strip_jsonc(text: str) -> str:
    """Blank out `//` and `/* */` comments and trailing commas, outside strings; lines and columns kept."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif c == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            out.append(" " if j < n and text[j] in "]}" else ",")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_jsonc(text: str, *, path: str | None = None) -> Any:
    """Parse JSON as the .NET configuration provider accepts it (comments, trailing commas)."""
    try:
        return json.loads(strip_jsonc(text.lstrip("\ufeff")))
    except json.JSONDecodeError as exc:
        raise ConfigFileError(
            f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            path=path,
            line=exc.lineno,
            hint="Fix the syntax (a missing comma or quote is the usual cause) and run the import again.",
        ) from None
    except RecursionError:
        raise ConfigFileError("Not valid JSON: nested too deeply", path=path) from None


# ---------------------------------------------------------------- dotenv

_ENV_SAFE = re.compile(r"^[A-Za-z0-9_./:@%+~,\-]*$")


def load_dotenv_text(text: str) -> dict[str, str | None]:
    """Values as python-dotenv reads them (an inline ` #` comment after an unquoted value is dropped).

    No `${VAR}` expansion: Node's dotenv does not expand either. Lines it cannot parse: `dotenv_bad_lines`.
    """
    from dotenv import dotenv_values

    logger = logging.getLogger("dotenv.main")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its "could not parse statement" warning is reported by us instead
    try:
        return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))
    except Exception as exc:  # python-dotenv raises plain errors on odd input; never a traceback for users
        raise ConfigFileError(f"Not a readable .env file ({type(exc).__name__})") from None
    finally:
        logger.setLevel(level)


def dotenv_bad_lines(text: str) -> list[int]:
    """Line numbers (1-based) of statements python-dotenv cannot parse."""
    from dotenv.parser import parse_stream

    try:
        return [b.original.line for b in parse_stream(io.StringIO(text)) if b.error]
    except Exception:  # same contract as load_dotenv_text: never a traceback
        return []


def dotenv_value(value: str) -> str:
    """Quote a value so that both Node's dotenv 16 and python-dotenv read back exactly the same string."""
    if _ENV_SAFE.match(value):
        return value
    if "'" not in value and "\n" not in value and "\r" not in value:
        return f"'{value}'"
    raise ConfigFileError(
        "A value cannot be written to a .env file safely (it holds both a quote and a line break or #)",
        hint="Use a value without quotes and line breaks.",
    )


# ---------------------------------------------------------------- Java .properties (ISO-8859-1, escapes)

_PROP_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(physical):
        start = i
        line = physical[i].lstrip(" \t\f")
        i += 1
        if not line or line[0] in "#!":
            continue
        while _continues(line) and i < len(physical):
            line = line[:-1] + physical[i].lstrip(" \t\f")
            i += 1
        if _continues(line):
            line = line[:-1]
        lines.append((start + 1, line))
    return lines


def _continues(line: str) -> bool:
    trailing = len(line) - len(line.rstrip("\\"))
    return trailing % 2 == 1


def _unescape(raw: str, line: int, path: str | None) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != "\\" or i + 1 >= len(raw):
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt == "u":
            digits = raw[i + 2 : i + 6]
            if len(digits) != 4 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise ConfigFileError("Malformed \\uXXXX escape in a .properties file", path=path, line=line)
            out.append(chr(int(digits, 16)))
            i += 6
            continue
        out.append(_PROP_ESCAPES.get(nxt, nxt))
        i += 2
    # \uD800\uDC00 pairs are one character in Java (UTF-16); join them the same way here.
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def load_properties(text: str, *, path: str | None = None) -> dict[str, str]:
    """Parse a .properties file as java.util.Properties.load does (separators `=`, `:` or whitespace)."""
    result: dict[str, str] = {}
    for number, line in _logical_lines(text):
        i = 0
        key_chars: list[str] = []
        while i < len(line):
            c = line[i]
            if c == "\\" and i + 1 < len(line):
                key_chars.append(line[i : i + 2])
                i += 2
                continue
            if c in "=: \t\f":
                break
            key_chars.append(c)
            i += 1
        while i < len(line) and line[i] in " \t\f":
            i += 1
        if i < len(line) and line[i] in "=:":
            i += 1
            while i < len(line) and line[i] in " \t\f":
                i += 1
        key = _unescape("".join(key_chars), number, path)
        result[key] = _unescape(line[i:], number, path)
    return result


def _escape(text: str, *, key: bool) -> str:
    out: list[str] = []
    for index, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\t\n\r\f":
            out.append("\\" + {"\t": "t", "\n": "n", "\r": "r", "\f": "f"}[ch])
        elif (key and ch in "=:#!") or (ch == " " and (key or index == 0)):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.extend(f"\\u{unit:04X}" for unit in _utf16_units(ch))
        else:
            out.append(ch)
    return "".join(out)


def _utf16_units(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[k : k + 2], "big") for k in range(0, len(data), 2)]


def properties_line(key: str, value: str) -> str:
    """One `KEY=value` line, escaped so that Java reads back exactly `value` (ASCII only)."""
    return f"{_escape(key, key=True)}={_escape(value, key=False)}"
