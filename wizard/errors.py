"""One exception tree for the whole core.

    WizardError                      title + hint (the fix); never carries a secret
    ├── UsageError                   bad command-line usage or bad user input
    │   ├── ValidationError          a profile value is wrong (field, value shown masked)
    │   ├── ConfigFileError          a config file cannot be read or parsed (path, line)
    │   ├── PathError                a path cannot be written to as given (a file where a folder is)
    │   └── SecretSourceError        a secret could not be read from its source
    ├── CertificateError             key/certificate cannot be made, read or matched
    │   ├── CertificateUnreadable    a key/certificate file cannot be used (also a UsageError: exit 2)
    │   └── CertificateExpired       the certificate is outside its validity period
    ├── FileExistsRefusal            a file would be overwritten without --force
    ├── FileWriteError               a file cannot be written: disk full, read-only, no permission
    ├── NetworkError                 the remote could not be reached or answered badly
    │   ├── DnsError
    │   ├── ConnectError             connection refused / reset / dropped
    │   ├── TlsError                 untrusted certificate, outdated TLS
    │   ├── ProxyError
    │   ├── TimeoutError_            connect/read timeout
    │   └── ServiceUnavailable       429 / 5xx (retry_after when given)
    ├── TokenError                   the token endpoint refused (aadsts, correlation_id)
    ├── ApiError                     the web API refused (status)
    │   └── GraphWriteError          a Graph write refused (method, path, Graph's code and message)
    └── TokenFormatError             a JWT cannot be decoded (also a UsageError: bad input, exit 2)

Each exception's ``str()`` is ``title`` and, when there is one, ``hint`` on a second line.
Titles and hints often quote a server's words (an ``error_description``, a correlation id): they pass
through the one redactor (wizard.redact) when the error is built, so a server that echoes the secret
cannot make an error carry it. Each class has a `kind`: the words a message shows for it (class names such
as `TimeoutError_` are internal and never shown).
"""

from __future__ import annotations

# wizard.redact (its patterns) loads with the first error built, not with every import of this module: the
# TUI's command line imports it through wizard.exitcodes, before the first paint.


def _clean(text: str | None) -> str | None:
    from wizard.redact import redact_text

    return redact_text(text) if text else text


def _clean_body(body: dict[str, object] | None) -> dict[str, object] | None:
    if body is None:
        return None
    from wizard.redact import redact_text

    return {k: (redact_text(v) if isinstance(v, str) else v) for k, v in body.items()}


class WizardError(Exception):
    """Base of every error the core raises on purpose."""

    default_title = "Something went wrong"
    #: How messages name this kind of error (never the class name).
    kind = "error"

    def __init__(
        self,
        title: str | None = None,
        *,
        hint: str | None = None,
        aadsts: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self.title = _clean(title) or self.default_title
        self.hint = _clean(hint)
        self.aadsts = aadsts
        self.correlation_id = _clean(correlation_id)
        super().__init__(self.title)

    def __str__(self) -> str:
        return f"{self.title}\n{self.hint}" if self.hint else self.title

    def to_dict(self) -> dict[str, str | None]:
        """Stable JSON shape used by every command's `--json` error output."""
        return {
            "type": type(self).__name__,
            "kind": self.kind,
            "title": self.title,
            "hint": self.hint,
            "aadsts": self.aadsts,
            "correlation_id": self.correlation_id,
        }


class UsageError(WizardError):
    default_title = "Invalid usage"
    kind = "usage error"


class ValidationError(UsageError):
    default_title = "Invalid value"
    kind = "invalid value"

    def __init__(
        self,
        title: str | None = None,
        *,
        field: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(title, hint=hint)
        self.field = field
        #: The diagnosis code (reference/diagnosis-codes.md) this problem corresponds to, if any.
        self.code = code


class ConfigFileError(UsageError):
    default_title = "The config file cannot be read"
    kind = "config file error"

    def __init__(
        self,
        title: str | None = None,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(title, hint=hint)
        self.path = path
        self.line = line


class SecretSourceError(UsageError):
    default_title = "The secret could not be read"
    kind = "secret source error"


class CertificateError(WizardError):
    default_title = "Certificate problem"
    kind = "certificate error"


class CertificateUnreadable(CertificateError, UsageError):
    """The key or certificate cannot be loaded or used: bad input (diagnosis code `certificate-unreadable`)."""

    default_title = "The key or certificate cannot be read"
    kind = "certificate unreadable"
    code = "certificate-unreadable"


class CertificateExpired(CertificateError):
    """The certificate is outside its validity period (diagnosis code `certificate-expired`)."""

    default_title = "The certificate is outside its validity period"
    kind = "certificate expired"
    code = "certificate-expired"


class FileExistsRefusal(WizardError):
    default_title = "File exists"
    kind = "file exists"

    def __init__(self, path: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path} already exists", hint=hint or "Pass --force to replace it (a backup is kept)."
        )
        self.path = path


class FileWriteError(WizardError):
    """The file system refused a write (ENOSPC, EROFS, EACCES, EIO): exit 1, nothing half-written."""

    default_title = "The file could not be written"
    kind = "write error"

    def __init__(self, title: str | None = None, *, path: str, hint: str | None = None) -> None:
        super().__init__(title, hint=hint)
        self.path = path


class PathError(UsageError):
    """The path given cannot be a file (a folder is in the way, or a file where a folder is expected)."""

    default_title = "The path cannot be written"
    kind = "path error"

    def __init__(self, title: str | None = None, *, path: str, hint: str | None = None) -> None:
        super().__init__(title, hint=hint)
        self.path = path


class NetworkError(WizardError):
    default_title = "Network error"
    kind = "network error"

    def __init__(
        self,
        title: str | None = None,
        *,
        hint: str | None = None,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(title, hint=hint)
        self.url = url
        self.status = status
        self.retry_after = retry_after


class DnsError(NetworkError):
    default_title = "The host name could not be resolved"
    kind = "DNS error"


class ConnectError(NetworkError):
    default_title = "The connection failed"
    kind = "connection error"


class TlsError(NetworkError):
    default_title = "TLS handshake failed"
    kind = "TLS error"


class ProxyError(NetworkError):
    default_title = "The proxy refused or failed the connection"
    kind = "proxy error"


class TimeoutError_(NetworkError):  # the builtin name is taken
    default_title = "The request timed out"
    kind = "timed out"


class ServiceUnavailable(NetworkError):
    default_title = "The service is throttling or unavailable"
    kind = "service unavailable"


class TokenError(WizardError):
    default_title = "The token endpoint refused the request"
    kind = "token error"

    def __init__(
        self,
        title: str | None = None,
        *,
        hint: str | None = None,
        aadsts: str | None = None,
        correlation_id: str | None = None,
        error: str | None = None,
        body: dict[str, object] | None = None,
    ) -> None:
        super().__init__(title, hint=hint, aadsts=aadsts, correlation_id=correlation_id)
        self.error = _clean(error)
        self.body = _clean_body(body)


class ApiError(WizardError):
    default_title = "The API refused the request"
    kind = "API error"

    def __init__(
        self, title: str | None = None, *, hint: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(title, hint=hint)
        self.status = status


class GraphWriteError(ApiError):
    default_title = "Microsoft Graph refused the change"
    kind = "Graph error"

    def __init__(
        self,
        title: str | None = None,
        *,
        hint: str | None = None,
        status: int | None = None,
        method: str = "",
        path: str = "",
        code: str = "",
        message: str = "",
    ) -> None:
        super().__init__(title, hint=hint, status=status)
        self.method = method
        self.path = path
        self.code = code
        self.message = _clean(message) or ""


class TokenFormatError(UsageError):
    default_title = "This is not a well-formed JWT"
    kind = "token format error"
