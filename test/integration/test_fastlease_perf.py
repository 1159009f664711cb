"""fastlease-perf against a running dataplane through a veth (net_af_packet in
the client namespace): relayed and direct DORA, renews, the reconnect storm,
a silent server, and agreement with perfdhcp on the same server."""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BUILD, REPO, base_config
from test_perfdhcp import perfdhcp_counts

PERF = BUILD / "perf" / "fastlease-perf"


def relay_config(link):
    cfg = base_config([link])
    cfg["Dhcp4"]["subnet4"].append({
        "id": 2, "subnet": "198.18.0.0/16", "relay": {"ip-addresses": ["192.0.2.2"]},
        "pools": [{"pool": "198.18.0.10 - 198.18.255.250"}]})
    return cfg


def run_perf(link, *args, timeout=120, vdev="net_af_packet0"):
    """fastlease-perf on the namespace's end of the link; (exit status, summary)."""
    r = link.run(PERF, "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0",
                 "--log-level", "lib.eal:error",
                 "--vdev", "%s,iface=%s" % (vdev, link.peer), "--",
                 "--format", "json", "--report-interval", "0", *args,
                 check=False, timeout=timeout)
    try:
        summary = json.loads(r.stdout[r.stdout.index("{"):])
    except ValueError:
        raise AssertionError("no JSON summary (exit %d):\n%s\n%s" % (r.returncode, r.stdout,
                                                                     r.stderr))
    return r.returncode, summary, r.stderr


def kinds(summary):
    return {k["kind"]: k for k in summary["exchanges"]}


@pytest.fixture(autouse=True)
def _built():
    if not PERF.exists():
        pytest.fail("%s not built" % PERF)


def test_relayed_dora_at_a_rate_completes_every_exchange(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link], relay_config(link))
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2",
                          "--clients", 5000, "--rate", 1500, "--duration", 3)
    dora = kinds(s)["dora"]
    assert rc == 0, (s, err)
    assert dora["started"] >= 1500 * 3 * 0.95
    assert dora["completed"] == dora["started"]
    assert dora["dropped"] == 0 and dora["retransmissions"] == 0 and dora["naks"] == 0
    assert 1300 <= dora["rate"] <= 1600
    assert 0 < dora["p50-us"] <= dora["p99-us"] <= dora["p99.9-us"] <= dora["max-us"]
    assert s["unexpected-replies"] == 0
    totals = dp.stats()["totals"]
    assert totals["pkt4-ack-sent"] == dora["completed"]
    assert totals["pkt4-offer-sent"] == dora["completed"]


def test_af_xdp_ports_under_fsync_with_a_large_window_lose_nothing(netlinks, dataplane):
    # AF_XDP on both ends, every ACK held for its group commit, 1024 exchanges in
    # flight: enough mbufs out at once that both pools are drawn from end to end. Each
    # mbuf must lie in the UMEM the AF_XDP driver registers (dataplane/mbuf_pool.h);
    # before that, the first frame in an mbuf beyond it was an invalid descriptor and
    # the port stopped transmitting, and this run lost most of its exchanges.
    link = netlinks()
    cfg = relay_config(link)
    cfg["Dataplane"]["ports"][0]["device"] = "net_af_xdp0,iface=%s" % link.host
    dp = dataplane([link], cfg)
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2",
                          "--clients", 60000, "--passes", 1, "--window", 1024,
                          "--retries", 0, "--timeout-ms", 2000, "--duration", 0,
                          vdev="net_af_xdp0")
    dora = kinds(s)["dora"]
    assert dora["started"] == 60000, (s, err)
    assert dora["completed"] == 60000 and dora["dropped"] == 0, (s, err)
    assert rc == 0, (s, err)
    totals = dp.stats()["totals"]
    assert totals["pkt4-ack-sent"] == 60000, {k: v for k, v in totals.items() if v}
    assert totals.get("drop_tx_failed", 0) == 0, {k: v for k, v in totals.items() if v}


def test_relayed_through_a_vlan(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link], relay_config(link))
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2", "--vlan", 100,
                          "--clients", 300, "--passes", 1, "--window", 32, "--duration", 0)
    dora = kinds(s)["dora"]
    assert rc == 0, (s, err)
    assert dora["completed"] == 300 and dora["dropped"] == 0
    assert dp.stats()["totals"]["pkt4-ack-sent"] == 300


def test_direct_clients_renew_by_unicast(netlinks, dataplane):
    link = netlinks()
    dp = dataplane([link])
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--scenario", "renew", "--clients", 80,
                          "--passes", 3, "--window", 16, "--duration", 0)
    k = kinds(s)
    assert rc == 0, (s, err)
    assert k["dora"]["completed"] == 80
    assert k["renew"]["completed"] == 160 and k["renew"]["dropped"] == 0
    totals = dp.stats()["totals"]
    assert totals["pkt4-ack-sent"] == 240
    assert totals["pkt4-discover-received"] == 80


def test_reconnect_storm_serves_every_client(netlinks, dataplane):
    link = netlinks()
    dataplane([link], relay_config(link))
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2",
                          "--scenario", "storm", "--clients", 2000, "--storm-new", 500,
                          "--window", 256, "--duration", 0)
    k = kinds(s)
    assert rc == 0, (s, err)
    assert s["storm"]["complete"] is True and s["storm"]["seconds"] > 0
    assert k["init-reboot"]["completed"] == 2000 and k["init-reboot"]["naks"] == 0
    assert k["dora"]["completed"] == 2500


def test_idle_sleep_gives_the_core_back_and_still_completes_every_exchange(netlinks, dataplane):
    # At 300 exchanges/s the generator is idle almost all the time: polling, it
    # would take a whole core for the run; sleeping when idle, a small part of it.
    link = netlinks()
    dataplane([link], relay_config(link))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2", "--clients", 900,
                          "--rate", 300, "--duration", 3, "--idle-sleep-us", 200)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    dora = kinds(s)["dora"]
    assert rc == 0, (s, err)
    assert dora["started"] >= 300 * 3 * 0.95 and dora["completed"] == dora["started"], dora
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # 3 s of sending plus start-up and the drain; polling would be >= 3 s of CPU.
    assert cpu < 1.5, cpu


def test_a_silent_server_shows_as_drops_and_exit_status_3(netlinks):
    link = netlinks()  # nothing serves this link
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--clients", 50, "--exchanges", 50,
                          "--timeout-ms", 100, "--retries", 1, "--duration", 0)
    dora = kinds(s)["dora"]
    assert rc == 3
    assert dora["started"] == 50 and dora["dropped"] == 50 and dora["retransmissions"] == 50
    assert dora["completed"] == 0
    # Relaying needs the server's MAC first: no ARP answer is an error, not a hang.
    r = link.run(PERF, "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0",
                 "--vdev", "net_af_packet0,iface=%s" % link.peer, "--", "--server", "192.0.2.1",
                 "--relay", "192.0.2.2", check=False, timeout=60)
    assert r.returncode == 1 and "no ARP answer from 192.0.2.1" in r.stderr


def test_bad_options_are_usage_errors(netlinks):
    link = netlinks()
    for args, words in ((["--clients", "many"], "--clients"), (["--scenario", "x"], "unknown scenario"),
                        (["--idle-sleep-us", "-1"], "--idle-sleep-us"), ([], "--server is required"),
                        (["--reflect", "198.18.0.0"], "not an IPv4 prefix"),
                        (["--reflect", "198.18.0.0/31"], "not an IPv4 prefix")):
        r = link.run(PERF, "--", "--server", "192.0.2.1", *args, check=False) if args else \
            link.run(PERF, "--", check=False)
        assert r.returncode == 2 and words in r.stderr, r.stderr


def start_reflector(link, tmp_path, *args):
    """fastlease-perf --reflect on the link's root-namespace end; returns the
    process once it answers (its stderr says so), stdout to tmp_path/reflector.json."""
    out = open(tmp_path / "reflector.json", "w")
    err_path = tmp_path / "reflector.err"
    proc = subprocess.Popen(
        [str(PERF), "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0",
         "--file-prefix", "flrefl%d" % os.getpid(), "--log-level", "lib.eal:error",
         "--vdev", "net_af_packet1,iface=%s" % link.host, "--", "--server", "192.0.2.1",
         "--reflect", "198.18.0.0/16", "--duration", "0", "--format", "json",
         "--report-interval", "0", *args], stdout=out, stderr=open(err_path, "w"))
    link.procs.append(proc)  # killed by the fixture if the test fails first
    for _ in range(300):
        if "reflecting as 192.0.2.1" in err_path.read_text():
            return proc
        assert proc.poll() is None, err_path.read_text()
        time.sleep(0.1)
    raise AssertionError("reflector not ready: " + err_path.read_text())


def stop_reflector(proc, tmp_path):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    return json.loads((tmp_path / "reflector.json").read_text())


def test_reflector_turns_every_request_around(netlinks, tmp_path):
    """The transport-ceiling reflector: the generator completes every relayed
    DORA against it, and both sides count the same exchanges."""
    link = netlinks()
    refl = start_reflector(link, tmp_path)
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2",
                          "--clients", 2000, "--passes", 2, "--window", 64, "--duration", 0)
    r = stop_reflector(refl, tmp_path)
    dora = kinds(s)["dora"]
    assert rc == 0, (s, err)
    assert dora["completed"] == 4000 and dora["dropped"] == 0 and dora["retransmissions"] == 0
    assert s["unexpected-replies"] == 0
    assert r["offers"] == 4000 and r["acks"] == 4000, r
    assert r["arp-replies"] >= 1 and r["tx-dropped"] == 0
    # Everything it did not answer was other traffic: the namespace kernel's ICMP
    # (nobody listens on the relay's port 67) and the like, never a DHCP request.
    assert r["received"] == r["offers"] + r["acks"] + r["arp-replies"] + r["ignored"]


def test_side_by_side_reports_the_reflector_row(tmp_path):
    """perf/side_by_side.sh with only the reflector (no fastlease, no Kea): it
    sets up its namespaces, measures the link's ceiling, writes the row, and
    leaves no namespace behind."""
    out = tmp_path / "sbs.md"
    env = dict(os.environ, TMPDIR=str(tmp_path))
    r = subprocess.run(["bash", str(REPO / "perf" / "side_by_side.sh"), "--reps", "1", "--steps", "1",
                        "--duration", "2", "--idle", "1", "--durability", "", "--kea-modes", "",
                        "--generators", "fastlease-perf", "--out", str(out)],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    row = [l for l in out.read_text().splitlines() if l.startswith("| reflector")]
    assert len(row) == 1, out.read_text()
    cells = [c.strip() for c in row[0].split("|")]
    assert cells[3] == "fastlease-perf" and int(cells[4]) > 1000, row
    assert float(cells[5]) <= 1.0, row
    assert '"acks":' in out.read_text(), "the reflector's own counts are in the runs section"
    # Over af_packet the generator keeps 256 exchanges in flight (1024 loses frames there).
    assert re.search(r"reflector ceiling \(fastlease-perf, window 256\)", r.stderr), r.stderr
    left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    pid = re.search(r"namespaces flp-(\d+)-", r.stderr).group(1)
    assert "flp-%s-" % pid not in left


def test_agrees_with_perfdhcp_on_the_same_server(netlinks, dataplane):
    perfdhcp = shutil.which("perfdhcp")
    if perfdhcp is None:
        pytest.skip("perfdhcp not installed")
    link = netlinks()
    link.run("ip", "addr", "add", "192.0.2.2/24", "dev", link.peer)
    dataplane([link], relay_config(link))
    rate, seconds = 1000, 4
    # -W: after the period, wait 0.1 s for the answers still on their way (an ACK waits
    # for its fsync) instead of counting the last exchanges as drops. perfdhcp's rate
    # counts the wait, 2.4% here.
    out = link.run(perfdhcp, "-4", "-l", link.peer, "-r", rate, "-R", 4000, "-p", seconds,
                   "-W", 100000, "192.0.2.1", check=False, timeout=seconds + 60)
    text = out.stdout + out.stderr
    ra = perfdhcp_counts(text)["REQUEST-ACK"]
    perfdhcp_rate = float(re.search(r"^Rate: ([\d.]+) 4-way exchanges/second", text, re.M).group(1))
    # fastlease-perf's clients are other MACs (prefix 04), so both start from fresh leases.
    rc, s, err = run_perf(link, "--server", "192.0.2.1", "--relay", "192.0.2.2",
                          "--clients", 4000, "--rate", rate, "--duration", seconds,
                          "--mac-prefix", "04")
    dora = kinds(s)["dora"]
    assert rc == 0 and ra["drops"] == 0, (text, s)
    assert abs(dora["rate"] - perfdhcp_rate) <= 0.05 * rate, (dora["rate"], perfdhcp_rate)


def in_process_config(tmp_path, durability):
    cfg = {
        "Dhcp4": {
            "valid-lifetime": 3600,
            "lease-database": {"type": "rocksdb", "name": "leases.rocksdb",
                               "durability": durability},
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]},
                        {"id": 2, "subnet": "10.0.0.0/8",
                         "relay": {"ip-addresses": ["192.0.2.2"]},
                         "pools": [{"pool": "10.0.0.10 - 10.255.255.250"}]}],
        },
        "Dataplane": {
            "eal-args": ["--no-huge", "--no-pci", "--no-shconf", "-m", "512",
                         "--lcores", "0@0,1@1,2@0", "--log-level", "lib.eal:error"],
            "ports": [{"device": "replaced", "address": "192.0.2.1/24"}],
            "workers": 1,
        },
    }
    path = tmp_path / ("inproc-%s.json" % durability)
    path.write_text(json.dumps(cfg))
    return path


@pytest.mark.parametrize("durability", ["fsync", "none"])
def test_in_process_ring_ports_serve_every_exchange(tmp_path, durability):
    import subprocess
    cfg = in_process_config(tmp_path, durability)
    r = subprocess.run([str(PERF), "--", "--in-process", str(cfg), "--state-dir",
                        str(tmp_path / ("state-" + durability)), "--server", "192.0.2.1",
                        "--relay", "192.0.2.2", "--clients", "20000", "--exchanges", "20000",
                        "--window", "256", "--duration", "0", "--format", "json",
                        "--report-interval", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    s = json.loads(r.stdout[r.stdout.index("{"):])
    dora = kinds(s)["dora"]
    assert dora["started"] == 20000 and dora["completed"] == 20000 and dora["dropped"] == 0
    # The dataplane ran here and persisted them: its log says so at shutdown.
    assert "persister stopped: 20000 records" in r.stderr, r.stderr


def test_a_full_tx_ring_delays_frames_instead_of_losing_them(tmp_path):
    # 8192 exchanges in flight against ring ports of 4096: the first burst of
    # DISCOVERs overfills the generator's TX ring. The frames it refuses wait and go
    # out later; none is lost by the generator, so the only exchanges lost (no
    # retransmission) are the replies the dataplane could not put into the
    # generator's full RX ring, which it counts as drop_tx_failed.
    import subprocess
    cfg = in_process_config(tmp_path, "none")
    r = subprocess.run([str(PERF), "--", "--in-process", str(cfg), "--state-dir",
                        str(tmp_path / "state"), "--server", "192.0.2.1", "--relay", "192.0.2.2",
                        "--clients", "40000", "--exchanges", "40000", "--window", "8192",
                        "--retries", "0", "--timeout-ms", "300", "--duration", "0",
                        "--report-interval", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 3), r.stdout + r.stderr
    m = re.search(r"port: (\d+) tx dropped, (\d+) tx ring full", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) == 0 and int(m.group(2)) > 0, r.stdout
    dora = re.search(r"^dora +(\d+) +(\d+) +\d+ +\d+ +(\d+)", r.stdout, re.M)
    assert dora and dora.group(1) == "40000", r.stdout
    started, completed, dropped = map(int, dora.groups())
    assert completed + dropped == started, r.stdout
    server_lost = re.search(r"drop_tx_failed (\d+)", r.stderr)
    assert dropped == (int(server_lost.group(1)) if server_lost else 0), r.stdout + r.stderr


def test_in_process_without_a_spare_lcore_says_what_to_do(tmp_path):
    import subprocess
    cfg = json.loads(in_process_config(tmp_path, "none").read_text())
    cfg["Dataplane"]["eal-args"] = ["--no-huge", "--no-pci", "--no-shconf", "-m", "512", "-l", "0-1"]
    path = tmp_path / "no-spare.json"
    path.write_text(json.dumps(cfg))
    r = subprocess.run([str(PERF), "--", "--in-process", str(path), "--state-dir",
                        str(tmp_path / "s"), "--server", "192.0.2.1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "no lcore left for the generator" in r.stderr, r.stderr
