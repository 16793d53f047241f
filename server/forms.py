"""Reading small HTML forms with a hard size cap (nothing a browser sends us here is large)."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

FORM_MAX_BYTES = 16 * 1024
# The largest form Kring serves has a handful of fields; more is not a browser filling in our page.
FORM_MAX_FIELDS = 50


class FormTooLarge(Exception):
    """More bytes than `max_bytes` (answered 413)."""


class FormTooManyFields(Exception):
    """More fields than FORM_MAX_FIELDS (answered 400)."""


async def read_form(request: Request, max_bytes: int = FORM_MAX_BYTES) -> dict[str, str]:
    """An urlencoded form as {name: first value}; FormTooLarge past `max_bytes`, FormTooManyFields
    past FORM_MAX_FIELDS fields."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise FormTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FormTooLarge()
    try:
        parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True,
                          max_num_fields=FORM_MAX_FIELDS)
    except ValueError:  # parse_qs's only way to say "too many fields"
        raise FormTooManyFields() from None
    return {key: values[0] for key, values in parsed.items()}
