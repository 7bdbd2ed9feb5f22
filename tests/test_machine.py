"""The cores a process may use: its CPU affinity and its container's quota, whichever is fewer."""
from __future__ import annotations

import pytest

from extractors import machine
from extractors.machine import cpu_quota, usable_cores


def cgroup(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize("files, quota", [
    ({"cpu.max": "200000 100000\n"}, 2.0),  # cgroup v2: two CPUs
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "max 100000\n"}, None),  # no limit
    ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3.0),  # cgroup v1
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu.max": "garbage"}, None),
    ({}, None),  # not in a cgroup, or not Linux
])
def test_cpu_quota(tmp_path, files, quota):
    assert cpu_quota(cgroup(tmp_path, files)) == quota


@pytest.mark.parametrize("affinity, files, cores", [
    (8, {}, 8),
    (8, {"cpu.max": "200000 100000"}, 2),  # a container of two CPUs on an eight-core host
    (2, {"cpu.max": "800000 100000"}, 2),  # pinned to two cores, whatever the quota
    (8, {"cpu.max": "150000 100000"}, 2),  # a quota of 1.5 CPUs: two workers share it
    (8, {"cpu.max": "50000 100000"}, 1),  # never fewer than one
])
def test_usable_cores(tmp_path, monkeypatch, affinity, files, cores):
    monkeypatch.setattr(machine, "_affinity", lambda: affinity)
    assert usable_cores(cgroup(tmp_path, files)) == cores


def test_the_workers_setting_defaults_to_the_usable_cores(monkeypatch, tmp_path):
    from flows.settings import Settings

    monkeypatch.delenv("OFSTED_WORKERS", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setattr(machine, "_affinity", lambda: 3)
    monkeypatch.setattr(machine, "CGROUP_ROOT", tmp_path)
    assert Settings().workers == usable_cores() == 3
    monkeypatch.setenv("OFSTED_WORKERS", "1")
    assert Settings().workers == 1
