"""Print the msgids the code uses that a catalog (Dutch by default) has no translation for.

    .venv/bin/python scripts/i18n_extract.py [LANG] [--obsolete]

Missing msgids are printed as PO entries with an empty msgstr and a `#:` line saying where they are
used, ready to paste into web/locale/LANG/LC_MESSAGES/messages.po and translate. Exits 1 when
something is missing, so it can gate a build just like tests/test_i18n.py. With --obsolete it also
lists catalog entries the code no longer uses (on stderr; they do no harm, but clutter the file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a file, the script's own directory is on sys.path, not the repository with web/ and realtime/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from web.i18n import LANGUAGES, load_catalog  # noqa: E402
from web.i18n_extract import extract_msgids, missing  # noqa: E402


def po_string(text: str) -> str:
    """`text` as a PO string literal (the escapes gettext understands)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # English is the source language and has no catalog, so only the other languages make sense.
    parser.add_argument("lang", nargs="?", default="nl", choices=[lang for lang in LANGUAGES if lang != "en"])
    parser.add_argument("--obsolete", action="store_true", help="also list entries the code no longer uses")
    args = parser.parse_args(argv)

    catalog = load_catalog(args.lang)
    lacking = missing(catalog)
    for msgid, sites in lacking.items():
        for site in sites:
            print(f"#: {site}")
        print(f"msgid {po_string(msgid)}")
        print('msgstr ""')
        print()
    print(f"{len(lacking)} missing in {args.lang}", file=sys.stderr)

    if args.obsolete:
        used = extract_msgids()
        for msgid in sorted(set(catalog) - set(used)):
            print(f"obsolete: {msgid!r}", file=sys.stderr)
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
