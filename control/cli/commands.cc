#include "control/cli/commands.h"

#include <algorithm>

namespace fastlease::cli {
namespace {

constexpr FlagSpec kHwAddressFlag{"--hw-address", "HW",
                                  "select by hardware address (with --subnet-id)"};
constexpr FlagSpec kClientIdFlag{"--client-id", "ID",
                                 "select by client identifier, hex bytes (with --subnet-id)"};
constexpr FlagSpec kSubnetIdSelectFlag{"--subnet-id", "N",
                                       "subnet to look in (Kea's subnet4[].id); needed with "
                                       "--hw-address or --client-id"};
constexpr FlagSpec kDuidFlag{"--duid", "DUID",
                             "select by client DUID, hex bytes (with --iaid and --subnet-id)"};
constexpr FlagSpec kIaidFlag{"--iaid", "N", "the client's IA (IAID, 0..4294967295); needed with --duid"};
constexpr FlagSpec kSubnetId6SelectFlag{"--subnet-id", "N",
                                        "subnet to look in (Kea's subnet6[].id); needed with --duid"};
constexpr FlagSpec kTypeFlag{"--type", "TYPE",
                             "IA_NA (an address, the default) or IA_PD (a delegated prefix)",
                             false, "IA_NA IA_PD"};
constexpr FlagSpec kSubnetListFlag{"--subnet-id", "N", "only leases of this subnet (repeatable)",
                                   true};
constexpr FlagSpec kListLimitFlag{"--limit", "N", "show at most N leases (pages of at most 1000)"};
constexpr FlagSpec kWipeSubnetFlag{"--subnet-id", "N", "only this subnet; 0 means all"};
constexpr FlagSpec kPageLimitFlag{"--limit", "N", "page size (default 1000)"};
// The statistics commands: kea-dhcp4's statistics, or with these kea-dhcp6's.
constexpr FlagSpec kServiceFlag{"--service", "SERVICE",
                                "dhcp4 (the default) or dhcp6: whose statistics, sent as Kea's "
                                "Control Agent \"service\"",
                                false, "dhcp4 dhcp6"};
constexpr FlagSpec kDhcp6Flag{"-6", "", "the DHCPv6 statistics: same as --service dhcp6"};

std::vector<FlagSpec> ServiceFlags() { return {kServiceFlag, kDhcp6Flag}; }

// lease4-add/-update, lease6-add/-update. DHCPv6 adds the IA's type and prefix
// length, the preferred lifetime and (update) --force-create.
std::vector<FlagSpec> LeaseWriteFlags(IpFamily family, bool update) {
  const bool v6 = family == IpFamily::kV6;
  std::vector<FlagSpec> flags;
  if (v6) {
    flags.push_back(kTypeFlag);
    flags.push_back({"--prefix-len", "LEN",
                     "prefix length: 128 for IA_NA (the default), the delegated length (1..128) "
                     "for IA_PD"});
  }
  flags.push_back({"--subnet-id", "N",
                   v6 ? "subnet of the lease (default: the subnet whose prefix (IA_NA) or pd-pool "
                        "(IA_PD) holds IP)"
                      : "subnet of the lease (default: the subnet whose prefix holds IP)"});
  flags.push_back({"--valid-lft", "SECONDS", "valid lifetime (default: the subnet's valid-lifetime)"});
  if (v6) {
    flags.push_back({"--preferred-lft", "SECONDS",
                     "preferred lifetime (default: the subnet's preferred-lifetime, at most "
                     "valid-lft)"});
  } else {
    flags.push_back({"--client-id", "ID", "client identifier, hex bytes such as 01:52:54:00:12:34:56"});
  }
  flags.push_back({"--hostname", "NAME", "host name (accepted as Kea does; not stored yet: leases carry no host name)"});
  flags.push_back({"--expire", "EPOCH", "expiry time in seconds since 1970 (default: now + valid-lft)"});
  if (v6 && update) {
    flags.push_back({"--force-create", "", "add the lease when IP has none (else exit status 3)"});
  }
  return flags;
}

std::vector<CommandSpec> BuildCommands() {
  std::vector<CommandSpec> c;
  // ---------------------------------------------------------------- Leases
  c.push_back({
      .id = CommandId::kLease4Get,
      .name = "lease4-get",
      .group = "Leases",
      .usage = {"lease4-get IP", "lease4-get --hw-address HW --subnet-id N",
                "lease4-get --client-id ID --subnet-id N"},
      .summary = "show one lease, by address or by client in a subnet",
      .description =
          "Shows the lease of an address, or the lease a client holds in a subnet, as a\n"
          "table. Exit status 3 and \"Lease not found.\" when there is none.",
      .flags = {kHwAddressFlag, kClientIdFlag, kSubnetIdSelectFlag},
      .examples = {"fastlease lease4-get 10.0.0.5",
                   "fastlease lease4-get --hw-address 52:54:00:12:34:56 --subnet-id 1"},
      .min_args = 0,
      .max_args = 1,
  });
  c.push_back({
      .id = CommandId::kLeases,
      .name = "leases",
      .group = "Leases",
      .usage = {"leases [--subnet-id N]... [--limit N]"},
      .summary = "list leases as a table (all, or those of some subnets)",
      .description =
          "Lists leases: address, hw-address, client-id, subnet, state (bound, declined,\n"
          "expired, released), valid-lft and expires (local time). Without --subnet-id it\n"
          "pages through every lease with lease4-get-page, 1000 per request; with\n"
          "--subnet-id it asks lease4-get-all for those subnets. --timeout applies to each\n"
          "request. With --json the pages are joined into one answer.",
      .flags = {kSubnetListFlag, kListLimitFlag},
      .examples = {"fastlease leases", "fastlease leases --subnet-id 1 --limit 20"},
      .min_args = 0,
      .max_args = 0,
  });
  c.push_back({
      .id = CommandId::kLease4Add,
      .name = "lease4-add",
      .group = "Leases",
      .usage = {"lease4-add IP HW [--subnet-id N] [--valid-lft SECONDS] [--client-id ID] "
                "[--hostname NAME] [--expire EPOCH]"},
      .summary = "add a lease",
      .description =
          "Adds a lease of address IP to the client with hardware address HW. Fails if\n"
          "the address is leased already (use lease4-update).",
      .flags = LeaseWriteFlags(IpFamily::kV4, false),
      .examples = {"fastlease lease4-add 10.0.0.5 52:54:00:12:34:56 --subnet-id 1 --valid-lft 3600"},
      .min_args = 2,
      .max_args = 2,
  });
  c.push_back({
      .id = CommandId::kLease4Update,
      .name = "lease4-update",
      .group = "Leases",
      .usage = {"lease4-update IP HW [--subnet-id N] [--valid-lft SECONDS] [--client-id ID] "
                "[--hostname NAME] [--expire EPOCH]"},
      .summary = "change an existing lease",
      .description =
          "Replaces the lease of address IP with the values given (as lease4-add; IP\n"
          "selects the lease).",
      .flags = LeaseWriteFlags(IpFamily::kV4, true),
      .examples = {"fastlease lease4-update 10.0.0.5 52:54:00:12:34:56 --valid-lft 7200"},
      .min_args = 2,
      .max_args = 2,
  });
  c.push_back({
      .id = CommandId::kLease4Del,
      .name = "lease4-del",
      .group = "Leases",
      .usage = {"lease4-del IP", "lease4-del --hw-address HW --subnet-id N",
                "lease4-del --client-id ID --subnet-id N"},
      .summary = "delete a lease, by address or by client in a subnet",
      .description =
          "Deletes the lease of an address, or the lease a client holds in a subnet. Exit\n"
          "status 3 when there is no such lease.",
      .flags = {kHwAddressFlag, kClientIdFlag, kSubnetIdSelectFlag},
      .examples = {"fastlease lease4-del 10.0.0.5"},
      .min_args = 0,
      .max_args = 1,
  });
  c.push_back({
      .id = CommandId::kLease4Wipe,
      .name = "lease4-wipe",
      .group = "Leases",
      .usage = {"lease4-wipe [--subnet-id N]"},
      .summary = "delete every lease (of one subnet)",
      .description =
          "Deletes every lease of subnet N, or of all subnets without --subnet-id (or with\n"
          "--subnet-id 0). Exit status 3 when there was nothing to delete.",
      .flags = {kWipeSubnetFlag},
      .examples = {"fastlease lease4-wipe --subnet-id 2"},
      .min_args = 0,
      .max_args = 0,
  });
  c.push_back({
      .id = CommandId::kLease4GetByHwAddress,
      .name = "lease4-get-by-hw-address",
      .group = "Leases",
      .usage = {"lease4-get-by-hw-address HW"},
      .summary = "show the leases of a hardware address, in every subnet",
      .description = "Shows every lease held by hardware address HW, in any subnet, as a table.",
      .examples = {"fastlease lease4-get-by-hw-address 52:54:00:12:34:56"},
      .min_args = 1,
      .max_args = 1,
  });
  c.push_back({
      .id = CommandId::kLease4GetAll,
      .name = "lease4-get-all",
      .group = "Leases",
      .usage = {"lease4-get-all [--subnet-id N]..."},
      .summary = "show all leases in one answer (prefer `leases` for big tables)",
      .description =
          "Shows every lease, or those of the subnets given, from one lease4-get-all\n"
          "answer. For large lease tables `fastlease leases` pages instead.",
      .flags = {kSubnetListFlag},
      .examples = {"fastlease lease4-get-all --subnet-id 1 --subnet-id 2"},
      .min_args = 0,
      .max_args = 0,
  });
  c.push_back({
      .id = CommandId::kLease4GetPage,
      .name = "lease4-get-page",
      .group = "Leases",
      .usage = {"lease4-get-page [--from IP] [--limit N]"},
      .summary = "show one page of leases",
      .description =
          "Shows up to N leases (default 1000) with addresses above IP (default: from the\n"
          "start). When the page is full, the command for the next page is printed on\n"
          "standard error.",
      .flags = {{"--from", "IP", "start after this address (default: start)"},
                kPageLimitFlag},
      .examples = {"fastlease lease4-get-page --from 10.0.0.99 --limit 100"},
      .min_args = 0,
      .max_args = 0,
  });
  // --------------------------------------------------------- DHCPv6 leases
  c.push_back({
      .id = CommandId::kLease6Get,
      .name = "lease6-get",
      .group = "DHCPv6 leases",
      .usage = {"lease6-get IP [--type TYPE]",
                "lease6-get --duid DUID --iaid N --subnet-id N [--type TYPE]"},
      .summary = "show one DHCPv6 lease, by address or by client IA in a subnet",
      .description =
          "Shows the lease of an address (or, with --type IA_PD, of a delegated prefix),\n"
          "or the lease a client's IA holds in a subnet, as a table. Exit status 3 and\n"
          "\"Lease not found.\" when there is none.",
      .flags = {kDuidFlag, kIaidFlag, kSubnetId6SelectFlag, kTypeFlag},
      .examples = {"fastlease lease6-get 2001:db8:1::5",
                   "fastlease lease6-get 2001:db8:1:100:: --type IA_PD",
                   "fastlease lease6-get --duid 00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56 --iaid 1 "
                   "--subnet-id 1"},
      .min_args = 0,
      .max_args = 1,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6GetAll,
      .name = "lease6-get-all",
      .group = "DHCPv6 leases",
      .usage = {"lease6-get-all [--subnet-id N]... [--limit N]"},
      .summary = "list DHCPv6 leases as a table (all, or those of some subnets)",
      .description =
          "Lists DHCPv6 leases: address (address/length for a prefix), type, DUID, IAID,\n"
          "subnet, state (bound, declined, expired, released), preferred-lft, valid-lft\n"
          "and expires (local time). Without --subnet-id it pages through every lease\n"
          "with lease6-get-page, 1000 per request, as `leases` does; with --subnet-id it\n"
          "asks lease6-get-all for those subnets. --timeout applies to each request.\n"
          "With --json the pages are joined into one answer.",
      .flags = {kSubnetListFlag, kListLimitFlag},
      .examples = {"fastlease lease6-get-all", "fastlease lease6-get-all --subnet-id 1 --limit 20"},
      .min_args = 0,
      .max_args = 0,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6GetPage,
      .name = "lease6-get-page",
      .group = "DHCPv6 leases",
      .usage = {"lease6-get-page [--from IP] [--limit N]"},
      .summary = "show one page of DHCPv6 leases",
      .description =
          "Shows up to N DHCPv6 leases (default 1000) with addresses above IP (default:\n"
          "from the start). When the page is full, the command for the next page is\n"
          "printed on standard error.",
      .flags = {{"--from", "IP", "start after this IPv6 address (default: start)"}, kPageLimitFlag},
      .examples = {"fastlease lease6-get-page --from 2001:db8:1::99 --limit 100"},
      .min_args = 0,
      .max_args = 0,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6GetByDuid,
      .name = "lease6-get-by-duid",
      .group = "DHCPv6 leases",
      .usage = {"lease6-get-by-duid DUID"},
      .summary = "show the DHCPv6 leases of a DUID, in every subnet and IA",
      .description =
          "Shows every lease (addresses and prefixes) held by client DUID, in any subnet\n"
          "and IA, as a table.",
      .examples = {"fastlease lease6-get-by-duid 00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56"},
      .min_args = 1,
      .max_args = 1,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6Add,
      .name = "lease6-add",
      .group = "DHCPv6 leases",
      .usage = {"lease6-add IP DUID IAID [--type TYPE] [--prefix-len LEN] [--subnet-id N] "
                "[--valid-lft SECONDS] [--preferred-lft SECONDS] [--hostname NAME] "
                "[--expire EPOCH]"},
      .summary = "add a DHCPv6 lease",
      .description =
          "Adds a lease of address IP (or, with --type IA_PD and --prefix-len, of the\n"
          "prefix IP/LEN) to IA IAID of the client with DUID. Fails if it is leased\n"
          "already (use lease6-update).",
      .flags = LeaseWriteFlags(IpFamily::kV6, false),
      .examples = {"fastlease lease6-add 2001:db8:1::5 00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56 1 "
                   "--subnet-id 1 --valid-lft 4000",
                   "fastlease lease6-add 2001:db8:1:100:: 00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56 7 "
                   "--type IA_PD --prefix-len 56"},
      .min_args = 3,
      .max_args = 3,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6Update,
      .name = "lease6-update",
      .group = "DHCPv6 leases",
      .usage = {"lease6-update IP DUID IAID [--type TYPE] [--prefix-len LEN] [--subnet-id N] "
                "[--valid-lft SECONDS] [--preferred-lft SECONDS] [--hostname NAME] "
                "[--expire EPOCH] [--force-create]"},
      .summary = "change an existing DHCPv6 lease",
      .description =
          "Replaces the lease of address (or prefix) IP with the values given (as\n"
          "lease6-add; IP and --type select the lease). Exit status 3 when there is none,\n"
          "unless --force-create.",
      .flags = LeaseWriteFlags(IpFamily::kV6, true),
      .examples = {"fastlease lease6-update 2001:db8:1::5 00:01:00:01:2e:3f:4a:5b:52:54:00:12:34:56 1 "
                   "--valid-lft 7200"},
      .min_args = 3,
      .max_args = 3,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6Del,
      .name = "lease6-del",
      .group = "DHCPv6 leases",
      .usage = {"lease6-del IP [--type TYPE]",
                "lease6-del --duid DUID --iaid N --subnet-id N [--type TYPE]"},
      .summary = "delete a DHCPv6 lease, by address or by client IA in a subnet",
      .description =
          "Deletes the lease of an address (or, with --type IA_PD, of a delegated prefix),\n"
          "or the lease a client's IA holds in a subnet. Exit status 3 when there is no\n"
          "such lease.",
      .flags = {kDuidFlag, kIaidFlag, kSubnetId6SelectFlag, kTypeFlag},
      .examples = {"fastlease lease6-del 2001:db8:1::5",
                   "fastlease lease6-del 2001:db8:1:100:: --type IA_PD"},
      .min_args = 0,
      .max_args = 1,
      .family = IpFamily::kV6,
  });
  c.push_back({
      .id = CommandId::kLease6Wipe,
      .name = "lease6-wipe",
      .group = "DHCPv6 leases",
      .usage = {"lease6-wipe [--subnet-id N]"},
      .summary = "delete every DHCPv6 lease (of one subnet)",
      .description =
          "Deletes every DHCPv6 lease (addresses and prefixes) of subnet N, or of all\n"
          "subnets without --subnet-id (or with --subnet-id 0). Exit status 3 when there\n"
          "was nothing to delete.",
      .flags = {kWipeSubnetFlag},
      .examples = {"fastlease lease6-wipe --subnet-id 2"},
      .min_args = 0,
      .max_args = 0,
      .family = IpFamily::kV6,
  });
  // ------------------------------------------------------------ Statistics
  c.push_back({
      .id = CommandId::kStats,
      .name = "stats",
      .group = "Statistics",
      .usage = {"stats [-6] [NAME...]", "stats reset [-6] [NAME]"},
      .summary = "show statistics (all, or the ones named); `stats reset` zeroes them",
      .description =
          "Shows statistics as a table of name, value and timestamp: global ones first,\n"
          "then per subnet (subnet[ID].*), then per worker (lcore[N].*). Without NAME\n"
          "every statistic (statistic-get-all); with names, those (statistic-get each).\n"
          "Exit status 3 when none of the names exists. The statistics are kea-dhcp4's;\n"
          "with -6 (--service dhcp6) kea-dhcp6's (pkt6-*, subnet[ID].assigned-nas, ...).",
      .flags = ServiceFlags(),
      .examples = {"fastlease stats", "fastlease stats pkt4-received subnet[1].assigned-addresses",
                   "fastlease stats -6 pkt6-received subnet[1].assigned-pds"},
      .min_args = 0,
      .max_args = kUnlimited,
      .subcommands = {"reset"},
      .arg_kind = ArgKind::kStatistic,
  });
  c.push_back({
      .id = CommandId::kStatsReset,
      .name = "stats reset",
      .group = "Statistics",
      .usage = {"stats reset [-6] [NAME]"},
      .summary = "reset one statistic, or all of them",
      .description =
          "Resets statistic NAME (statistic-reset), or every statistic without NAME\n"
          "(statistic-reset-all). Address gauges (*-addresses, *-nas, *-pds) are\n"
          "recomputed from the lease store and are not reset. With -6 (--service dhcp6),\n"
          "kea-dhcp6's statistics.",
      .flags = ServiceFlags(),
      .examples = {"fastlease stats reset pkt4-received", "fastlease stats reset",
                   "fastlease stats reset -6 pkt6-received"},
      .min_args = 0,
      .max_args = 1,
      .arg_kind = ArgKind::kStatistic,
  });
  c.push_back({
      .id = CommandId::kStatisticGet,
      .name = "statistic-get",
      .group = "Statistics",
      .usage = {"statistic-get [-6] NAME"},
      .summary = "show one statistic (Kea's name for `stats NAME`)",
      .description =
          "Shows statistic NAME as a table. Exit status 3 when there is no such statistic.\n"
          "With -6 (--service dhcp6), kea-dhcp6's statistic of that name.",
      .flags = ServiceFlags(),
      .examples = {"fastlease statistic-get pkt4-ack-sent",
                   "fastlease statistic-get --service dhcp6 pkt6-reply-sent"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kStatistic,
  });
  c.push_back({
      .id = CommandId::kStatisticGetAll,
      .name = "statistic-get-all",
      .group = "Statistics",
      .usage = {"statistic-get-all [-6]"},
      .summary = "show every statistic (Kea's name for `stats`)",
      .description =
          "Shows every statistic as a table, grouped as `fastlease stats` does; with -6\n"
          "(--service dhcp6), kea-dhcp6's.",
      .flags = ServiceFlags(),
      .examples = {"fastlease statistic-get-all", "fastlease statistic-get-all -6"},
  });
  c.push_back({
      .id = CommandId::kStatisticReset,
      .name = "statistic-reset",
      .group = "Statistics",
      .usage = {"statistic-reset [-6] NAME"},
      .summary = "reset one statistic",
      .description =
          "Resets statistic NAME to its neutral value; with -6 (--service dhcp6),\n"
          "kea-dhcp6's statistic of that name.",
      .flags = ServiceFlags(),
      .examples = {"fastlease statistic-reset pkt4-received",
                   "fastlease statistic-reset -6 pkt6-received"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kStatistic,
  });
  c.push_back({
      .id = CommandId::kStatisticResetAll,
      .name = "statistic-reset-all",
      .group = "Statistics",
      .usage = {"statistic-reset-all [-6]"},
      .summary = "reset every statistic",
      .description =
          "Resets every statistic to its neutral value (address gauges excepted); with -6\n"
          "(--service dhcp6), kea-dhcp6's.",
      .flags = ServiceFlags(),
      .examples = {"fastlease statistic-reset-all", "fastlease statistic-reset-all --service dhcp6"},
  });
  // --------------------------------------------------------- Configuration
  c.push_back({
      .id = CommandId::kConfig,
      .name = "config",
      .group = "Configuration",
      .usage = {"config get", "config test FILE", "config check FILE", "config set FILE",
                "config reload", "config write [FILE]"},
      .summary = "get, test, set, reload or write the running configuration; check a file",
      .description =
          "Works on the running configuration. FILE is read by the CLI (so it may live\n"
          "on the operator's side) and sent as the command's arguments; a FILE that is\n"
          "not JSON is a usage error (exit status 2). `config check` needs no server: it\n"
          "lists what fastlease does with each key of a (Kea) config file. See\n"
          "`fastlease help config set` and the other sub-commands.",
      .examples = {"fastlease config get > running.json",
                   "fastlease config test new.json && fastlease config set new.json"},
      .min_args = 0,
      .max_args = 0,
      .subcommands = {"get", "test", "set", "reload", "write", "check"},
      .needs_subcommand = true,
  });
  c.push_back({
      .id = CommandId::kConfigGet,
      .name = "config get",
      .aliases = {"config-get"},
      .group = "Configuration",
      .usage = {"config get"},
      .summary = "print the running configuration as JSON",
      .description =
          "Prints the running configuration ({\"Dhcp4\": ..., \"Dataplane\": ...}) as\n"
          "indented JSON that `config test` and `config set` accept back. The hash of the\n"
          "configuration is left out; --json prints the whole answer, hash included.",
      .examples = {"fastlease config get > running.json"},
  });
  c.push_back({
      .id = CommandId::kConfigTest,
      .name = "config test",
      .aliases = {"config-test"},
      .group = "Configuration",
      .usage = {"config test FILE"},
      .summary = "check a configuration file without applying it",
      .description =
          "Sends the JSON object in FILE to config-test: exit status 0 and \"Configuration\n"
          "seems sane.\", or 1 with every error (file, JSON path, problem).",
      .examples = {"fastlease config test /etc/fastlease/fastlease.json"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kFile,
  });
  c.push_back({
      .id = CommandId::kConfigCheck,
      .name = "config check",
      .group = "Configuration",
      .usage = {"config check FILE"},
      .summary = "list what fastlease honours, ignores or rejects in a config file",
      .description =
          "Runs fastlease's config loader on FILE here, without the server, and lists\n"
          "every key by JSON path in file order: honoured, ignored (accepted with a\n"
          "warning: fastlease does not act on it) or rejected (an error, with the reason;\n"
          "bad values are listed too), then \"N honoured, M ignored (warning), K\n"
          "rejected\". The contents of an ignored key are not listed. Exit status 0 when\n"
          "the file would load, 1 when it would be rejected, 2 when it cannot be read.\n"
          "--json prints the report as a JSON object.",
      .examples = {"fastlease config check /etc/kea/kea-dhcp4.conf",
                   "fastlease config check kea.json --json | jq '.keys[] | select(.verdict != \"honoured\")'"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kFile,
      .local = true,
  });
  c.push_back({
      .id = CommandId::kConfigSet,
      .name = "config set",
      .aliases = {"config-set"},
      .group = "Configuration",
      .usage = {"config set FILE"},
      .summary = "apply a configuration file",
      .description =
          "Sends the JSON object in FILE to config-set. On an error the running\n"
          "configuration stays as it was. The file the dataplane reads at start-up is not\n"
          "changed: use `config write` to keep the new configuration across restarts.",
      .examples = {"fastlease config set new.json && fastlease config write"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kFile,
  });
  c.push_back({
      .id = CommandId::kConfigReload,
      .name = "config reload",
      .aliases = {"config-reload"},
      .group = "Configuration",
      .usage = {"config reload"},
      .summary = "re-read the configuration file the dataplane started with",
      .description =
          "Makes the dataplane re-read its configuration file, as SIGHUP does. A bad file\n"
          "is rejected with every error and the running configuration stays.",
      .examples = {"fastlease config reload"},
  });
  c.push_back({
      .id = CommandId::kConfigWrite,
      .name = "config write",
      .aliases = {"config-write"},
      .group = "Configuration",
      .usage = {"config write [FILE]"},
      .summary = "save the running configuration to a file on the server",
      .description =
          "Makes the server write the running configuration to FILE, or to the file it\n"
          "started with. FILE is written by the server; a relative FILE is made absolute\n"
          "against the CLI's working directory first.",
      .examples = {"fastlease config write", "fastlease config write /etc/fastlease/backup.json"},
      .min_args = 0,
      .max_args = 1,
      .arg_kind = ArgKind::kFile,
  });
  // ---------------------------------------------------------------- Server
  c.push_back({
      .id = CommandId::kStatus,
      .name = "status",
      .aliases = {"status-get"},
      .group = "Server",
      .usage = {"status"},
      .summary = "show a summary of fastlease-control and the dataplane",
      .description =
          "Shows process IDs, uptimes, time since the last reload, whether the dataplane\n"
          "is connected, its workers and config epoch, and lease-event sequence numbers.",
      .examples = {"fastlease status"},
  });
  c.push_back({
      .id = CommandId::kVersion,
      .name = "version",
      .aliases = {"version-get"},
      .group = "Server",
      .usage = {"version"},
      .summary = "show the server's version",
      .description =
          "Shows fastlease-control's extended version. `fastlease --version` shows the\n"
          "CLI's own version without contacting the server.",
      .examples = {"fastlease version"},
  });
  c.push_back({
      .id = CommandId::kListCommands,
      .name = "list-commands",
      .group = "Server",
      .usage = {"list-commands"},
      .summary = "list the commands the server supports",
      .description = "Lists the control-channel command names the server answers, one per line.",
      .examples = {"fastlease list-commands"},
  });
  c.push_back({
      .id = CommandId::kBuildReport,
      .name = "build-report",
      .group = "Server",
      .usage = {"build-report"},
      .summary = "show how the server was built",
      .description = "Prints the server's multi-line build report.",
      .examples = {"fastlease build-report"},
  });
  c.push_back({
      .id = CommandId::kShutdown,
      .name = "shutdown",
      .group = "Server",
      .usage = {"shutdown [--exit-value N]"},
      .summary = "stop the dataplane and fastlease-control",
      .description =
          "The dataplane drains (parked ACKs go out once durable) and exits with N, then\n"
          "fastlease-control exits with N.",
      .flags = {{"--exit-value", "N", "exit status for both processes, 0..255 (default 0)"}},
      .examples = {"fastlease shutdown"},
  });
  c.push_back({
      .id = CommandId::kRaw,
      .name = "raw",
      .group = "Other",
      .usage = {"raw COMMAND [JSON-ARGS]"},
      .summary = "send any command with JSON arguments",
      .description =
          "Sends COMMAND with JSON-ARGS (a JSON object) as its arguments, for Kea commands\n"
          "this CLI has no friendly form for. Prints the answer's arguments as JSON, or its\n"
          "text when there are none.",
      .examples = {"fastlease raw lease4-get '{\"ip-address\": \"10.0.0.5\"}'"},
      .min_args = 1,
      .max_args = 2,
      .arg_kind = ArgKind::kKeaCommand,
  });
  c.push_back({
      .id = CommandId::kHelp,
      .name = "help",
      .group = "Other",
      .usage = {"help [COMMAND]"},
      .summary = "show the command list, or one command's usage",
      .description = "Without COMMAND, lists every command; with one, shows its usage, flags and examples.",
      .examples = {"fastlease help lease4-add", "fastlease help config set"},
      .min_args = 0,
      .max_args = 2,
      .arg_kind = ArgKind::kCommand,
      .local = true,
  });
  c.push_back({
      .id = CommandId::kCompletion,
      .name = "completion",
      .group = "Other",
      .usage = {"completion bash"},
      .summary = "print a shell completion script",
      .description =
          "Prints a bash completion script for commands, sub-commands and flags. Install\n"
          "it with: fastlease completion bash > /etc/bash_completion.d/fastlease",
      .examples = {"source <(fastlease completion bash)"},
      .min_args = 1,
      .max_args = 1,
      .arg_kind = ArgKind::kShell,
      .local = true,
  });
  return c;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> commands = BuildCommands();
  return commands;
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> flags = {
      {"--socket", "PATH",
       "fastlease-control's command socket (default: $FASTLEASE_SOCKET, else "
       "/var/lib/fastlease/control.sock)"},
      {"--json", "", "print the server's answer as indented JSON"},
      {"--timeout", "SECONDS", "give up after this long (default 30)"},
      {"--help", "", "show help (also -h)"},
      {"--version", "", "show the CLI's version"},
  };
  return flags;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& spec : Commands()) {
    if (spec.name == name) return &spec;
    for (std::string_view alias : spec.aliases) {
      if (alias == name) return &spec;
    }
  }
  return nullptr;
}

const FlagSpec* FindFlag(const CommandSpec* spec, std::string_view name) {
  const std::vector<FlagSpec>& flags = spec == nullptr ? GlobalFlags() : spec->flags;
  for (const FlagSpec& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

const std::vector<std::string_view>& KnownKeaCommands() {
  static const std::vector<std::string_view> names = {
      "build-report",      "config-get",          "config-reload",
      "config-set",        "config-test",         "config-write",
      "lease4-add",        "lease4-del",          "lease4-get",
      "lease4-get-all",    "lease4-get-by-hw-address", "lease4-get-page",
      "lease4-update",     "lease4-wipe",         "lease6-add",
      "lease6-del",        "lease6-get",          "lease6-get-all",
      "lease6-get-by-duid", "lease6-get-page",    "lease6-update",
      "lease6-wipe",       "list-commands",
      "shutdown",          "statistic-get",       "statistic-get-all",
      "statistic-reset",   "statistic-reset-all", "status-get",
      "version-get",
  };
  return names;
}

const std::vector<std::string_view>& KnownStatistics() {
  static const std::vector<std::string_view> names = {
      "pkt4-received",          "pkt4-discover-received", "pkt4-offer-received",
      "pkt4-request-received",  "pkt4-ack-received",      "pkt4-nak-received",
      "pkt4-release-received",  "pkt4-decline-received",  "pkt4-inform-received",
      "pkt4-unknown-received",  "pkt4-sent",              "pkt4-offer-sent",
      "pkt4-ack-sent",          "pkt4-nak-sent",          "pkt4-parse-failed",
      "pkt4-receive-drop",      "declined-addresses",     "assigned-addresses",
      // kea-dhcp6's (stats -6)
      "pkt6-received",          "pkt6-solicit-received",  "pkt6-advertise-received",
      "pkt6-request-received",  "pkt6-confirm-received",  "pkt6-renew-received",
      "pkt6-rebind-received",   "pkt6-reply-received",    "pkt6-release-received",
      "pkt6-decline-received",  "pkt6-reconfigure-received", "pkt6-infrequest-received",
      "pkt6-unknown-received",  "pkt6-sent",              "pkt6-advertise-sent",
      "pkt6-reply-sent",        "pkt6-parse-failed",      "pkt6-receive-drop",
  };
  return names;
}

std::string SuggestCommand(std::string_view word) {
  std::string best;
  size_t best_distance = 3;
  std::vector<std::string_view> prefixed;
  auto consider = [&](std::string_view name) {
    if (name.find(' ') != std::string_view::npos) return;
    if (name.substr(0, word.size()) == word) prefixed.push_back(name);
    size_t d = EditDistance(word, name);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(name);
    }
  };
  for (const CommandSpec& spec : Commands()) {
    consider(spec.name);
    for (std::string_view alias : spec.aliases) consider(alias);
  }
  if (best.empty() && prefixed.size() == 1) best = std::string(prefixed[0]);
  return best;
}

}  // namespace fastlease::cli
