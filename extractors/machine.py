"""What this machine lets a process use: the cores extraction runs on by default.

``os.cpu_count()`` counts the machine's cores, not the process's: a container limited to two
CPUs on a 64-core host, or a process pinned to two cores with ``taskset``, would start 64
workers that fight over two. ``usable_cores`` takes the smallest of the CPU affinity mask and
the container's CPU quota (cgroup v2 ``cpu.max``, or v1 ``cpu.cfs_quota_us`` over
``cpu.cfs_period_us``), rounded up: a quota of 1.5 CPUs gets two workers, which share it.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def usable_cores(cgroup_root: Path | None = None) -> int:
    """The cores this process may run on: affinity and container quota, at least 1."""
    counts = [_affinity()]
    quota = cpu_quota(cgroup_root)
    if quota is not None:
        counts.append(max(1, math.ceil(quota)))
    return max(1, min(count for count in counts if count))


def _affinity() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def cpu_quota(cgroup_root: Path | None = None) -> float | None:
    """CPUs the container's quota allows (``2.0``), or None when it sets none or cannot be read."""
    cgroup_root = CGROUP_ROOT if cgroup_root is None else cgroup_root
    try:
        quota, period = (cgroup_root / "cpu.max").read_text().split()[:2]  # cgroup v2: "200000 100000"
        if quota != "max":
            return int(quota) / int(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        quota = int((cgroup_root / "cpu" / "cpu.cfs_quota_us").read_text())  # cgroup v1: -1 for none
        period = int((cgroup_root / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota / period if quota > 0 and period > 0 else None
