"""Shared fixtures for fastlease integration tests.

Every test gets its own network namespaces and veth pairs (names prefixed
"fl<pid>", unique per test), and its own dataplane process and state
directory. Everything is torn down after the test, also when it fails; only
processes the fixtures started are signalled, by PID.

    def test_x(netlinks, dataplane):
        link = netlinks()                 # veth pair, peer in a fresh namespace
        dp = dataplane([link])            # fastlease-dataplane on link.host
        link.run("udhcpc", "-i", link.peer, ...)
"""
import itertools
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("FASTLEASE_BUILD", REPO / "build"))
DATAPLANE = BUILD / "dataplane" / "fastlease-dataplane"
FLDHCP = pathlib.Path(__file__).resolve().parent / "fldhcp.py"
PYTHON = "/usr/bin/python3"  # Debian's, where scapy lives

_ids = itertools.count()


def sh(*args, check=True, timeout=60):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True,
                          text=True, timeout=timeout)


class NetLink:
    """A veth pair: `host` stays in the root namespace for the dataplane,
    `peer` lives in namespace `ns` where the clients run."""

    def __init__(self):
        n = next(_ids)
        tag = "fl%d%s" % (os.getpid() % 100000, chr(ord("a") + n % 26) + str(n // 26))
        self.ns = tag + "n"
        self.host = tag + "h"
        self.peer = tag + "c"
        self.procs = []
        sh("ip", "netns", "add", self.ns)
        sh("ip", "link", "add", self.host, "type", "veth", "peer", "name", self.peer)
        sh("ip", "link", "set", self.peer, "netns", self.ns)
        # No IPv6 chatter from the host side; the dataplane owns this link.
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % self.host, check=False)
        sh("ip", "link", "set", self.host, "up")
        self.run("ip", "link", "set", "lo", "up")
        self.run("ip", "link", "set", self.peer, "up")
        # Kernel-built UDP from the namespace would leave partial checksums.
        self.run("ethtool", "-K", self.peer, "tx", "off", check=False)
        self.host_mac = pathlib.Path("/sys/class/net/%s/address" % self.host).read_text().strip()

    def run(self, *cmd, check=True, timeout=60):
        return sh("ip", "netns", "exec", self.ns, *cmd, check=check, timeout=timeout)

    def popen(self, *cmd, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns] + [str(c) for c in cmd], **kw)
        self.procs.append(p)
        return p

    def fldhcp(self, *args, timeout=120):
        return self.run(PYTHON, FLDHCP, *args, timeout=timeout)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        # Any process a client tool left behind in the namespace (daemonised
        # dhclient/dhcpcd) was started by this test: end it by PID.
        pids = sh("ip", "netns", "pids", self.ns, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh("ip", "netns", "del", self.ns, check=False)
        sh("ip", "link", "del", self.host, check=False)


@pytest.fixture
def netlinks():
    made = []

    def make():
        link = NetLink()
        made.append(link)
        return link

    yield make
    for link in made:
        link.close()


def base_config(links, **dhcp4):
    """A config with one port per link; port i serves 10.(i+1).0.1/16 ... or
    whatever the test passes in `ports`."""
    cfg = {
        "Dhcp4": {
            "valid-lifetime": 3600,
            "renew-timer": 900,
            "rebind-timer": 1800,
            "lease-database": {"type": "rocksdb", "name": "leases.rocksdb",
                               "durability": "fsync"},
            "subnet4": [{
                "id": 1,
                "subnet": "192.0.2.0/24",
                "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
                "option-data": [{"name": "routers", "data": "192.0.2.1"},
                                {"name": "domain-name-servers", "data": "192.0.2.53"}],
            }],
        },
        "Dataplane": {
            "eal-args": ["--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l", "0-1"],
            "ports": [{"device": "net_af_packet%d,iface=%s" % (i, l.host),
                       "address": "192.0.2.1/24" if i == 0 else "198.51.100.1/24"}
                      for i, l in enumerate(links)],
            "workers": 1,
            "idle-sleep-us": 50,
        },
    }
    cfg["Dhcp4"].update(dhcp4)
    return cfg


class Dataplane:
    def __init__(self, workdir, config):
        self.dir = pathlib.Path(workdir)
        self.config_path = self.dir / "fastlease.json"
        self.state = self.dir / "state"
        self.stats_path = self.dir / "stats.json"
        self.log_path = self.dir / "dataplane.log"
        self.proc = None
        self.write_config(config)

    def write_config(self, config):
        self.config = config
        self.config_path.write_text(json.dumps(config, indent=2))

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def start(self, timeout=30):
        self.logfile = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [str(DATAPLANE), "--config", str(self.config_path), "--state-dir", str(self.state),
             "--stats-file", str(self.stats_path)],
            stdout=self.logfile, stderr=subprocess.STDOUT)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError("dataplane exited %d at start-up:\n%s" %
                                     (self.proc.returncode, self.log()))
            if self.log().count("serving:") > self.starts():
                break
            time.sleep(0.1)
        else:
            raise AssertionError("dataplane did not start:\n" + self.log())
        self._starts = self.starts() + 1
        return self

    def starts(self):
        return getattr(self, "_starts", 0)

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("dataplane ignored SIGTERM:\n" + self.log())

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def reload(self, config, expect, timeout=15):
        """Writes `config`, sends SIGHUP, waits for `expect` to appear in the log."""
        before = self.log().count(expect)
        self.write_config(config)
        self.proc.send_signal(signal.SIGHUP)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.log().count(expect) > before:
                return self.log()
            time.sleep(0.1)
        raise AssertionError("no %r after SIGHUP:\n%s" % (expect, self.log()))

    def stats(self, wait=1.5):
        time.sleep(wait)  # the stats file is rewritten every second
        return json.loads(self.stats_path.read_text())

    def counter(self, name, wait=1.5):
        return self.stats(wait)["totals"][name]


@pytest.fixture
def dataplane():
    made = []

    def make(links, config=None, **dhcp4):
        workdir = tempfile.mkdtemp(prefix="fastlease-it-")
        dp = Dataplane(workdir, config or base_config(links, **dhcp4))
        made.append(dp)
        return dp.start()

    yield make
    for dp in made:
        try:
            if dp.proc and dp.proc.poll() is None:
                dp.proc.kill()
                dp.proc.wait()
        finally:
            shutil.rmtree(dp.dir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not DATAPLANE.exists():
        pytest.fail("%s not built (run test/run-all.sh)" % DATAPLANE)


CONTROL = BUILD / "control" / "fastlease-control"
CLI = BUILD / "control" / "cli" / "fastlease"


class Control:
    """fastlease-control beside a Dataplane: same config file and state directory,
    so its command socket is <state>/control.sock and it finds the dataplane at
    <state>/dataplane.sock."""

    def __init__(self, dp):
        self.dp = dp
        self.socket = dp.state / "control.sock"
        self.log_path = dp.dir / "control.log"
        self.event_log = dp.state / "lease-events.jsonl"
        self.proc = None

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def start(self, timeout=30):
        connected_before = self.log().count("dataplane link: connected")
        with open(self.log_path, "a") as logfile:
            self.proc = subprocess.Popen(
                [str(CONTROL), "--config", str(self.dp.config_path), "--state-dir",
                 str(self.dp.state)], stdout=logfile, stderr=subprocess.STDOUT)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError("fastlease-control exited %d at start-up:\n%s" %
                                     (self.proc.returncode, self.log()))
            if self.log().count("dataplane link: connected") > connected_before and \
                    self.socket.exists():
                return self
            time.sleep(0.05)
        raise AssertionError("fastlease-control did not connect:\n" + self.log())

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def cli(self, *args, timeout=60, check=None):
        """Runs the CLI; returns the CompletedProcess. `check`: expected exit status."""
        r = subprocess.run([str(CLI), "--socket", str(self.socket)] + [str(a) for a in args],
                           capture_output=True, text=True, timeout=timeout)
        if check is not None:
            assert r.returncode == check, "fastlease %s -> %d\n%s%s" % (
                " ".join(map(str, args)), r.returncode, r.stdout, r.stderr)
        return r

    def json(self, *args, check=0):
        """The server's answer to a CLI command, from --json."""
        return json.loads(self.cli("--json", *args, check=check).stdout)

    def events(self):
        """The lease event log's lines, parsed."""
        if not self.event_log.exists():
            return []
        return [json.loads(l) for l in self.event_log.read_text().splitlines() if l.strip()]


@pytest.fixture
def control():
    made = []

    def make(dp):
        c = Control(dp)
        made.append(c)
        return c.start()

    yield make
    for c in made:
        if c.proc and c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()
