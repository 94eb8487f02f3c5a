"""CPU time per request by process kind (web workers, PostgreSQL, Redis) during a wrk run.

    python bench/cpuuse.py snapshot FILE          # before the run, and again after it
    python bench/cpuuse.py report BEFORE AFTER N  # N requests were answered in between

Reads /proc (Linux). Each kind's total is what its processes used plus what their children
used once they exited (a PostgreSQL backend closed and reopened during a run is reaped by the
postmaster, whose cutime/cstime then hold it), so the difference of two totals counts every
backend that ran in between, whenever it started or ended.
"""

import json
import os
import sys
from pathlib import Path

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def kind_of(pid: str) -> tuple[str, float] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    used = sum(int(f) for f in fields[11:15]) * TICK_MS  # utime, stime, cutime, cstime
    if "gunicorn" in cmdline:
        return "web", used
    if name.startswith("postgres"):
        return "postgres", used
    if name.startswith("redis"):
        return "redis", used
    return None


def snapshot(path: str) -> None:
    totals = dict.fromkeys(("web", "postgres", "redis"), 0.0)
    for pid in os.listdir("/proc"):
        found = kind_of(pid) if pid.isdigit() else None
        if found:
            totals[found[0]] += found[1]
    Path(path).write_text(json.dumps(totals))


def report(before: str, after: str, requests: str) -> None:
    old, new = (json.loads(Path(p).read_text()) for p in (before, after))
    n = max(int(requests), 1)
    print(" ".join(f"cpu_{kind}_ms={(new[kind] - old[kind]) / n:.2f}" for kind in new))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"snapshot": snapshot, "report": report}[command](*args)
