"""Crash safety: clients keep getting leases while the dataplane is killed with
SIGKILL at a random moment and restarted. Every lease a client saw ACKed under
durability fsync must still be that client's after the restart, and no address
may ever be ACKed to two clients."""
import pathlib
import random
import signal
import subprocess
import time

from conftest import FLDHCP, PYTHON, base_config


def crash_config(links):
    cfg = base_config(links)
    cfg["Dhcp4"]["subnet4"] = [{
        "id": 1, "subnet": "10.20.0.0/16",
        "pools": [{"pool": "10.20.1.0 - 10.20.255.254"}]}]
    cfg["Dataplane"]["ports"][0]["address"] = "10.20.0.1/16"
    return cfg


def test_acked_leases_survive_sigkill_and_no_address_is_acked_twice(netlinks, dataplane, tmp_path):
    link = netlinks()
    dp = dataplane([link], config=crash_config([link]))
    acked_file = tmp_path / "acked"
    rng = random.Random()
    for round_ in range(3):
        client = link.popen(PYTHON, FLDHCP, "dora", "--iface", link.peer, "--count", "5000",
                            "--mac-prefix", "02:%02x" % (0x10 + round_), "--out", acked_file,
                            "--seconds", "30", stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 3.0))
        dp.kill9()
        client.send_signal(signal.SIGTERM)
        client.wait()
        dp.start()
        lines = acked_file.read_text().splitlines()
        assert len(lines) > 10 * (round_ + 1), "too few leases to make the test meaningful"
        # No address ACKed to two clients, over all rounds.
        by_ip = {}
        for line in lines:
            mac, ip = line.split()
            assert by_ip.setdefault(ip, mac) == mac, "%s ACKed to %s and %s" % (ip, by_ip[ip], mac)
        # Every ACKed lease is still the client's: INIT-REBOOT is ACKed with the
        # same address (an unknown client would get silence, a wrong one a NAK).
        out = link.fldhcp("verify", "--iface", link.peer, "--in", acked_file, timeout=600).stdout
        results = [line for line in out.splitlines() if line.strip()]
        lost = [r for r in results if '"result": "ack"' not in r]
        assert len(results) == len(lines)
        assert not lost, "leases lost after SIGKILL (round %d): %s" % (round_, lost[:5])
    # New clients after the last restart get addresses nobody holds.
    fresh = tmp_path / "fresh"
    link.fldhcp("dora", "--iface", link.peer, "--count", "20", "--mac-prefix", "02:7f",
                "--out", fresh)
    held = {line.split()[1] for line in acked_file.read_text().splitlines()}
    for line in fresh.read_text().splitlines():
        assert line.split()[1] not in held
