"""Reading small HTML forms with a hard size cap (nothing a browser sends us here is large)."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

FORM_MAX_BYTES = 16 * 1024


class FormTooLarge(Exception):
    pass


async def read_form(request: Request, max_bytes: int = FORM_MAX_BYTES) -> dict[str, str]:
    """An urlencoded form as {name: first value}; FormTooLarge past `max_bytes`."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise FormTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FormTooLarge()
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=50)
    return {key: values[0] for key, values in parsed.items()}
