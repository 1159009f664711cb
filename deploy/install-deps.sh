#!/usr/bin/env bash
# Installs every Debian 12 package fastlease's build and tests need. Idempotent:
# packages already present are skipped and apt is not touched when nothing is missing.
set -euo pipefail

PACKAGES=(
  # build
  build-essential meson ninja-build pkg-config clang libfuzzer-14-dev libclang-rt-14-dev
  dpdk-dev libdpdk-dev librocksdb-dev libboost-dev libabsl-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # integration tests: namespaces, real clients, packet tools, Kea for side-by-side runs
  iproute2 iputils-ping ethtool tcpdump procps psmisc
  isc-dhcp-client udhcpc dhcpcd5 python3-scapy python3-pytest
  kea-admin kea-dhcp4-server kea-dhcp6-server
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Kea's and dhcpcd's packages would start system services; keep them from starting.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
