"""fastlease-control and the `fastlease` CLI against a running dataplane: every
command through the CLI (real sockets, real RocksDB, real DHCP clients), bad
configs and malformed requests, config-reload and a control-process crash while
perfdhcp runs, the lease event log's exactly-once contract, and the
Prometheus endpoint."""
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import CLI, base_config
from test_link import dora
from test_perfdhcp import perfdhcp_counts

EVERY_COMMAND = {
    "list-commands", "version-get", "status-get", "build-report", "config-get", "config-test",
    "config-set", "config-reload", "config-write", "shutdown", "lease4-add", "lease4-get",
    "lease4-get-all", "lease4-get-page", "lease4-get-by-hw-address", "lease4-get-by-client-id",
    "lease4-update", "lease4-del", "lease4-wipe", "lease6-add", "lease6-del", "lease6-get",
    "lease6-get-all", "lease6-get-by-duid", "lease6-get-page", "lease6-update", "lease6-wipe",
    "statistic-get", "statistic-get-all",
    "statistic-reset", "statistic-reset-all",
}


def two_address_config(links):
    cfg = base_config(links)
    cfg["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.100 - 192.0.2.101"}]
    return cfg


def table_rows(text):
    """The data rows of a CLI table, split on runs of spaces."""
    lines = [l for l in text.splitlines() if l.strip()]
    return [l.split() for l in lines[1:] if not l.startswith(" ")]


def test_lease_commands_through_the_cli(netlinks, dataplane, control, tmp_path):
    link = netlinks()
    dp = dataplane([link], two_address_config([link]))
    c = control(dp)

    # A lease added by command is what its client gets (fldhcp's first client
    # of prefix 02:cc is 02:cc:00:00:00:00).
    add = c.cli("lease4-add", "192.0.2.101", "02:cc:00:00:00:00", "--valid-lft", "1000",
                check=0)
    assert add.stdout.strip() == "Lease for address 192.0.2.101, subnet-id 1 added."
    dup = c.cli("lease4-add", "192.0.2.101", "02:dd:00:00:00:01", check=1)
    assert "already exists" in dup.stderr
    assert c.json("lease4-get", "192.0.2.101")["arguments"]["valid-lft"] == 1000
    acked, leases = dora(link, tmp_path, "02:cc")
    assert leases == [("02:cc:00:00:00:00", "192.0.2.101")]
    # A lease keyed by client-id, outside the pool but inside the subnet.
    c.cli("lease4-add", "192.0.2.50", "02:ff:00:00:00:00", "--client-id", "01:02:ff:00:00:00:00",
          check=0)

    # The pool's other address goes to a dynamic client; a third gets nothing.
    assert dora(link, tmp_path, "02:dd")[1] == [("02:dd:00:00:00:00", "192.0.2.100")]
    assert dora(link, tmp_path, "02:ee")[0] == 0

    # Every way of asking for a lease.
    one = c.json("lease4-get", "192.0.2.100")["arguments"]
    assert one["hw-address"] == "02:dd:00:00:00:00" and one["subnet-id"] == 1
    assert one["valid-lft"] == 3600 and one["state"] == 0
    by_hw = c.json("lease4-get", "--hw-address", "02:dd:00:00:00:00", "--subnet-id", "1")
    assert by_hw["arguments"]["ip-address"] == "192.0.2.100"
    by_cid = c.json("lease4-get", "--client-id", "01:02:ff:00:00:00:00", "--subnet-id", "1")
    assert by_cid["arguments"]["ip-address"] == "192.0.2.50"
    all_hw = c.json("lease4-get-by-hw-address", "02:cc:00:00:00:00")["arguments"]["leases"]
    assert [l["ip-address"] for l in all_hw] == ["192.0.2.101"]
    table = c.cli("leases", check=0).stdout
    assert table.splitlines()[0].split()[:3] == ["address", "hw-address", "client-id"]
    assert [r[:3] for r in table_rows(table)] == [
        ["192.0.2.50", "02:ff:00:00:00:00", "01:02:ff:00:00:00:00"],
        ["192.0.2.100", "02:dd:00:00:00:00", "-"],
        ["192.0.2.101", "02:cc:00:00:00:00", "-"]]
    every = c.json("lease4-get-all")["arguments"]["leases"]
    assert sorted(l["ip-address"] for l in every) == ["192.0.2.100", "192.0.2.101", "192.0.2.50"]
    page = c.json("lease4-get-page", "--limit", "2")["arguments"]
    assert page["count"] == 2
    assert [l["ip-address"] for l in page["leases"]] == ["192.0.2.50", "192.0.2.100"]
    page = c.json("lease4-get-page", "--from", "192.0.2.100", "--limit", "2")["arguments"]
    assert [l["ip-address"] for l in page["leases"]] == ["192.0.2.101"]
    assert c.cli("lease4-get-page", "--from", "192.0.2.101", check=3).stdout.strip()
    missing = c.cli("lease4-get", "192.0.2.150", check=3)
    assert missing.stdout.strip() == "Lease not found."

    upd = c.cli("lease4-update", "192.0.2.100", "02:dd:00:00:00:00", "--valid-lft", "500",
                check=0)
    assert upd.stdout.strip() == "IPv4 lease updated."
    assert c.json("lease4-get", "192.0.2.100")["arguments"]["valid-lft"] == 500

    # lease4-del frees the address for another client.
    assert c.cli("lease4-del", "--hw-address", "02:dd:00:00:00:00", "--subnet-id", "1",
                 check=0).stdout.strip() == "IPv4 lease deleted."
    c.cli("lease4-del", "192.0.2.100", check=3)
    assert dora(link, tmp_path, "02:ee")[1] == [("02:ee:00:00:00:00", "192.0.2.100")]

    wipe = c.cli("lease4-wipe", "--subnet-id", "1", check=0)
    assert wipe.stdout.startswith("Deleted 3 IPv4 lease(s)"), wipe.stdout
    assert c.cli("leases", check=3)
    c.cli("lease4-get-all", check=3)

    # The lease event log holds each change once, in order.
    events = c.events()
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["created", "renewed", "created"], kinds
    assert kinds[-3:] == ["removed"] * 3, kinds


def test_statistics_through_the_cli(netlinks, dataplane, control, tmp_path):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    assert dora(link, tmp_path, "02:aa", count=3)[0] == 3
    time.sleep(0.3)

    value = lambda answer, name: answer["arguments"][name][0][0]
    everything = c.json("stats")
    assert value(everything, "pkt4-ack-sent") == 3
    assert value(everything, "subnet[1].assigned-addresses") == 3
    assert value(everything, "subnet[1].total-addresses") == 100
    assert any(k.startswith("lcore[1].drop_") for k in everything["arguments"])
    assert c.json("statistic-get-all")["arguments"].keys() == everything["arguments"].keys()
    assert value(c.json("statistic-get", "pkt4-offer-sent"), "pkt4-offer-sent") == 3
    table = c.cli("stats", "pkt4-ack-sent", "pkt4-discover-received", check=0).stdout
    assert [r[:2] for r in table_rows(table)] == [["pkt4-ack-sent", "3"],
                                                 ["pkt4-discover-received", "3"]]
    c.cli("stats", "no-such-statistic", check=3)

    c.cli("stats", "reset", "pkt4-ack-sent", check=0)
    assert value(c.json("stats", "pkt4-ack-sent"), "pkt4-ack-sent") == 0
    assert value(c.json("stats", "pkt4-offer-sent"), "pkt4-offer-sent") == 3
    c.cli("statistic-reset", "pkt4-offer-sent", check=0)
    assert value(c.json("stats", "pkt4-offer-sent"), "pkt4-offer-sent") == 0
    c.cli("statistic-reset-all", check=0)
    after = c.json("stats")
    assert value(after, "pkt4-discover-received") == 0
    assert value(after, "subnet[1].assigned-addresses") == 3  # a gauge, not a counter
    assert dora(link, tmp_path, "02:ab")[0] == 1
    time.sleep(0.3)
    assert value(c.json("stats", "pkt4-ack-sent"), "pkt4-ack-sent") == 1


def test_config_commands_through_the_cli(netlinks, dataplane, control, tmp_path):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    running = c.json("config", "get")["arguments"]
    assert running["Dhcp4"]["subnet4"][0]["pools"] == [{"pool": "192.0.2.100 - 192.0.2.199"}]
    assert json.loads(c.cli("config-get", check=0).stdout) == running

    # An invalid config: result 1 naming the file, the JSON path and the
    # problem; the running config stays and keeps serving.
    broken = json.loads(json.dumps(dp.config))
    broken["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.300 - 192.0.2.9"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    for verb in ("test", "set"):
        r = c.cli("config", verb, bad, check=1)
        assert str(bad) in r.stderr and "Dhcp4/subnet4[0]/pools[0]/pool" in r.stderr, r.stderr
        assert "not a range" in r.stderr
    unreadable = c.cli("config", "set", tmp_path / "missing.json", check=2)
    assert "missing.json" in unreadable.stderr
    not_json = tmp_path / "not.json"
    not_json.write_text('{"Dhcp4": ')
    assert "not JSON" in c.cli("config", "set", not_json, check=2).stderr
    assert c.json("config", "get")["arguments"] == running
    assert dora(link, tmp_path, "02:ba")[1] == [("02:ba:00:00:00:00", "192.0.2.100")]

    good = json.loads(json.dumps(dp.config))
    good["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.10 - 192.0.2.10"}]
    good_file = tmp_path / "good.json"
    good_file.write_text(json.dumps(good))
    assert c.cli("config-test", good_file, check=0).stdout.strip() == "Configuration seems sane."
    assert c.json("config", "get")["arguments"] == running  # test applies nothing
    c.cli("config", "set", good_file, check=0)
    assert c.json("config", "get")["arguments"]["Dhcp4"]["subnet4"][0]["pools"] == \
        [{"pool": "192.0.2.10 - 192.0.2.10"}]
    assert dora(link, tmp_path, "02:bb")[1] == [("02:bb:00:00:00:00", "192.0.2.10")]

    written = tmp_path / "written.json"
    w = c.cli("config", "write", written, check=0)
    assert str(written) in w.stdout
    assert json.loads(written.read_text())["Dhcp4"]["subnet4"][0]["pools"] == \
        [{"pool": "192.0.2.10 - 192.0.2.10"}]

    # config reload re-reads the dataplane's own file (the original pool).
    c.cli("config", "reload", check=0)
    assert c.json("config", "get")["arguments"] == running
    # A broken file on disk: reload fails with the file's name; nothing changes.
    dp.config_path.write_text(json.dumps(broken))
    r = c.cli("config-reload", check=1)
    assert str(dp.config_path) in r.stderr and "pools[0]/pool" in r.stderr, r.stderr
    assert c.json("config", "get")["arguments"] == running
    assert dora(link, tmp_path, "02:bc")[0] == 1


def test_server_commands_and_shutdown_with_exit_value(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    assert set(c.cli("list-commands", check=0).stdout.split()) == EVERY_COMMAND
    assert set(c.json("list-commands")["arguments"]) == EVERY_COMMAND
    version = c.cli("version", check=0).stdout
    assert version.startswith("fastlease ") and "DPDK" in version
    # Kea's shape: the version in `text`, the details in `arguments`.
    assert version.split()[1] == c.json("version-get")["text"]
    report = c.cli("build-report", check=0).stdout
    assert "RocksDB" in report and "C++ standard" in report
    status = c.json("status")["arguments"]
    assert status["dataplane"]["connected"] is True
    assert status["dataplane"]["pid"] == dp.proc.pid and status["pid"] == c.proc.pid
    assert status["control"]["dataplane-link"]["state"] == "connected"
    human = c.cli("status-get", check=0).stdout
    assert "connected" in human and str(dp.proc.pid) in human

    assert c.cli("shutdown", "--exit-value", "7", check=0).returncode == 0
    assert dp.proc.wait(30) == 7, dp.log()
    assert c.proc.wait(30) == 7, c.log()
    down = c.cli("status", check=4)
    assert "cannot connect to fastlease-control" in down.stderr, down.stderr
    assert str(c.socket) in down.stderr


def test_cli_without_a_dataplane_or_a_server(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    dp.stop()
    end = time.monotonic() + 10
    while c.json("status")["arguments"]["dataplane"].get("connected") and time.monotonic() < end:
        time.sleep(0.1)
    # fastlease-control answers what it can itself; dataplane commands fail clearly.
    assert c.json("version-get")["result"] == 0
    r = c.cli("lease4-get", "192.0.2.100", check=1)
    assert "dataplane" in r.stderr, r.stderr
    assert c.json("status")["arguments"]["control"]["dataplane-link"]["state"] != "connected"
    # The dataplane back: the link reconnects by itself.
    dp.start()
    end = time.monotonic() + 15
    while c.cli("lease4-get", "192.0.2.100").returncode != 3 and time.monotonic() < end:
        time.sleep(0.2)
    c.cli("lease4-get", "192.0.2.100", check=3)

    c.proc.terminate()
    assert c.proc.wait(30) == 0
    r = subprocess.run([str(CLI), "--socket", str(c.socket), "leases"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 4 and "is fastlease-control running?" in r.stderr, r.stderr


def request(path, payload, timeout=30):
    """One request on the command socket; the answer parsed."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(path))
    try:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before it was all sent: the answer is still there to read
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data)


def test_malformed_commands_get_clear_errors_and_serving_goes_on(netlinks, dataplane, control,
                                                                 tmp_path):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    assert (c.socket.stat().st_mode & 0o777) == 0o660

    not_json = request(c.socket, b"hello")
    assert not_json["result"] == 1 and "parse error" in not_json["text"]
    torn = request(c.socket, b'{"command": "lease4-get", "argu')
    assert torn["result"] == 1
    not_object = request(c.socket, b"[1, 2]")
    assert not_object["result"] == 1
    unknown = request(c.socket, b'{"command": "lease4-frobnicate"}')
    # Kea's "command not supported" result (2), with a clear text.
    assert unknown == {"result": 2, "text": "'lease4-frobnicate' command not supported."}
    for payload, words in (
            (b'{"command": 7}', "'command' must be a string"),
            (b'{"command": "lease4-get", "arguments": [1]}', "'arguments' must be an object"),
            (b'{"command": "lease4-get", "arguments": {"ip-address": 5}}', "ip-address"),
            (b'{"command": "lease4-get-page", "arguments": {"from": "start", "limit": "x"}}',
             "limit"),
            (b'{"command": "statistic-get", "arguments": {"name": ["x"]}}', "name"),
            (b'{"command": "shutdown", "arguments": {"exit-value": "soon"}}', "exit-value"),
            (b'{"command": "config-set", "arguments": "Dhcp4"}', "arguments")):
        answer = request(c.socket, payload)
        assert answer["result"] == 1 and words in answer["text"], (payload, answer)

    big = b'{"command": "config-set", "arguments": {"x": "' + b"a" * (10 << 20) + b'"}}'
    too_big = request(c.socket, big)
    assert too_big == {"result": 1, "text": "command too large: more than 4194304 bytes"}

    # Still serving, both the socket and DHCP; the dataplane and control alive.
    assert request(c.socket, b'{"command": "status-get"}')["result"] == 0
    assert dora(link, tmp_path, "02:ca")[0] == 1
    assert dp.proc.poll() is None and c.proc.poll() is None


def perfdhcp_config(link):
    link.run("ip", "addr", "add", "192.0.2.2/24", "dev", link.peer)
    cfg = base_config([link])
    cfg["Dhcp4"]["subnet4"].append({
        "id": 2, "subnet": "198.18.0.0/16", "relay": {"ip-addresses": ["192.0.2.2"]},
        "pools": [{"pool": "198.18.0.10 - 198.18.255.250"}]})
    return cfg


def run_perfdhcp(link, rate, seconds, clients):
    perfdhcp = shutil.which("perfdhcp")
    if perfdhcp is None:
        pytest.skip("perfdhcp not installed (deploy/install-deps.sh installs kea-admin)")
    return link.popen(perfdhcp, "-4", "-l", link.peer, "-r", rate, "-R", clients, "-p", seconds,
                      "-W", 2000000, "192.0.2.1", stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT, text=True)


def assert_no_exchange_lost(proc, rate, seconds):
    out, _ = proc.communicate(timeout=seconds + 60)
    counts = perfdhcp_counts(out)
    assert set(counts) == {"DISCOVER-OFFER", "REQUEST-ACK"}, out
    do, ra = counts["DISCOVER-OFFER"], counts["REQUEST-ACK"]
    assert do["sent packets"] >= rate * seconds * 0.8, out
    assert do["drops"] == 0 and do["received packets"] == do["sent packets"], out
    assert ra["sent packets"] == do["sent packets"], out
    assert ra["drops"] == 0 and ra["received packets"] == ra["sent packets"], out
    assert proc.returncode == 0, out
    return ra["received packets"]


def test_config_reload_under_load_loses_no_exchange(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link], perfdhcp_config(link))
    c = control(dp)
    rate, seconds = 400, 8
    load = run_perfdhcp(link, rate, seconds, 4000)
    reloads = 0
    end = time.monotonic() + seconds - 1
    time.sleep(0.5)
    while time.monotonic() < end:
        c.cli("config", "reload", check=0)
        reloads += 1
        time.sleep(0.25)
    acked = assert_no_exchange_lost(load, rate, seconds)
    assert reloads >= 10
    time.sleep(0.5)
    assert c.json("stats", "pkt4-ack-sent")["arguments"]["pkt4-ack-sent"][0][0] == acked


def test_control_killed_mid_load_dataplane_answers_and_events_resume(netlinks, dataplane,
                                                                      control):
    link = netlinks()
    dp = dataplane([link], perfdhcp_config(link))
    c = control(dp)
    rate, seconds = 400, 8
    load = run_perfdhcp(link, rate, seconds, 4000)
    time.sleep(2)
    assert c.events(), "no lease events reached the log before the crash"
    c.kill9()
    time.sleep(2)  # away while leases are made
    c.start()
    time.sleep(1)
    c.kill9()  # a second crash, right after catching up
    c.start()
    acked = assert_no_exchange_lost(load, rate, seconds)

    # Every lease event exactly once, in order, up to the dataplane's last.
    end = time.monotonic() + 15
    while time.monotonic() < end:
        status = c.json("status")["arguments"]
        last = status["dataplane"]["lease-events"]["last-seq"]
        if last and c.events() and c.events()[-1].get("seq") == last:
            break
        time.sleep(0.2)
    events = c.events()
    assert all("seq" in e for e in events), [e for e in events if "seq" not in e][:3]
    assert [e["seq"] for e in events] == list(range(1, last + 1))
    created = [e for e in events if e["event"] == "created"]
    assert len(created) == acked
    assert len({e["lease"]["ip-address"] for e in created}) == acked
    assert status["control"]["lease-events"]["gaps"] == 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_prometheus_endpoint_exports_the_statistics(netlinks, dataplane, control, tmp_path):
    link = netlinks()
    cfg = base_config([link])
    port = free_port()
    cfg["Control"] = {"prometheus": {"enabled": True, "port": port}}
    dp = dataplane([link], cfg)
    c = control(dp)
    assert "prometheus: serving /metrics on 127.0.0.1:%d" % port in c.log()
    assert dora(link, tmp_path, "02:da", count=2)[0] == 2
    time.sleep(0.3)
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain")
        text = r.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    assert samples["fastlease_pkt4_ack_sent"] == 2
    assert samples['fastlease_subnet_assigned_addresses{subnet_id="1"}'] == 2
    assert samples['fastlease_subnet_total_addresses{subnet_id="1"}'] == 100
    assert "# TYPE fastlease_pkt4_ack_sent counter" in text
    assert "# TYPE fastlease_subnet_assigned_addresses gauge" in text
    assert any(k.startswith('fastlease_lcore_drop_') for k in samples)
    stats = c.json("stats")["arguments"]
    assert samples["fastlease_pkt4_discover_received"] == stats["pkt4-discover-received"][0][0]


def test_prometheus_is_off_by_default(netlinks, dataplane, control):
    link = netlinks()
    dp = dataplane([link])
    c = control(dp)
    assert "prometheus" not in c.log()
    assert c.json("status")["arguments"]["control"]["prometheus"] == {"enabled": False}
    with pytest.raises(OSError):
        urllib.request.urlopen("http://127.0.0.1:9547/metrics", timeout=2)
