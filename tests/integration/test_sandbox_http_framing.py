"""What the sandbox's HTTPS server does by hand since httptools, not h11, parses for it: pipelined requests
answered in order, HTTP/1.0 clients, chunked answers and bodies, Content-Length kept to, over-long heads,
Upgrade and Host-less requests. h11 is the client here: an independent parser checks the framing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import h11
import pytest

from tests.integration.test_sandbox_http_server import Recorder, _app, _events, _read_all, _tls, pem, served
from wizard.sandbox.http_server import HttpServer
from wizard.sandbox.trust import httpx_client

__all__ = ["pem", "served"]  # the fixtures, shared with test_sandbox_http_server

Served = tuple[HttpServer, Recorder]


def _answers(data: bytes, count: int) -> list[tuple[int, list[tuple[bytes, bytes]], bytes]]:
    """`count` answers read from `data` by h11, as (status, headers, body)."""
    client = h11.Connection(h11.CLIENT)
    answers = []
    client.receive_data(data)
    for n in range(count):
        client.send(h11.Request(method="GET", target="/", headers=[("host", "x")]))
        client.send(h11.EndOfMessage())
        events = []
        while not isinstance(events[-1:] and events[-1], h11.EndOfMessage):
            event = client.next_event()
            assert event is not h11.NEED_DATA, f"an incomplete answer in {data!r}"
            events.append(event)
        head = events[0]
        assert isinstance(head, h11.Response)
        answers.append(
            (
                head.status_code,
                list(head.headers),
                b"".join(e.data for e in events if isinstance(e, h11.Data)),
            )
        )
        if n < count - 1:
            client.start_next_cycle()
    return answers


@contextmanager
def _serving(pem: tuple[Path, Path], *, keep_alive_timeout: float) -> Iterator[Served]:
    """A server of its own, for a keep-alive timeout other than the shared one's."""
    seen = Recorder()
    server = HttpServer(
        _app(seen),
        host="127.0.0.1",
        port=0,
        certfile=str(pem[0]),
        header_timeout=10,
        keep_alive_timeout=keep_alive_timeout,
    )
    server.start(timeout=30)
    try:
        yield server, seen
    finally:
        server.stop()


def _exchange(served: Served, pem: tuple[Path, Path], request: bytes) -> bytes:
    """Send `request` whole, and read what the server sends until it closes the connection."""
    with _tls(served[0], pem[1]) as tls:
        tls.sendall(request)
        return _read_all(tls)


def test_pipelined_requests_are_answered_in_order(served: Served, pem: tuple[Path, Path]) -> None:
    requests = (
        b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        b"GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    data = _exchange(served, pem, requests)  # one write: all three reach the server before any answer
    answers = _answers(data, 3)  # and the server closed after the third, as it asked
    assert [body for _, _, body in answers] == [b"hello", b"echo:abc", b"hello"]
    assert [(b"connection", b"close") in headers for _, headers, _ in answers] == [False, False, True]
    assert [s["path"] for s in served[1].scopes] == ["/hold", "/second", "/third"]
    assert len({s["client"] for s in served[1].scopes}) == 1


def test_http_1_0_gets_its_body_without_chunks_then_a_close(served: Served, pem: tuple[Path, Path]) -> None:
    for keep_alive in (b"", b"Connection: keep-alive\r\n"):  # keep-alive asked or not, it closes
        data = _exchange(served, pem, b"GET /stream HTTP/1.0\r\n" + keep_alive + b"\r\n")
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"\r\nconnection: close" in head and b"transfer-encoding" not in head
        assert body == b"one,two,three"  # ended by the close, as an HTTP/1.0 client expects
    assert served[1].scopes[-1]["http_version"] == "1.0"


def test_a_streamed_answer_without_length_is_chunked(served: Served, pem: tuple[Path, Path]) -> None:
    data = _exchange(
        served,
        pem,
        b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    (status, headers, body), second = _answers(data, 2)
    assert (status, body) == (200, b"one,two,three")
    assert (b"transfer-encoding", b"chunked") in headers
    assert second[2] == b"hello"  # the chunks ended where they should: the next answer reads whole


@pytest.mark.parametrize(("path", "error"), [("/too-long", "longer"), ("/too-short", "shorter")])
def test_a_body_that_breaks_its_content_length_closes_the_connection(
    served: Served, pem: tuple[Path, Path], caplog: pytest.LogCaptureFixture, path: str, error: str
) -> None:
    data = _exchange(served, pem, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert body == (b"one," if path == "/too-long" else b"one,two,three")  # never a byte beyond the length
    assert served[1].wait_for(lambda: f"Response content {error} than Content-Length" in caplog.text)


def test_an_over_long_head_is_a_400_then_closed(served: Served, pem: tuple[Path, Path]) -> None:
    ok = _exchange(
        served,
        pem,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + b"a" * 12_000 + b"\r\n\r\n",
    )
    assert ok.startswith(b"HTTP/1.1 200 OK\r\n")  # 12 KB of headers are fine
    # 20 KB in one header, ended or not (llhttp would buffer it all, and more, as it trickled in).
    for end in (b"\r\n\r\n", b""):
        data = _exchange(served, pem, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + end)
        assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert data.endswith(b"Invalid HTTP request received.")


def test_a_chunked_request_body_arrives_whole(served: Served, pem: tuple[Path, Path]) -> None:
    with _tls(served[0], pem[1]) as tls:
        tls.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for chunk in (b"4;ext=1\r\none,\r\n", b"3\r\ntwo\r\n", b"0\r\nX-Trailer: t\r\n\r\n"):
            tls.sendall(chunk)
        client = h11.Connection(h11.CLIENT)
        client.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "7")]))
        client.send(h11.Data(data=b"one,two"))
        client.send(h11.EndOfMessage())
        events = _events(tls, client, h11.EndOfMessage)
    assert b"".join(e.data for e in events if isinstance(e, h11.Data)) == b"echo:one,two"
    assert b"".join(m.get("body", b"") for m in served[1].messages) == b"one,two"  # and nothing more


def test_an_upgrade_request_is_served_as_a_plain_one(served: Served, pem: tuple[Path, Path]) -> None:
    """llhttp stops at an Upgrade request's head; its body (length or chunks) and what follows are read on."""
    upgrade = b"Connection: Upgrade\r\nUpgrade: h2c\r\n"
    requests = [
        b"GET / HTTP/1.1\r\nHost: x\r\n" + upgrade + b"\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n" + upgrade + b"\r\nabcd",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + upgrade
        + b"\r\n2\r\nef\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]
    data = _exchange(served, pem, b"".join(requests))
    answers = [(status, body) for status, _, body in _answers(data, 4)]
    assert answers == [(200, b"hello"), (200, b"echo:abcd"), (200, b"echo:ef"), (200, b"hello")]


def test_http_1_1_without_host_is_a_400(served: Served, pem: tuple[Path, Path]) -> None:
    data = _exchange(served, pem, b"GET / HTTP/1.1\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert served[1].scopes == []


def test_header_values_lose_their_surrounding_whitespace(served: Served, pem: tuple[Path, Path]) -> None:
    data = _exchange(
        served, pem, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: \t a b \t \r\nConnection: close\r\n\r\n"
    )
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert (b"x-a", b"a b") in served[1].scopes[-1]["headers"]


def test_head_of_a_streamed_answer_is_chunked_without_a_body(served: Served, pem: tuple[Path, Path]) -> None:
    data = _exchange(
        served,
        pem,
        b"HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b"\r\ntransfer-encoding: chunked" in head  # the headers a GET would get
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n")  # and no body, not even a last chunk
    assert rest.endswith(b"\r\n\r\nhello")


def test_a_body_past_the_read_ahead_arrives_whole(served: Served, pem: tuple[Path, Path]) -> None:
    """Reading pauses once 64 KiB of body wait for the app, and resumes as the app takes them."""
    body = bytes(range(256)) * 4096  # 1 MiB
    with httpx_client(str(pem[1]), timeout=30) as http:
        answer = http.post(f"https://127.0.0.1:{served[0].port}/", content=body)
    assert answer.content == b"echo:" + body
    parts = [m for m in served[1].messages if m["type"] == "http.request"]
    assert [m["more_body"] for m in parts] == [True] * (len(parts) - 1) + [False]


def test_a_header_the_app_cannot_send_is_a_logged_500(
    served: Served, pem: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with httpx_client(str(pem[1]), timeout=10) as http:
        answer = http.get(f"https://127.0.0.1:{served[0].port}/bad-header")
    assert (answer.status_code, answer.text, "x-b" in answer.headers) == (500, "Internal Server Error", False)
    assert "Invalid HTTP header b'x-a'" in caplog.text


def test_no_100_continue_for_an_http_1_0_client(served: Served, pem: tuple[Path, Path]) -> None:
    """RFC 9110 15.2: never a 1xx answer to an HTTP/1.0 client, even if it sends Expect."""
    with _tls(served[0], pem[1]) as tls:
        tls.sendall(b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        # Once the app has its scope, it has asked for the body (no await in between): a 100 would be out.
        assert served[1].wait_for(lambda: len(served[1].scopes) == 1)
        tls.sendall(b"data")
        data = _read_all(tls)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"echo:data")


def test_a_request_right_after_an_unread_body_outlives_the_keep_alive_timer(pem: tuple[Path, Path]) -> None:
    """The end of a body the app did not read arms the idle timer; a request in the same read disarms it."""
    with _serving(pem, keep_alive_timeout=0) as (server, _seen), _tls(server, pem[1]) as tls:
        client = h11.Connection(h11.CLIENT)
        tls.sendall(b"POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab")
        client.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "4")]))
        assert _events(tls, client, h11.EndOfMessage)[-1] == h11.EndOfMessage()  # answered, body unread
        # One TLS record: the body's end and the next request reach the server in one read.
        tls.sendall(b"cdGET /hold HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = _read_all(tls)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"\r\n\r\nhello")


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(pem: tuple[Path, Path]) -> None:
    """After an answer that keeps the connection open, a client that sends nothing more is closed on."""
    # The client's reads give up after 15 s: far past the 0.2 s asked for.
    with _serving(pem, keep_alive_timeout=0.2) as (server, seen), _tls(server, pem[1]) as tls:
        client = h11.Connection(h11.CLIENT)
        tls.sendall(b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
        client.send(h11.Request(method="GET", target="/", headers=[("host", "x")]))
        client.send(h11.EndOfMessage())
        head = _events(tls, client, h11.EndOfMessage)[0]
        assert isinstance(head, h11.Response) and head.status_code == 200
        assert (b"connection", b"close") not in list(head.headers)  # the answer kept it open
        assert _read_all(tls) == b""  # then the server closed it, with nothing more sent
    assert [s["path"] for s in seen.scopes] == ["/hold"]
