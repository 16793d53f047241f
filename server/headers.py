"""Security headers on every HTTP response.

The Content-Security-Policy allows scripts and styles from our own origin only: no inline script,
no eval. htmx 4 evaluates `hx-on` and `js:` values with Function(), which this policy blocks, so
even an attribute that slipped through escaping could not run code (htmx security docs).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(self), microphone=(self), display-capture=(self)"),
]


def csp_with_connect(extra: tuple[str, ...]) -> str:
    """The CSP with more connect-src sources (the media process's origin, KRING_MEDIA_URL)."""
    return CSP.replace("connect-src 'self'", " ".join(("connect-src 'self'", *extra))) if extra else CSP


class SecurityHeaders:
    def __init__(self, app: ASGIApp, connect_extra: tuple[str, ...] = ()) -> None:
        self.app = app
        self.headers = [(b"content-security-policy", csp_with_connect(connect_extra).encode()), *HEADERS[1:]]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
