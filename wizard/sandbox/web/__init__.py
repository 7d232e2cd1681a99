"""The sandbox's own small ASGI toolkit: requests, responses and a route table, the part of Starlette it used.

The sandbox imitates about eighty endpoints, each an `async def endpoint(request) -> Response`. Starlette
served them, but importing it (with anyio, python-multipart and typing_extensions) cost about 56 M
instructions of every `doctor --sandbox` start, a fifth of what the in-process sandbox added to `doctor`
(issue 12). What the endpoints use is small, and is all here, with Starlette's behaviour:

- `requests.Request`: method, URL, headers, query and path parameters, the client's address, the body,
  JSON, and urlencoded forms (`await request.form()`; other content types give an empty form, as Entra's
  token endpoint reads only urlencoded ones);
- `responses`: `Response`, `PlainTextResponse`, `HTMLResponse`, `JSONResponse` (compact, UTF-8) and
  `RedirectResponse` (307 unless told), with Content-Length and a charset for text;
- `routing`: `Route` (path templates with `{name}` and `{name:path}`; GET brings HEAD), and `Router` (first
  full match; else the first route matching the path alone answers 405 with `Allow`; else a trailing-slash
  twin's 307; else 404).

Not here: multipart forms, cookies, websockets, mounts, sync endpoints, background tasks, `url_for`.
"""
