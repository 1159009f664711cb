// The management thread's DHCPv6 side: lease6-* commands and kea-dhcp6's
// statistics (see management.h for the threading and answering contract).
#include <algorithm>
#include <ctime>
#include <variant>

#include "absl/strings/str_cat.h"
#include "control/config/internal/ip6_text.h"
#include "dataplane/dhcp6/server6.h"
#include "dataplane/log.h"
#include "dataplane/management.h"
#include "dataplane/management_detail.h"
#include "dataplane/stats.h"

namespace fastlease::dataplane {

using nlohmann::json;
using leasedb::Lease6;
using leasedb::Lease6Type;
using leasedb::LeaseState;
using namespace management_detail;

namespace {

using Ip6 = std::array<uint8_t, 16>;

// A DUID is at most 128 bytes of identifier plus the 2-byte type (RFC 8415 §11.1).
constexpr size_t kMaxDuidSize = 130;

std::optional<Ip6> ParseIp6(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return config::internal::ParseIpv6(v.get<std::string>());
}

// Kea's "type" argument: "IA_NA" (default), "IA_PD"; IA_TA is never stored.
std::optional<Lease6Type> ParseType(const json& args) {
  if (!args.contains("type")) return Lease6Type::kNa;
  if (!args["type"].is_string()) return std::nullopt;
  const std::string t = args["type"].get<std::string>();
  if (t == "IA_NA") return Lease6Type::kNa;
  if (t == "IA_PD") return Lease6Type::kPd;
  return std::nullopt;
}

uint32_t ShardFor6(const Lease6& l, size_t shards) { return uint32_t(l.duid_hash % shards); }

}  // namespace

json LeaseToJson(const Lease6& l) {
  json j;
  j["ip-address"] = config::internal::FormatIpv6(l.address);
  j["type"] = leasedb::Lease6TypeName(l.type);
  j["prefix-len"] = l.prefix_len;
  if (dhcp6::IsQuarantine(l)) {
    // A declined address keeps no client identity (Kea shows DUID 00).
    j["duid"] = "00";
    j["iaid"] = 0;
  } else {
    std::string duid = HexColons(l.duid, l.inline_duid().size());
    if (l.duid_len > leasedb::kInlineDuidSize) duid += "...";
    j["duid"] = duid;
    j["iaid"] = l.iaid;
  }
  j["subnet-id"] = l.subnet_id;
  j["preferred-lft"] = l.preferred;
  j["valid-lft"] = l.valid;
  j["cltt"] = l.cltt();
  j["fqdn-fwd"] = false;
  j["fqdn-rev"] = false;
  j["hostname"] = "";
  switch (l.state) {
    case LeaseState::kDeclined: j["state"] = 1; break;
    case LeaseState::kExpired: j["state"] = 2; break;
    case LeaseState::kReleased:
      j["state"] = 2;
      j["released"] = true;
      break;
    default: j["state"] = 0; break;
  }
  return j;
}

// Queues the delete of the stored lease `l`: to its DUID's shard, or for a
// quarantine (declined) lease, which lives in the shard of the client that
// declined it, to every shard, done only where it is held (dhcp6::DeleteLease6).
void Management::QueueDelete6(Pending& p, const Lease6& l, size_t shards) {
  const bool everywhere = dhcp6::IsQuarantine(l);
  for (uint32_t s = 0; s < shards; ++s) {
    if (!everywhere && s != ShardFor6(l, shards)) continue;
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kDelete;
    cmd->v6 = true;
    cmd->if_held = everywhere;
    cmd->lease6 = l;
    p.shard.push_back(s);
    p.cmds.push_back(std::move(cmd));
  }
}

// The outcome of queued deletes: an error if any failed, done if any deleted.
int Management::DeleteOutcome(const Pending& q, const char** error) {
  int result = 3;
  for (const auto& c : q.cmds) {
    if (c->result == 1) {
      *error = c->text;
      return 1;
    }
    if (c->result == 0) result = 0;
  }
  return result;
}

const dhcp6::ServerConfig6* Management::Config6() const {
  return s_.publisher->Current()->config6.get();
}

// ------------------------------------------------------------------ statistics

void Management::CountShards6() {
  std::lock_guard<std::mutex> lock(gauges_mu_);
  for (leasedb::Lease6Shard* shard : s_.shards6) {
    for (uint32_t i = 0; i < shard->slot_count(); ++i) {
      const Lease6& l = shard->slot(i);
      if (!(l.flags & leasedb::kLeasePersisted)) continue;
      SubnetGauges6& g = gauges6_[l.subnet_id];
      const bool live = l.persisted_state == LeaseState::kBound ||
                        l.persisted_state == LeaseState::kDeclined;
      (l.type == Lease6Type::kPd ? g.assigned_pds : g.assigned_nas) += live;
      g.declined += l.persisted_state == LeaseState::kDeclined;
    }
  }
}

void Management::FoldChange6(const leasedb::ChangeRecord6& r) {
  auto live = [](LeaseState st) { return st == LeaseState::kBound || st == LeaseState::kDeclined; };
  const leasedb::LeaseEventKind kind = leasedb::ClassifyChange(r);
  const LeaseState next = kind == leasedb::LeaseEventKind::kRemoved ? LeaseState::kFree : r.lease.state;
  const bool pd = r.lease.type == Lease6Type::kPd;
  std::lock_guard<std::mutex> lock(gauges_mu_);
  SubnetGauges6& g = gauges6_[r.lease.subnet_id];
  (pd ? g.assigned_pds : g.assigned_nas) += int(live(next)) - int(live(r.prev_state));
  g.declined += int(next == LeaseState::kDeclined) - int(r.prev_state == LeaseState::kDeclined);
  if (kind == leasedb::LeaseEventKind::kCreated) ++(pd ? g.cumulative_pds : g.cumulative_nas);
  if (kind == leasedb::LeaseEventKind::kExpired) ++g.reclaimed;
  if (kind == leasedb::LeaseEventKind::kRemoved && r.prev_state == LeaseState::kDeclined) {
    ++g.reclaimed_declined;
  }
}

void Management::AddStatistics6(std::map<std::string, int64_t>& st) const {
  Counters totals;
  for (const StatsBlock& b : *s_.stats) {
    Counters c;
    b.Snapshot(c);
    for (size_t i = 0; i < kCounterCount; ++i) totals.v[i] += c.v[i];
  }
  auto at = [&](size_t i) { return int64_t(totals.v[i]); };
  // Kea's spelling; relay-forw/-repl are counted by their inner message.
  static const char* kTypes[kMessageType6Slots] = {
      "unknown", "solicit", "advertise", "request", "confirm", "renew", "rebind",
      "reply", "release", "decline", "reconfigure", "infrequest", nullptr, nullptr};
  int64_t received = 0;
  int64_t sent = 0;
  for (size_t t = 0; t < kMessageType6Slots; ++t) {
    received += at(CounterLayout::kReceived6 + t);
    sent += at(CounterLayout::kSent6 + t);
    if (kTypes[t] != nullptr) {
      st[absl::StrCat("pkt6-", kTypes[t], "-received")] = at(CounterLayout::kReceived6 + t);
    }
  }
  int64_t parse_failed = 0;
  for (size_t i = CounterLayout::kParse6 + 1; i < CounterLayout::kServer6Drops; ++i) parse_failed += at(i);
  int64_t server_drops = 0;
  for (size_t i = CounterLayout::kServer6Drops; i < CounterLayout::kReceived6; ++i) server_drops += at(i);
  st["pkt6-received"] = received + parse_failed;
  st["pkt6-sent"] = sent;
  st["pkt6-advertise-sent"] = at(CounterLayout::kSent6 + 2);
  st["pkt6-reply-sent"] = at(CounterLayout::kSent6 + 7);
  st["pkt6-parse-failed"] = parse_failed;
  st["pkt6-receive-drop"] = parse_failed + server_drops;

  const dhcp6::ServerConfig6* cfg = Config6();
  std::lock_guard<std::mutex> lock(gauges_mu_);
  if (cfg != nullptr) {
    for (const dhcp6::CompiledSubnet6& sub : cfg->subnets()) {
      int64_t nas = 0;
      int64_t pds = 0;
      for (const config::Pool6& p : sub.config->pools) nas += int64_t(p.size);
      for (const config::PdPool& p : sub.config->pd_pools) pds += int64_t(p.size);
      auto it = gauges6_.find(sub.id);
      const SubnetGauges6 g = it == gauges6_.end() ? SubnetGauges6{} : it->second;
      const std::string prefix = absl::StrCat("subnet[", sub.id, "].");
      st[prefix + "total-nas"] = nas;
      st[prefix + "assigned-nas"] = g.assigned_nas;
      st[prefix + "total-pds"] = pds;
      st[prefix + "assigned-pds"] = g.assigned_pds;
      st[prefix + "declined-addresses"] = g.declined;
      st[prefix + "cumulative-assigned-nas"] = g.cumulative_nas;
      st[prefix + "cumulative-assigned-pds"] = g.cumulative_pds;
      st[prefix + "reclaimed-leases"] = g.reclaimed;
      st[prefix + "reclaimed-declined-addresses"] = g.reclaimed_declined;
    }
  }
  SubnetGauges6 global;
  for (const auto& [id, g] : gauges6_) {
    global.declined += g.declined;
    global.cumulative_nas += g.cumulative_nas;
    global.cumulative_pds += g.cumulative_pds;
    global.reclaimed += g.reclaimed;
    global.reclaimed_declined += g.reclaimed_declined;
  }
  st["declined-addresses"] = global.declined;
  st["cumulative-assigned-nas"] = global.cumulative_nas;
  st["cumulative-assigned-pds"] = global.cumulative_pds;
  st["reclaimed-leases"] = global.reclaimed;
  st["reclaimed-declined-addresses"] = global.reclaimed_declined;
}

// ------------------------------------------------------------------ lease reads

// The stored leases lease6-get/-del name: by address, or by DUID + IAID + subnet;
// then of the asked type. An error answer instead when the arguments are wrong.
std::variant<std::vector<Lease6>, std::string> Management::FindLeases6(const json& args,
                                                                      const char* command) {
  const std::optional<Lease6Type> type = ParseType(args);
  if (!type) return Result(1, "'type' must be \"IA_NA\" or \"IA_PD\"");
  std::vector<Lease6> found;
  if (args.contains("ip-address")) {
    std::optional<Ip6> a = ParseIp6(args["ip-address"]);
    if (!a) return Result(1, "'ip-address' is not an IPv6 address");
    absl::StatusOr<std::vector<Lease6>> at = s_.store->Leases6At(*a);
    if (!at.ok()) return Result(1, std::string(at.status().message()));
    found = *std::move(at);
  } else if (args.contains("identifier-type") && args.contains("identifier") &&
             args.contains("iaid") && args.contains("subnet-id")) {
    if (args["identifier-type"] != "duid") {
      return Result(1, absl::StrCat("identifier-type must be 'duid' for ", command));
    }
    std::optional<std::vector<uint8_t>> duid = ParseHex(args["identifier"], kMaxDuidSize);
    if (!duid) return Result(1, "'identifier' is not a hex string");
    absl::StatusOr<std::vector<Lease6>> r = s_.store->Leases6ByDuid(*duid);
    if (!r.ok()) return Result(1, std::string(r.status().message()));
    const uint32_t iaid = args["iaid"].get<uint32_t>();
    const uint32_t subnet = args["subnet-id"].get<uint32_t>();
    found = *std::move(r);
    std::erase_if(found, [&](const Lease6& l) { return l.iaid != iaid || l.subnet_id != subnet; });
  } else {
    return Result(1, absl::StrCat(command, " needs 'ip-address', or 'identifier-type', "
                                  "'identifier', 'iaid' and 'subnet-id'"));
  }
  std::erase_if(found, [&](const Lease6& l) { return l.type != *type; });
  return found;
}

std::string Management::Lease6Get(const json& args) {
  auto found = FindLeases6(args, "lease6-get");
  if (auto* error = std::get_if<std::string>(&found)) return *error;
  if (const Lease6* l = Current(std::get<std::vector<Lease6>>(found))) {
    return Result(0, "IPv6 lease found.", LeaseToJson(*l));
  }
  return Result(3, "Lease not found.");
}

std::string Management::Lease6GetAll(const json& args) {
  return AllLeases<Lease6>(args, [&](const auto& fn) { return s_.store->ForEach6(fn); });
}

std::string Management::Lease6GetPage(const json& args) {
  if (std::string error = CheckPageArgs(args, "lease6-get-page"); !error.empty()) return error;
  bool from_start = false;
  Ip6 after{};
  if (args["from"].is_string() && args["from"].get<std::string>() == "start") {
    from_start = true;
  } else if (std::optional<Ip6> a = ParseIp6(args["from"])) {
    after = *a;
  } else {
    return Result(1, "'from' must be \"start\" or an IPv6 address");
  }
  absl::StatusOr<std::vector<Lease6>> page = s_.store->Page6(after, from_start, args["limit"].get<size_t>());
  if (!page.ok()) return Result(1, std::string(page.status().message()));
  return LeasesFound(*page, /*with_count=*/true);
}

std::string Management::Lease6GetByDuid(const json& args) {
  if (!args.contains("duid")) return Result(1, "missing 'duid'");
  std::optional<std::vector<uint8_t>> duid = ParseHex(args["duid"], kMaxDuidSize);
  if (!duid) return Result(1, "'duid' is not a hex string");
  absl::StatusOr<std::vector<Lease6>> r = s_.store->Leases6ByDuid(*duid);
  if (!r.ok()) return Result(1, std::string(r.status().message()));
  return LeasesFound(*r);
}

// ------------------------------------------------------------------ lease writes

std::string Management::Lease6AddOrUpdate(uint64_t id, const json& args, bool update) {
  const dhcp6::ServerConfig6* cfg = Config6();
  if (cfg == nullptr || s_.shards6.empty()) return Result(1, "DHCPv6 is not configured");
  if (!args.contains("ip-address")) return Result(1, "missing 'ip-address'");
  std::optional<Ip6> addr = ParseIp6(args["ip-address"]);
  if (!addr) return Result(1, "'ip-address' is not an IPv6 address");
  if (!args.contains("duid")) return Result(1, "missing 'duid'");
  std::optional<std::vector<uint8_t>> duid = ParseHex(args["duid"], kMaxDuidSize);
  if (!duid || duid->size() < 2) return Result(1, "'duid' is not a DUID (hex, 2 to 130 bytes)");
  if (!args.contains("iaid")) return Result(1, "missing 'iaid'");
  const uint32_t iaid = args["iaid"].get<uint32_t>();
  const std::optional<Lease6Type> type = ParseType(args);
  if (!type) return Result(1, "'type' must be \"IA_NA\" or \"IA_PD\"");
  const int64_t len_arg = args.value("prefix-len", int64_t(128));
  if (len_arg < 1 || len_arg > 128 || (*type == Lease6Type::kNa && len_arg != 128)) {
    return Result(1, "'prefix-len' must be 128 for IA_NA and 1 to 128 for IA_PD");
  }
  const uint8_t prefix_len = uint8_t(len_arg);
  if (config::internal::HasHostBits(*addr, prefix_len)) {
    return Result(1, "the prefix has bits set past 'prefix-len'");
  }
  if (args.contains("state") && args["state"].get<int>() != 0) {
    return Result(1, "only 'state': 0 (default) leases can be added");
  }
  // The subnet: given, or the one whose prefix (IA_NA) or pd-pool (IA_PD) holds it.
  uint32_t subnet_id = args.value("subnet-id", 0u);
  const dhcp6::CompiledSubnet6* sub = nullptr;
  if (subnet_id != 0) {
    sub = cfg->SubnetById(subnet_id);
    if (sub == nullptr) return Result(1, absl::StrCat("no subnet with subnet-id ", subnet_id));
  } else {
    for (const dhcp6::CompiledSubnet6& s : cfg->subnets()) {
      int64_t slot = 0;
      const bool holds = *type == Lease6Type::kNa
                             ? dhcp6::InPrefix(*addr, s.config->prefix, s.config->prefix_len)
                             : cfg->PoolOf(s, *addr, prefix_len, &slot) != nullptr;
      if (holds) {
        sub = &s;
        break;
      }
    }
    const std::string text = config::internal::FormatIpv6(*addr);
    if (sub == nullptr) return Result(1, absl::StrCat("no subnet holds ", text, "; give 'subnet-id'"));
    subnet_id = sub->id;
  }
  if (args.contains("hostname") && !args["hostname"].get<std::string>().empty()) {
    Log("lease commands: 'hostname' is accepted but not stored yet");
  }
  const uint32_t now = uint32_t(std::time(nullptr));
  Lease6 wanted;
  wanted.SetIdentity(leasedb::ClientKey6::Make(*duid, iaid, *type));
  wanted.address = *addr;
  wanted.prefix_len = prefix_len;
  wanted.subnet_id = subnet_id;
  wanted.valid = args.value("valid-lft", sub->config->valid_lifetime);
  wanted.preferred = args.value("preferred-lft", std::min(sub->config->preferred_lifetime, wanted.valid));
  wanted.expire = now + wanted.valid;
  if (args.contains("expire")) {
    std::optional<uint32_t> e = ParseU32(args["expire"]);
    if (!e) return Result(1, "'expire' must be a number of seconds since the epoch below 2^32");
    wanted.expire = *e;
  }

  absl::StatusOr<std::vector<Lease6>> at = s_.store->Leases6At(*addr);
  if (!at.ok()) return Result(1, std::string(at.status().message()));
  std::erase_if(*at, [&](const Lease6& l) { return l.type != *type; });
  const Lease6* current = Current(*at);
  const bool live = current != nullptr &&
                    (current->state == LeaseState::kBound || current->state == LeaseState::kDeclined);
  const std::string a = config::internal::FormatIpv6(*addr);
  const size_t n = s_.shards6.size();
  auto command = [](ShardCommand::Op op, const Lease6& l) {
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = op;
    cmd->v6 = true;
    cmd->lease6 = l;
    return cmd;
  };
  auto p = std::make_unique<Pending>();
  if (!update) {
    if (live) return Result(1, absl::StrCat("IPv6 lease already exists for ", a));
    p->shard.push_back(ShardFor6(wanted, n));
    p->cmds.push_back(command(ShardCommand::Op::kAdd, wanted));
    p->finish = [a, subnet_id](Pending& q) {
      const ShardCommand& c = *q.cmds[0];
      if (c.result != 0) return Result(1, absl::StrCat("Unable to add the lease for ", a, ": ", c.text));
      return Result(0, absl::StrCat("Lease for address ", a, ", subnet-id ", subnet_id, " added."));
    };
    return Submit(id, std::move(p));
  }
  const bool force = args.value("force-create", false);
  if (current == nullptr && !force) return Result(3, "IPv6 lease not found.");
  auto updated = [a](Pending& q) {
    const ShardCommand& c = *q.cmds[0];
    if (c.result != 0) return Result(1, absl::StrCat("Unable to update the lease for ", a, ": ", c.text));
    return Result(0, "IPv6 lease updated.");
  };
  if (current != nullptr && current->key_hash == wanted.key_hash &&
      current->prefix_len == wanted.prefix_len) {
    p->shard.push_back(ShardFor6(wanted, n));
    p->cmds.push_back(command(ShardCommand::Op::kUpdate, wanted));
    p->finish = updated;
    return Submit(id, std::move(p));
  }
  // Another IA (or none) holds it: remove the old record, then add the new one.
  auto add = [wanted, n, command, updated](Pending& q) {
    q.shard.push_back(ShardFor6(wanted, n));
    q.cmds.push_back(command(ShardCommand::Op::kAdd, wanted));
    q.finish = updated;
  };
  if (current == nullptr) {
    add(*p);
    return Submit(id, std::move(p));
  }
  QueueDelete6(*p, *current, n);
  p->finish = [add, a](Pending& q) -> std::string {
    const char* error = "";
    if (DeleteOutcome(q, &error) == 1) {
      return Result(1, absl::StrCat("Unable to update the lease for ", a, ": ", error));
    }
    add(q);
    return "";
  };
  return Submit(id, std::move(p));
}

std::string Management::Lease6Del(uint64_t id, const json& args) {
  if (Config6() == nullptr || s_.shards6.empty()) return Result(1, "DHCPv6 is not configured");
  auto found = FindLeases6(args, "lease6-del");
  if (auto* error = std::get_if<std::string>(&found)) return *error;
  const std::vector<Lease6>& victims = std::get<std::vector<Lease6>>(found);
  if (victims.empty()) return Result(3, "IPv6 lease not found.");
  auto p = std::make_unique<Pending>();
  for (const Lease6& l : victims) QueueDelete6(*p, l, s_.shards6.size());
  p->finish = [](Pending& q) {
    const char* error = "";
    switch (DeleteOutcome(q, &error)) {
      case 1: return Result(1, absl::StrCat("Unable to delete the lease: ", error));
      case 3: return Result(3, "IPv6 lease not found.");
      default: return Result(0, "IPv6 lease deleted.");
    }
  };
  return Submit(id, std::move(p));
}

}  // namespace fastlease::dataplane
