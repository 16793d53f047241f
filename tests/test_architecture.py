"""The core stays pure: realtime/ imports neither the web stack nor the shell (STYLE.md), and its
pure part never reads the clock, draws randomness or does I/O.

Purity is a property of calls, not of modules: `datetime.date` and `timedelta` are pure functions
of their inputs (the core plans dates with them); only `date.today()`, `datetime.now()`,
`time.time()` and their kind read the clock. So the pure core may import `datetime`, and what is
banned is every reference (a call, or a function handed on to be called later) to a clock, a
random source or an id generator, found by walking each module's AST with its import aliases.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = {"starlette", "jinja2", "uvicorn", "server", "web", "markupsafe", "segno", "babel"}
# Only the shell of the core (the room, the hub, its supervisor, the store and broker backends) may do I/O; every
# other module of realtime/ (events, state, every feature) may not even look at the clock. A new
# feature module is checked without being listed.
SHELL = {"room.py", "hub.py", "supervise.py", "snapshot.py", "store", "broker"}
# Modules that are nothing but I/O: the pure core has no business importing them at all.
IO_MODULES = {"os", "socket", "sqlite3", "asyncio", "redis", "secrets"}
# Names that read the clock or draw randomness, by their full dotted name. A name ending in ".*"
# bans everything in that module (all of `random` draws from a hidden, clock-seeded state).
IMPURE_NAMES = frozenset({
    "datetime.date.today",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "time.time", "time.time_ns",
    "time.monotonic", "time.monotonic_ns",
    "time.perf_counter", "time.perf_counter_ns",
    "time.process_time", "time.process_time_ns",
    "time.thread_time", "time.thread_time_ns",
    "time.localtime", "time.gmtime", "time.ctime", "time.asctime", "time.strftime",
    "time.sleep",
    "random.*",
    "secrets.*",
    "uuid.uuid1", "uuid.uuid4", "uuid.getnode",
    "os.urandom", "os.getrandom",
})


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> the dotted name it stands for (`import time as t`: t -> time;
    `from datetime import datetime as dt`: dt -> datetime.datetime). One map per module: a name
    imported inside a function counts everywhere, which can only make the check stricter."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:  # `import a.b` binds `a`
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """`t.monotonic` -> "time.monotonic" when `t` is `import time as t`; None for anything that
    does not start at an imported name."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(attrs)])


def _impure(name: str) -> bool:
    return name in IMPURE_NAMES or any(
        banned.endswith(".*") and name.startswith(banned[:-1]) for banned in IMPURE_NAMES
    )


def clock_reads(source: str) -> list[str]:
    """Every reference to a clock or random source in `source`, as "line: dotted.name".

    A reference, not only a call: `clock = time.monotonic` hands the clock on to be read later.
    Names imported by `from x import y` are checked where they are imported as well, so
    `from random import choice` is caught even if `choice` is only passed around."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.lineno}: {node.module}.{a.name}" for a in node.names
                      if _impure(f"{node.module}.{a.name}")]
        elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            name = _dotted(node, aliases)
            # `time.monotonic` is an Attribute around the Name `time`; the walk meets both, and
            # only the whole dotted name is impure (a bare module name never is).
            if name is not None and _impure(name):
                found.append(f"{node.lineno}: {name}")
    return sorted(set(found))


def _pure_core() -> list[Path]:
    return [p for p in (ROOT / "realtime").rglob("*.py") if p.relative_to(ROOT / "realtime").parts[0] not in SHELL]


def test_realtime_imports_no_web_or_shell() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imports(p) & FORBIDDEN_IN_CORE)
        for p in (ROOT / "realtime").rglob("*.py")
        if imports(p) & FORBIDDEN_IN_CORE
    }
    assert offenders == {}


def test_pure_core_does_no_io() -> None:
    pure = _pure_core()
    assert len(pure) > 15 and any(p.name == "state.py" for p in pure)
    offenders = {str(p.relative_to(ROOT)): sorted(imports(p) & IO_MODULES) for p in pure if imports(p) & IO_MODULES}
    assert offenders == {}


def test_pure_core_never_reads_the_clock_or_draws_randomness() -> None:
    offenders = {str(p.relative_to(ROOT)): reads for p in _pure_core() if (reads := clock_reads(p.read_text()))}
    assert offenders == {}


def test_the_core_computes_dates_with_datetime() -> None:
    # The reason the rule is about calls: the core plans dates with the standard library.
    assert "datetime" in imports(ROOT / "realtime" / "trajectory.py")
    assert not (ROOT / "realtime" / "dates.py").exists()


def test_web_does_not_import_the_shell() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "web").rglob("*.py") if "server" in imports(p)]
    assert offenders == []


def test_the_import_walker_sees_imports() -> None:
    # Guards the guard: if parsing broke, every test above would pass vacuously.
    assert {"realtime", "starlette"} <= imports(ROOT / "server" / "ws.py")


CAUGHT = [
    ("import datetime\nx = datetime.date.today()", "datetime.date.today"),
    ("from datetime import date\nx = date.today()", "datetime.date.today"),
    ("from datetime import datetime as dt\nx = dt.now()", "datetime.datetime.now"),
    ("import datetime as d\nx = d.datetime.utcnow()", "datetime.datetime.utcnow"),
    ("import time\nclock = time.monotonic", "time.monotonic"),  # handed on, not called
    ("import time as t\ndef f():\n    return t.time()", "time.time"),
    ("from time import perf_counter\nx = perf_counter()", "time.perf_counter"),
    ("import random\nx = random.choice([1, 2])", "random.choice"),
    ("from random import Random\nr = Random()", "random.Random"),
    ("import uuid\nx = uuid.uuid4().hex", "uuid.uuid4"),
    ("def f():\n    import os\n    return os.urandom(8)", "os.urandom"),
]


def test_the_clock_guard_catches_every_sample() -> None:
    # Guards the guard: each of these must be reported, with the name it reads.
    for source, name in CAUGHT:
        reads = clock_reads(source)
        assert any(read.endswith(f": {name}") for read in reads), (source, reads)


def test_the_clock_guard_lets_pure_date_arithmetic_pass() -> None:
    pure = (
        "import datetime\n"
        "from datetime import date, timedelta\n"
        "import uuid\n"
        "a = date.fromisoformat('2026-11-28') + timedelta(days=7)\n"
        "b = datetime.date(2026, 1, 1).isoformat()\n"
        "c = datetime.datetime.fromtimestamp(0, datetime.UTC)\n"
        "d = uuid.UUID('12345678123456781234567812345678')\n"
        "today = 'a local variable named like a clock'\n"
        "time = 3\n"
    )
    assert clock_reads(pure) == []
