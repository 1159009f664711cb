"""Process lifecycle: SIGHUP reloads (a bad config is rejected and the old one
keeps serving; a good one is adopted without a restart), SIGTERM drains and
keeps every lease, and leases are recovered at start."""
import copy
import pathlib
import tempfile

from conftest import base_config


def dora(link, prefix, count=1):
    out = tempfile.mktemp()
    link.fldhcp("dora", "--iface", link.peer, "--count", str(count), "--mac-prefix", prefix,
                "--out", out)
    p = pathlib.Path(out)
    lines = p.read_text().splitlines() if p.exists() else []
    if p.exists():
        p.unlink()
    return [line.split()[1] for line in lines]


def test_sighup_rejects_a_bad_config_and_adopts_a_good_one(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    assert dora(link, "02:a1")[0].startswith("192.0.2.1")  # pool .100-.199
    original = copy.deepcopy(dp.config)
    bad = copy.deepcopy(original)
    bad["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.300 - 192.0.2.310"}]
    bad["Dhcp4"]["no-such-key"] = 1
    log = dp.reload(bad, "keeping the running config")
    assert "Dhcp4/subnet4[0]/pools[0]/pool" in log
    assert "no-such-key" in log
    assert dora(link, "02:a2")[0].startswith("192.0.2.1"), "old config still serves"
    good = copy.deepcopy(original)
    good["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.20 - 192.0.2.29"}]
    dp.reload(good, "published")
    ip = dora(link, "02:a3")[0]
    assert ip.startswith("192.0.2.2") and 20 <= int(ip.split(".")[3]) <= 29, ip


def test_sigterm_keeps_every_lease_and_restart_recovers_them(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    first = dora(link, "02:b1", count=30)
    assert len(first) == 30
    assert dp.stop() == 0
    assert "persister stopped" in dp.log()
    dp.start()
    assert "30 bound" in dp.log(), dp.log()
    # The same clients get the same addresses back (INIT-REBOOT and DORA alike).
    again = dora(link, "02:b1", count=30)
    assert again == first


def thread_nice(pid, name):
    """The nice value of the process's thread called `name` (None if none is)."""
    for task in pathlib.Path("/proc/%d/task" % pid).iterdir():
        if (task / "comm").read_text().strip() == name:
            stat = (task / "stat").read_text()
            return int(stat[stat.rindex(")") + 2:].split()[16])  # field 19, nice
    return None


def test_the_persister_thread_runs_at_its_configured_priority(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    # Default -10: above the control threads that share its CPUs.
    assert thread_nice(dp.proc.pid, "fl-persister") == -10, dp.log()
    assert "persister priority" not in dp.log()
    assert dora(link, "02:b1")[0].startswith("192.0.2.1")
    dp.stop()
    cfg = copy.deepcopy(dp.config)
    cfg["Dataplane"]["persister-nice"] = 5
    dp.write_config(cfg)
    dp.start()
    assert thread_nice(dp.proc.pid, "fl-persister") == 5
    assert dora(link, "02:b2")[0].startswith("192.0.2.1")
