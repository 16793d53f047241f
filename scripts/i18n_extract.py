"""Print the msgids the code uses that a catalog (Dutch by default) has no translation for.

    .venv/bin/python scripts/i18n_extract.py [LANG] [--obsolete] [--pot FILE]

Messages are found by Babel's extractors as babel.cfg sets them up (web/i18n_extract.py). Missing
ones are printed as PO entries with an empty msgstr (msgstr[0], msgstr[1], ... for a message with
plural forms) and a `#:` line saying where they are used, ready to paste into the right file of
web/locale/LANG/LC_MESSAGES/ (one per feature) and translate. Exits 1 when something is missing,
so it can gate a build just like tests/test_i18n.py. With --obsolete it also lists catalog
entries the code no longer uses (on stderr; they do no harm, but clutter the files). --pot writes
a template of every message, for translation tools.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

# Run as a file, the script's own directory is on sys.path, not the repository with web/ and realtime/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import write_po  # noqa: E402

from web.i18n import LANGUAGES, load_catalog  # noqa: E402
from web.i18n_extract import MsgId, extract, missing  # noqa: E402


def as_po(messages: dict[MsgId, list[str]], locale: str | None) -> bytes:
    """`messages` as PO text by Babel's own writer (empty translations, with their use sites)."""
    catalog = Catalog(locale=locale, project="Kring")
    for msgid, sites in messages.items():
        locations = [(path, int(line)) for path, _, line in (site.rpartition(":") for site in sites)]
        catalog.add(msgid, locations=locations)
    out = BytesIO()
    write_po(out, catalog, omit_header=locale is not None, width=0)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # English is the source language and has no catalog, so only the other languages make sense.
    parser.add_argument("lang", nargs="?", default="nl", choices=[lang for lang in LANGUAGES if lang != "en"])
    parser.add_argument("--obsolete", action="store_true", help="also list entries the code no longer uses")
    parser.add_argument("--pot", type=Path, help="also write a template of every message to this file")
    args = parser.parse_args(argv)

    catalog = load_catalog(args.lang)
    used = extract().messages
    lacking = missing(catalog, used)
    sys.stdout.buffer.write(as_po(lacking, args.lang))
    print(f"{len(lacking)} missing in {args.lang}", file=sys.stderr)

    if args.obsolete:
        keys = {msgid if isinstance(msgid, str) else msgid[0] for msgid in used}
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key and key not in keys:
                print(f"obsolete: {message.id!r}", file=sys.stderr)
    if args.pot:
        args.pot.write_bytes(as_po(used, None))
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
