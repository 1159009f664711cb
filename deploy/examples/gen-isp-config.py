#!/usr/bin/env python3
"""Generates isp-kea.json: a Kea 2.2 Dhcp4 config for an access ISP.

    python3 deploy/examples/gen-isp-config.py              # rewrites isp-kea.json here
    python3 deploy/examples/gen-isp-config.py -o out.json  # or writes elsewhere
    python3 deploy/examples/gen-isp-config.py -o -         # or to stdout

The output is deterministic (no clock, no randomness): the same script gives the
same bytes, which test/integration/test_isp_example.py checks. Every subnet is
behind a relay; subnet k (0-based) is 10.<16 + k // 256>.<k % 256>.0/24 with the
relay (giaddr) and router at .1. The layout, classes and options are described in
deploy/examples/README.md. Python 3 standard library only.
"""
import argparse
import json
import pathlib
import sys

SUBNETS = 400           # /24s in all
CMTS_SITES = 40         # shared networks of 4 subnets: 1 for cable modems, 3 for CPEs
SUBNETS_PER_CMTS = 4
BUSINESS_EVERY = 12     # every 12th stand-alone subnet is a business (option 82) one
STB_EVERY = 5           # every 5th stand-alone residential subnet has a set-top-box pool
HW_RESERVATIONS_EVERY = 20  # every 20th stand-alone residential subnet has MAC reservations

SERVICES = "10.255"     # the ISP's server network: DNS, NTP, TFTP, ACS
DNS = [f"{SERVICES}.1.53", f"{SERVICES}.2.53"]
TFTP = [f"{SERVICES}.0.10", f"{SERVICES}.0.11"]
ACS_URL = "https://acs.isp.example.net:7547/cwmp"


def subnet_octets(k):
    """(second, third) octet of subnet k: 10.<second>.<third>.0/24."""
    return 16 + k // 256, k % 256


def addr(k, host):
    a, b = subnet_octets(k)
    return f"10.{a}.{b}.{host}"


def hex_colons(text):
    """'bng1' -> '62:6e:67:31': Kea's hex form of an identifier's bytes."""
    return ":".join(f"{byte:02x}" for byte in text.encode())


def option(name, data=None, **extra):
    o = {"name": name}
    if data is not None:
        o["data"] = data
    o.update(extra)
    return o


def option_defs():
    """Sub-options the CPE and cable-modem classes send.

    Option 43 (vendor-encapsulated-options) encapsulates Kea's
    vendor-encapsulated-options-space; these four are the TR-069 (CWMP) sub-options a
    home gateway reads to find its ACS. Option 125 sub-options for enterprise 4491
    (CableLabs) live in space vendor-4491, where Kea already defines tftp-servers (2);
    the syslog server below is this ISP's own sub-option.
    """
    space43 = "vendor-encapsulated-options-space"
    return [
        {"name": "acs-url", "code": 1, "space": space43, "type": "string"},
        {"name": "acs-provisioning-code", "code": 2, "space": space43, "type": "string"},
        {"name": "cwmp-retry-minimum-wait", "code": 3, "space": space43, "type": "uint16"},
        {"name": "cwmp-retry-multiplier", "code": 4, "space": space43, "type": "uint16"},
        {"name": "cm-syslog-server", "code": 200, "space": "vendor-4491",
         "type": "ipv4-address"},
    ]


def client_classes():
    """Evaluated in this order for every packet; member() refers to earlier ones."""
    return [
        {
            "name": "DOCSIS_CM",
            "comment": "cable modems: option 60 starts with 'docsis' (e.g. docsis3.1:...)",
            "test": "substring(option[60].hex,0,6) == 'docsis'",
            "next-server": TFTP[0],
            "boot-file-name": "docsis31-default.cfg",
            "valid-lifetime": 604800,
            "option-data": [
                option("vivso-suboptions", "4491"),
                option("tftp-servers", ", ".join(TFTP), space="vendor-4491", **{"always-send": True}),
                option("cm-syslog-server", f"{SERVICES}.0.20", space="vendor-4491",
                       **{"always-send": True}),
                option("log-servers", f"{SERVICES}.0.20"),
                option("time-offset", "0"),
            ],
        },
        {
            "name": "CPE_GATEWAY",
            "comment": "the ISP's home gateways: option 60 starts with 'isp-cpe'",
            "test": "substring(option[60].hex,0,7) == 'isp-cpe'",
            "option-data": [
                option("vendor-encapsulated-options"),
                option("acs-url", ACS_URL, space="vendor-encapsulated-options-space",
                       **{"always-send": True}),
                option("acs-provisioning-code", "RESIDENTIAL",
                       space="vendor-encapsulated-options-space", **{"always-send": True}),
                option("cwmp-retry-minimum-wait", "30", space="vendor-encapsulated-options-space",
                       **{"always-send": True}),
                option("cwmp-retry-multiplier", "2000", space="vendor-encapsulated-options-space",
                       **{"always-send": True}),
            ],
        },
        {
            "name": "VENDOR_CLASS_isp-stb",
            "comment": "set-top boxes send option 60 'isp-stb'; Kea adds this class itself",
            "option-data": [
                option("tftp-server-name", "stb-boot.isp.example.net"),
                option("boot-file-name", "stb/firmware.img"),
            ],
        },
        {
            "name": "BUSINESS",
            "comment": "business lines: the access node puts 'BIZ-...' in the option 82 remote-id",
            "test": "substring(relay4[2].hex,0,4) == 'BIZ-'",
        },
        {
            "name": "WHOLESALE_ACME",
            "comment": "one wholesale partner's lines, by exact option 82 remote-id",
            "test": "relay4[2].hex == 'WHOLESALE-ACME'",
            "option-data": [option("domain-name-servers", "192.0.2.53, 198.51.100.53")],
        },
        {
            "name": "CUSTOMER",
            "comment": "everything that is not a cable modem",
            "test": "not member('DOCSIS_CM')",
        },
        {
            "name": "BUSINESS_OPTIONS",
            "comment": "evaluated only for pools that require it",
            "only-if-required": True,
            "test": "member('BUSINESS')",
            "option-data": [
                option("domain-name", "biz.isp.example.net"),
                option("ntp-servers", f"{SERVICES}.3.123, {SERVICES}.4.123"),
            ],
        },
    ]


def cmts_shared_network(site):
    """Shared network of CMTS `site`: subnet 0 for cable modems, 1..3 for CPEs."""
    first = site * SUBNETS_PER_CMTS
    subnets = []
    for j in range(SUBNETS_PER_CMTS):
        k = first + j
        subnet = {
            "id": k + 1,
            "subnet": addr(k, 0) + "/24",
            "option-data": [option("routers", addr(k, 1))],
        }
        if j == 0:
            subnet["comment"] = "cable modems"
            subnet["pools"] = [{"pool": f"{addr(k, 10)} - {addr(k, 250)}", "client-class": "DOCSIS_CM"}]
        else:
            subnet["pools"] = [{"pool": f"{addr(k, 10)} - {addr(k, 250)}", "client-class": "CUSTOMER"}]
        subnets.append(subnet)
    return {
        "name": f"cmts-{site + 1:02d}",
        "relay": {"ip-addresses": [addr(first + j, 1) for j in range(SUBNETS_PER_CMTS)]},
        "option-data": [option("ntp-servers", f"{SERVICES}.{3 + site % 2}.123")],
        "valid-lifetime": 43200,
        "subnet4": subnets,
    }


def business_subnet(k, nth):
    """Business lines: a pool for option-82 'BIZ-' clients that requires
    BUSINESS_OPTIONS, and fixed addresses by circuit-id outside the pool."""
    node = f"olt{nth + 1}"
    reservations = []
    for port in range(1, 5):
        circuit = f"{node}-pon0/{port // 3}/{port}:{100 + port}"
        reservations.append({
            "circuit-id": hex_colons(circuit),
            "ip-address": addr(k, 200 + port),
            "hostname": f"biz-{nth + 1}-{port}",
        })
    return {
        "id": k + 1,
        "subnet": addr(k, 0) + "/24",
        "comment": f"business access behind {node}",
        "relay": {"ip-addresses": [addr(k, 1)]},
        "valid-lifetime": 172800,
        "reservations-in-subnet": True,
        "reservations-out-of-pool": True,
        "option-data": [option("routers", addr(k, 1))],
        "pools": [{
            "pool": f"{addr(k, 64)} - {addr(k, 191)}",
            "client-class": "BUSINESS",
            "require-client-classes": ["BUSINESS_OPTIONS"],
            "option-data": [option("domain-search", "biz.isp.example.net, isp.example.net")],
        }],
        "reservations": reservations,
    }


def residential_subnet(k, nth):
    """FTTH/DSL lines behind a BNG: one pool, or a CPE pool and a set-top-box pool;
    some with MAC reservations."""
    subnet = {
        "id": k + 1,
        "subnet": addr(k, 0) + "/24",
        "relay": {"ip-addresses": [addr(k, 1)]},
        "option-data": [option("routers", addr(k, 1))],
    }
    if nth % STB_EVERY == 0:
        subnet["pools"] = [
            {"pool": f"{addr(k, 10)} - {addr(k, 179)}"},
            {
                "pool": f"{addr(k, 180)} - {addr(k, 239)}",
                "client-class": "VENDOR_CLASS_isp-stb",
                "option-data": [option("domain-name-servers", f"{SERVICES}.9.53")],
            },
        ]
    elif nth % 7 == 3:
        subnet["pools"] = [
            {"pool": f"{addr(k, 10)} - {addr(k, 199)}"},
            {"pool": f"{addr(k, 200)} - {addr(k, 239)}", "client-class": "WHOLESALE_ACME"},
        ]
    else:
        subnet["pools"] = [{"pool": f"{addr(k, 10)} - {addr(k, 239)}"}]
    if nth % HW_RESERVATIONS_EVERY == 0:
        subnet["reservations"] = [
            {
                "hw-address": f"02:00:0a:{subnet_octets(k)[0]:02x}:{subnet_octets(k)[1]:02x}:{h:02x}",
                "ip-address": addr(k, 240 + h),
                "hostname": f"fixed-{k + 1}-{h}",
            }
            for h in range(1, 4)
        ]
    return subnet


def build():
    shared = [cmts_shared_network(site) for site in range(CMTS_SITES)]
    standalone = []
    for nth, k in enumerate(range(CMTS_SITES * SUBNETS_PER_CMTS, SUBNETS)):
        if nth % BUSINESS_EVERY == BUSINESS_EVERY - 1:
            standalone.append(business_subnet(k, nth // BUSINESS_EVERY))
        else:
            standalone.append(residential_subnet(k, nth))
    dhcp4 = {
        "comment": "Generated by deploy/examples/gen-isp-config.py; edit the script, not this file.",
        "interfaces-config": {"interfaces": ["*"], "dhcp-socket-type": "udp"},
        "control-socket": {"socket-type": "unix", "socket-name": "/tmp/kea4-isp-ctrl-socket"},
        "lease-database": {
            "type": "memfile",
            "persist": True,
            "name": "/tmp/kea-isp-leases4.csv",
            "lfc-interval": 3600,
        },
        "multi-threading": {
            "enable-multi-threading": True,
            "thread-pool-size": 4,
            "packet-queue-size": 64,
        },
        "expired-leases-processing": {
            "reclaim-timer-wait-time": 10,
            "flush-reclaimed-timer-wait-time": 25,
            "hold-reclaimed-time": 3600,
            "max-reclaim-leases": 100,
            "max-reclaim-time": 250,
            "unwarned-reclaim-cycles": 5,
        },
        "authoritative": True,
        "valid-lifetime": 86400,
        "min-valid-lifetime": 3600,
        "max-valid-lifetime": 604800,
        "calculate-tee-times": True,
        "t1-percent": 0.5,
        "t2-percent": 0.875,
        "cache-threshold": 0.25,
        "match-client-id": True,
        "echo-client-id": True,
        "decline-probation-period": 3600,
        "host-reservation-identifiers": ["circuit-id", "hw-address", "client-id"],
        "reservations-global": False,
        "reservations-in-subnet": True,
        "reservations-out-of-pool": False,
        "store-extended-info": True,
        "option-def": option_defs(),
        "option-data": [
            option("domain-name-servers", ", ".join(DNS)),
            option("domain-name", "isp.example.net"),
            option("interface-mtu", "1500"),
        ],
        "client-classes": client_classes(),
        "shared-networks": shared,
        "subnet4": standalone,
        "loggers": [{
            "name": "kea-dhcp4",
            "output_options": [{"output": "stdout"}],
            "severity": "INFO",
        }],
    }
    return {"Dhcp4": dhcp4}


def render():
    return json.dumps(build(), indent=2) + "\n"


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(here / "isp-kea.json"),
                        help="file to write, '-' for stdout (default: isp-kea.json next to this script)")
    args = parser.parse_args()
    text = render()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        pathlib.Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
