"""CPU time per request by process kind (web workers, PostgreSQL, Redis) during a wrk run.

    python bench/cpuuse.py snapshot FILE          # before the run, and again after it
    python bench/cpuuse.py report BEFORE AFTER N  # N requests were answered in between

Reads /proc (Linux). Counts only processes alive at both snapshots, so start the run after a
warm-up: PostgreSQL backends opened meanwhile would be missed.
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
    used = (int(fields[11]) + int(fields[12])) * TICK_MS  # utime + stime
    if "gunicorn" in cmdline:
        return "web", used
    if name.startswith("postgres"):
        return "postgres", used
    if name.startswith("redis"):
        return "redis", used
    return None


def snapshot(path: str) -> None:
    found = {pid: kind_of(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    Path(path).write_text(json.dumps({pid: k for pid, k in found.items() if k}))


def report(before: str, after: str, requests: str) -> None:
    old, new = (json.loads(Path(p).read_text()) for p in (before, after))
    used: dict[str, float] = {"web": 0.0, "postgres": 0.0, "redis": 0.0}
    for pid, (kind, ms) in new.items():
        if pid in old:
            used[kind] += ms - old[pid][1]
    n = max(int(requests), 1)
    print(" ".join(f"cpu_{kind}_ms={ms / n:.2f}" for kind, ms in used.items()))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"snapshot": snapshot, "report": report}[command](*args)
