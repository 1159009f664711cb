"""deploy/examples/isp-kea.json: the committed file is what gen-isp-config.py
produces, and Kea itself (`kea-dhcp4 -t`) accepts it. Needs no root and no build."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "examples"
GENERATOR = EXAMPLES / "gen-isp-config.py"
CONFIG = EXAMPLES / "isp-kea.json"


def kea_dhcp4():
    """kea-dhcp4 from PATH or the sbin directories a non-root PATH may leave out."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
    return shutil.which("kea-dhcp4", path=path)


def test_committed_file_is_what_the_generator_writes(tmp_path):
    out = tmp_path / "isp-kea.json"
    subprocess.run([sys.executable, str(GENERATOR), "-o", str(out)], check=True, timeout=60)
    assert out.read_text() == CONFIG.read_text(), (
        "deploy/examples/isp-kea.json is stale; regenerate it with "
        "`python3 deploy/examples/gen-isp-config.py`")


def test_shape():
    dhcp4 = json.loads(CONFIG.read_text())["Dhcp4"]
    subnets = [s for n in dhcp4["shared-networks"] for s in n["subnet4"]] + dhcp4["subnet4"]
    assert len(subnets) == 400
    assert len({s["id"] for s in subnets}) == 400
    reservations = [r for s in subnets for r in s.get("reservations", [])]
    assert any("circuit-id" in r for r in reservations)
    assert any("hw-address" in r for r in reservations)
    assert any(c.get("only-if-required") for c in dhcp4["client-classes"])


def test_kea_accepts_it(tmp_path):
    kea = kea_dhcp4()
    if kea is None:
        pytest.skip("kea-dhcp4 is not installed (Debian: apt-get install kea-dhcp4-server)")
    # -t parses and checks the whole config without opening sockets or the lease
    # file. Kea's own lock and log files go to a scratch directory.
    env = dict(os.environ, KEA_LOCKFILE_DIR=str(tmp_path), KEA_PIDFILE_DIR=str(tmp_path))
    proc = subprocess.run([kea, "-t", str(CONFIG)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
