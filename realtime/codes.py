"""Join codes: 8 characters that are easy to read aloud and type on a phone.

The alphabet drops every character that reads like another (0/O, 1/I/L, 2/Z, 5/S, 8/B,
U/V keeps V), leaving 24 characters: 24^8 is about 1.1e11 codes, and wrong guesses are
rate-limited by the web layer. People may type
dashes, spaces and lower case; `normalize` takes all of those.
"""

from __future__ import annotations

ALPHABET = "ACDEFGHJKMNPQRTVWXY34679"
CODE_LENGTH = 8


def normalize(typed: str) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be a code."""
    if len(typed) > 40:
        return None
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -_.\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """ABCD-EFGH: easier to read from the back of a room."""
    return f"{code[:4]}-{code[4:]}"


def from_random(random_bytes: bytes) -> str:
    """A code from CODE_LENGTH random bytes (the shell supplies them from `secrets`)."""
    if len(random_bytes) < CODE_LENGTH:
        raise ValueError("need CODE_LENGTH random bytes")
    # 256 is not a multiple of len(ALPHABET); the slight bias is irrelevant for a rate-limited code.
    return "".join(ALPHABET[b % len(ALPHABET)] for b in random_bytes[:CODE_LENGTH])
