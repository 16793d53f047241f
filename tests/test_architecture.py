"""The core stays pure: realtime/ imports neither the web stack nor the shell (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = {"starlette", "jinja2", "uvicorn", "server", "web", "markupsafe", "segno", "babel"}
# Only the store and broker backends may do I/O; the pure core may not even look at the clock.
PURE_MODULES = ["events.py", "state.py", "codec.py", "codes.py", "text.py", "export.py", "presence.py", "limits.py", "errors.py"]
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
    offenders = {
        name: sorted(imports(ROOT / "realtime" / name) & IMPURE)
        for name in PURE_MODULES
        if imports(ROOT / "realtime" / name) & IMPURE
    }
    assert offenders == {}


def test_web_does_not_import_the_shell() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "web").rglob("*.py") if "server" in imports(p)]
    assert offenders == []


def test_the_import_walker_sees_imports() -> None:
    # Guards the guard: if parsing broke, every test above would pass vacuously.
    assert {"realtime", "starlette"} <= imports(ROOT / "server" / "ws.py")
