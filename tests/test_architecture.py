"""The core stays pure: realtime/ imports neither the web stack nor the shell (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = {"starlette", "jinja2", "uvicorn", "server", "web", "markupsafe", "segno", "babel"}
# Only the shell of the core (the room, the hub, its supervisor, the store and broker backends) may do I/O; every
# other module of realtime/ (events, state, every feature) may not even look at the clock. A new
# feature module is checked without being listed.
SHELL = {"room.py", "hub.py", "supervise.py", "store", "broker"}
IMPURE = {"time", "random", "secrets", "os", "socket", "sqlite3", "asyncio", "redis", "uuid", "datetime"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_realtime_imports_no_web_or_shell() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(imports(p) & FORBIDDEN_IN_CORE)
        for p in (ROOT / "realtime").rglob("*.py")
        if imports(p) & FORBIDDEN_IN_CORE
    }
    assert offenders == {}


def test_pure_core_has_no_io_clock_or_randomness() -> None:
    pure = [p for p in (ROOT / "realtime").rglob("*.py")
            if p.relative_to(ROOT / "realtime").parts[0] not in SHELL]
    assert len(pure) > 15 and any(p.name == "state.py" for p in pure)
    offenders = {str(p.relative_to(ROOT)): sorted(imports(p) & IMPURE) for p in pure if imports(p) & IMPURE}
    assert offenders == {}


def test_web_does_not_import_the_shell() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "web").rglob("*.py") if "server" in imports(p)]
    assert offenders == []


def test_the_import_walker_sees_imports() -> None:
    # Guards the guard: if parsing broke, every test above would pass vacuously.
    assert {"realtime", "starlette"} <= imports(ROOT / "server" / "ws.py")
