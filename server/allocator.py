"""The memory allocator a server process runs with, chosen before Python starts (issue 14).

After a flood of hostile frames (300 people, 500,000 frames) the server must give its memory back:
RSS within 10 % of before, a quiet minute later. With glibc's malloc it kept +6.9 to +15 %
(docs/performance.md): not its live objects (tracemalloc finds +0.45 MiB of those) but the pages
of its heap that a few surviving small allocations keep, which no trim can return. jemalloc packs
small objects of one size together, in slabs of their own, and returns emptied pages by itself:
+6.9 to +7.6 % in the same flood, with the peak during it at 120-127 MiB instead of 232-307. So a
server process preloads jemalloc where it is installed (Debian's `libjemalloc2`, which Redis's
package already pulls in), with a decay that returns freed pages within a second, and allocates
Python's small objects with it too (`PYTHONMALLOC=malloc`; with pymalloc's arenas the flood kept
+21 to +33 %).

Both must be in the environment when the process starts, so `python -m server` re-executes
itself once with them (`environment` says whether and with what); the process keeps its PID.
`KRING_MALLOC`: `auto` (the default: jemalloc if installed, else the C library's), `jemalloc`
(refuse to start without it) or `system` (the C library's malloc, as before). A `PYTHONMALLOC`,
`LD_PRELOAD` or `MALLOC_CONF` already set is kept.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence

CHOICES = ("auto", "jemalloc", "system")
# Freed pages go back within a second (dirty) and at once after that (muzzy), by jemalloc's own
# thread, not at the next allocation: a flood's memory is returned while the server is quiet.
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"
MARK = "KRING_ALLOCATOR"  # set in the re-executed process's environment: what it runs with


def find_jemalloc() -> str | None:
    """jemalloc's shared library as the dynamic loader finds it (e.g. "libjemalloc.so.2")."""
    return ctypes.util.find_library("jemalloc")


def environment(environ: Mapping[str, str], find: Callable[[], str | None] = find_jemalloc) -> dict[str, str] | None:
    """The environment the server process should run in, or None when this process already runs
    as it should (it was re-executed, or nothing would change). Raises ValueError for a bad
    KRING_MALLOC, or KRING_MALLOC=jemalloc without jemalloc."""
    if environ.get(MARK):
        return None
    choice = environ.get("KRING_MALLOC", "auto").strip().lower() or "auto"
    if choice not in CHOICES:
        raise ValueError(f"KRING_MALLOC must be one of {', '.join(CHOICES)} (got {choice!r})")
    env = dict(environ)
    env.setdefault("PYTHONMALLOC", "malloc")
    preload = env.get("LD_PRELOAD", "")
    if choice != "system" and "jemalloc" not in preload:
        library = find()
        if library:
            env["LD_PRELOAD"] = f"{library} {preload}".strip()
            env.setdefault("MALLOC_CONF", JEMALLOC_CONF)
        elif choice == "jemalloc":
            raise ValueError("KRING_MALLOC=jemalloc, but jemalloc is not installed "
                             "(Debian: apt-get install libjemalloc2)")
    if env == dict(environ):
        return None
    env[MARK] = "jemalloc" if "jemalloc" in env.get("LD_PRELOAD", "") else "system"
    return env


def reexecute(argv: Sequence[str]) -> None:
    """Replace this process by `python -m server argv` in the allocator's environment, if it needs
    one; return otherwise."""
    try:
        env = environment(os.environ)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if env is not None:
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, "-m", "server", *argv], env)


def running() -> str:
    """What this process allocates with, for the start-up log."""
    return os.environ.get(MARK) or ("jemalloc" if "jemalloc" in os.environ.get("LD_PRELOAD", "") else "system")
