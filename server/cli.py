"""`kring`: the one command of an installed Kring, with the entry points that exist as modules.

    kring serve [--lan | --local]            run the server (the same as `python -m server`)
    kring bench --scenario typical --json    run a benchmark (the same as `python -m bench`)
    kring bench-profile FILE                 summarize a py-spy profile (`python -m bench.spy`)

Each command is a module with `main(argv, prog) -> int`; it is imported only when asked for, so
`kring serve` loads nothing of the benchmark and the benchmark's extra packages (httpx:
`pip install 'kring[bench]'`) are needed only by `kring bench`.
"""

from __future__ import annotations

import importlib
import sys
from importlib import metadata
from typing import NamedTuple


class Command(NamedTuple):
    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "serve": Command("server.__main__", "run Kring (--lan: phones on this network can join); settings from the "
                     "environment (docs/deployment.md)"),
    "bench": Command("bench.__main__", "run a benchmark scenario against real server processes (docs/performance.md)"),
    "bench-profile": Command("bench.spy", "summarize a py-spy profile written by `kring bench --profile FILE`"),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: kring COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()]
    lines += ["", "`kring COMMAND --help` tells more; `kring --version` prints the version."]
    return "\n".join(lines)


def version() -> str:
    try:
        return metadata.version("kring")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    if args[0] == "--version":
        print(f"kring {version()}")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"kring: unknown command {args[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(command.module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] in ("server", "web", "realtime", "bench"):
            raise  # Kring itself is broken: show the real error
        # A package of an optional extra (the benchmark's httpx): say how to get it.
        print(f"kring {args[0]}: needs the Python package {exc.name!r} (pip install 'kring[bench]')", file=sys.stderr)
        return 2
    code: int = module.main(args[1:], prog=f"kring {args[0]}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
