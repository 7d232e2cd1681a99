"""The sandbox's own HTTPS server (wizard.sandbox.http_server) over real TLS on loopback: keep-alive, HEAD,
chunked bodies, 100-continue, bad requests, app errors, disconnects, shutdown and bind failures."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import h11
import httpx
import pytest

from wizard.errors import ConnectError
from wizard.sandbox import Sandbox
from wizard.sandbox.http_server import HttpServer
from wizard.sandbox.keystore import KeyStore
from wizard.sandbox.tls import load_or_create_ca, server_cert
from wizard.sandbox.trust import httpx_client

Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class Recorder:
    """What the test app saw, shared with the test thread."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.changed = threading.Condition()

    def add(self, scope: dict[str, Any] | None = None, message: dict[str, Any] | None = None) -> None:
        with self.changed:
            if scope is not None:
                self.scopes.append(scope)
            if message is not None:
                self.messages.append(message)
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout=15)


async def _answer(send: Send, body: bytes, *, length: bool = True) -> None:
    headers = [(b"content-type", b"text/plain")]
    if length:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _app(seen: Recorder) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        seen.add(scope=scope)
        path = scope["path"]
        if path == "/boom":
            raise RuntimeError("the app failed")
        if path == "/boom-late":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise RuntimeError("the app failed mid-answer")
        if path == "/hold":  # yields to the loop a while: a request after it, if started, would answer first
            for _ in range(50):
                await asyncio.sleep(0)
        if path in ("/stream", "/too-long", "/too-short"):
            length = {"/too-long": [(b"content-length", b"5")], "/too-short": [(b"content-length", b"20")]}
            await send({"type": "http.response.start", "status": 200, "headers": length.get(path, [])})
            for part in (b"one,", b"two,", b"three"):
                await send({"type": "http.response.body", "body": part, "more_body": part != b"three"})
            return
        if path == "/bad-header":  # a value that would smuggle a header into the answer
            await send({"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1\r\nx-b: 2")]})
        if path == "/wait-disconnect":
            while True:
                message = await receive()
                seen.add(message=message)
                if message["type"] == "http.disconnect":
                    return
        chunks = []
        while True:
            message = await receive()
            seen.add(message=message)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        await _answer(send, b"echo:" + body if body else b"hello", length=path != "/chunked-answer")

    return app


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("http-server")
    ca = load_or_create_ca(root)
    return server_cert(ca, ["127.0.0.1", "localhost"], KeyStore(root / "sandbox")), ca.cert_path


@pytest.fixture
def served(pem: tuple[Path, Path]) -> Iterator[tuple[HttpServer, Recorder]]:
    seen = Recorder()
    server = HttpServer(
        _app(seen), host="127.0.0.1", port=0, certfile=str(pem[0]), header_timeout=10, keep_alive_timeout=30
    )
    server.start(timeout=30)
    yield server, seen
    server.stop()


def _url(server: HttpServer, path: str) -> str:
    return f"https://127.0.0.1:{server.port}{path}"


def _tls(server: HttpServer, ca: Path) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(ca))
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def _events(tls: ssl.SSLSocket, client: h11.Connection, until: type) -> list[Any]:
    """Read from the socket until h11 gives an event of type `until` (or the server closes)."""
    events: list[Any] = []
    while True:
        event = client.next_event()
        if event is h11.NEED_DATA:
            try:
                client.receive_data(tls.recv(65536))
            except (ConnectionResetError, ssl.SSLEOFError):
                client.receive_data(b"")
            continue
        events.append(event)
        if isinstance(event, until | h11.ConnectionClosed):
            return events


def _read_all(tls: ssl.SSLSocket) -> bytes:
    data = b""
    while True:
        try:
            chunk = tls.recv(65536)
        except (ConnectionResetError, ssl.SSLEOFError):
            return data
        if not chunk:
            return data
        data += chunk


def test_keep_alive_reuses_one_connection(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]
) -> None:
    server, seen = served
    with httpx_client(str(pem[1]), timeout=10) as http:
        answers = [http.get(_url(server, f"/n{i}")) for i in range(4)]
    assert [r.text for r in answers] == ["hello"] * 4
    assert len({s["client"] for s in seen.scopes}) == 1  # one client port: one connection
    scope = seen.scopes[0]
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}
    assert (scope["type"], scope["scheme"], scope["http_version"], scope["root_path"]) == (
        "http",
        "https",
        "1.1",
        "",
    )
    assert scope["server"] == ("127.0.0.1", server.port)


def test_date_and_no_server_header_and_lowercased_names(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]
) -> None:
    server, seen = served
    with httpx_client(str(pem[1]), timeout=10) as http:
        r = http.get(_url(server, "/a%20b?x=1"), headers={"X-Mixed-Case": "v"})
    assert r.headers["date"].endswith(" GMT")
    assert "server" not in r.headers
    scope = seen.scopes[-1]
    assert (scope["path"], scope["raw_path"], scope["query_string"]) == ("/a b", b"/a%20b", b"x=1")
    assert (b"x-mixed-case", b"v") in scope["headers"]


def test_head_has_no_body(served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]) -> None:
    server, _ = served
    client = h11.Connection(h11.CLIENT)
    with _tls(server, pem[1]) as tls:
        # HEAD then GET on one connection: a body after the HEAD's headers would be read as the next answer.
        for method in (b"HEAD", b"GET"):
            tls.sendall(client.send(h11.Request(method=method, target="/", headers=[("host", "x")])))
            tls.sendall(client.send(h11.EndOfMessage()))
            events = _events(tls, client, h11.EndOfMessage)
            response = events[0]
            assert isinstance(response, h11.Response) and response.status_code == 200
            assert (b"content-length", b"5") in list(response.headers)
            body = b"".join(e.data for e in events if isinstance(e, h11.Data))
            assert body == (b"" if method == b"HEAD" else b"hello")
            client.start_next_cycle()


def test_chunked_request_body_and_chunked_answer(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]
) -> None:
    server, seen = served

    def parts() -> Iterator[bytes]:
        yield b"one,"
        yield b"two"

    with httpx_client(str(pem[1]), timeout=10) as http:
        r = http.post(_url(server, "/chunked-answer"), content=parts())
    assert r.text == "echo:one,two"
    assert r.headers["transfer-encoding"] == "chunked"  # no Content-Length from the app
    assert not seen.messages[-1]["more_body"]


def test_expect_100_continue(served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]) -> None:
    server, _ = served
    with _tls(server, pem[1]) as tls:
        tls.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        first = b""
        while b"\r\n\r\n" not in first:
            first += tls.recv(1024)
        assert first.startswith(b"HTTP/1.1 100 Continue\r\n")
        tls.sendall(b"data")
        client = h11.Connection(h11.CLIENT)
        client.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "4")]))
        client.send(h11.Data(data=b"data"))
        client.send(h11.EndOfMessage())
        rest = first.split(b"\r\n\r\n", 1)[1]
        if rest:
            client.receive_data(rest)  # b"" would tell h11 the connection closed
        events = _events(tls, client, h11.EndOfMessage)
    assert b"".join(e.data for e in events if isinstance(e, h11.Data)) == b"echo:data"


def test_garbage_is_a_400_then_closed(served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]) -> None:
    server, _ = served
    with _tls(server, pem[1]) as tls:
        tls.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data = _read_all(tls)  # returns once the server closes
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert data.endswith(b"Invalid HTTP request received.")


def test_an_app_exception_is_a_logged_500(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    server, _ = served
    with httpx_client(str(pem[1]), timeout=10) as http:
        r = http.get(_url(server, "/boom"))
        assert (r.status_code, r.text) == (500, "Internal Server Error")
        assert "the app failed" in caplog.text
        # After the answer began, the connection closes: the client sees no complete answer.
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(_url(server, "/boom-late"))
        assert http.get(_url(server, "/")).text == "hello"  # the server goes on


def test_disconnect_is_delivered_when_the_client_goes(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]
) -> None:
    server, seen = served
    with _tls(server, pem[1]) as tls:
        tls.sendall(b"POST /wait-disconnect HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf")
        assert seen.wait_for(lambda: any(m.get("body") == b"half" for m in seen.messages))
    assert seen.wait_for(lambda: any(m["type"] == "http.disconnect" for m in seen.messages))


def test_stop_with_an_idle_keep_alive_connection_is_quick(
    served: tuple[HttpServer, Recorder], pem: tuple[Path, Path]
) -> None:
    server, _ = served
    with httpx_client(str(pem[1]), timeout=10) as http:
        assert http.get(_url(server, "/")).text == "hello"  # the connection stays open, idle
        started = time.monotonic()
        server.stop()
        elapsed = time.monotonic() - started
        assert not server.running
        with pytest.raises(httpx.ConnectError):
            http.get(_url(server, "/"))
    assert elapsed < 5  # far below the 10 s header and 30 s keep-alive timeouts that would hold it


def test_bind_failure_is_a_connect_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            ConnectError, match=f"could not listen on 127.0.0.1:{port} .*address already in use"
        ):
            Sandbox(port=port, data_dir=tmp_path).start()


def test_ipv6_loopback(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox(host="::1")
    assert sb.base_url == f"https://[::1]:{sb.port}"
    with httpx_client(sb.ca_file, timeout=10) as http:
        assert http.get(f"{sb.base_url}/").status_code == 200
