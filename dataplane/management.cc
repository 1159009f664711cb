#include "dataplane/management.h"

#include <arpa/inet.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "dataplane/dhcp4/server_config.h"
#include "dataplane/log.h"
#include "dataplane/management_detail.h"
#include "dataplane/stats.h"
#include "dataplane/worker.h"

namespace fastlease::dataplane {

using nlohmann::json;
using leasedb::Lease;
using leasedb::LeaseState;

namespace management_detail {

std::string Result(int result, const std::string& text) {
  return json{{"result", result}, {"text", text}}.dump();
}
std::string Result(int result, const std::string& text, json args) {
  return json{{"result", result}, {"text", text}, {"arguments", std::move(args)}}.dump();
}

std::string Ipv4Text(uint32_t a) {
  return absl::StrCat(a >> 24, ".", (a >> 16) & 0xff, ".", (a >> 8) & 0xff, ".", a & 0xff);
}

std::optional<uint32_t> ParseIpv4(const json& v) {
  if (!v.is_string()) return std::nullopt;
  in_addr a{};
  if (inet_pton(AF_INET, v.get<std::string>().c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string HexColons(const uint8_t* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s.push_back(':');
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

// "52:54:00:ab:cd:ef", "52-54-…", "525400abcdef" → bytes; nullopt if malformed.
std::optional<std::vector<uint8_t>> ParseHex(const json& v, size_t max) {
  if (!v.is_string()) return std::nullopt;
  std::string digits;
  for (char c : v.get<std::string>()) {
    if (c == ':' || c == '-' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.empty() || digits.size() % 2 != 0 || digits.size() / 2 > max) return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(uint8_t(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string Timestamp() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  localtime_r(&ts.tv_sec, &t);
  char buf[64];
  const size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%06ld", ts.tv_nsec / 1000);
  return buf;
}

std::variant<std::vector<uint32_t>, std::string> SubnetFilter(const json& args) {
  std::vector<uint32_t> subnets;
  if (args.contains("subnets")) {
    if (!args["subnets"].is_array()) return Result(1, "'subnets' must be a list of subnet ids");
    for (const json& v : args["subnets"]) subnets.push_back(v.get<uint32_t>());
  }
  return subnets;
}

std::string CheckPageArgs(const json& args, const char* command) {
  if (!args.contains("from") || !args.contains("limit")) {
    return Result(1, absl::StrCat(command, " needs 'from' and 'limit'"));
  }
  if (!args["limit"].is_number_unsigned() || args["limit"].get<uint64_t>() == 0 ||
      args["limit"].get<uint64_t>() > 1000000) {
    return Result(1, "'limit' must be a number from 1 to 1000000");
  }
  return "";
}

}  // namespace management_detail

using namespace management_detail;

json LeaseToJson(const Lease& l) {
  json j;
  j["ip-address"] = Ipv4Text(l.address);
  j["hw-address"] = HexColons(l.hw, l.hlen);
  if (l.client_id_len != 0) {
    std::string cid = HexColons(l.client_id, std::min<size_t>(l.client_id_len, leasedb::kInlineClientIdSize));
    if (l.client_id_len > leasedb::kInlineClientIdSize) cid += "...";
    j["client-id"] = cid;
  }
  j["subnet-id"] = l.subnet_id;
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


Management::Management(ManagementSetup setup) : s_(std::move(setup)) {}
Management::~Management() {
  if (s_.persister != nullptr) {
    s_.persister->SetEventObserver(nullptr);
    s_.persister->SetChange6Observer(nullptr);
  }
}

absl::Status Management::Init() {
  // Address gauges: what the store holds, per subnet; then kept by events.
  for (leasedb::LeaseShard* shard : s_.shards) {
    for (uint32_t i = 0; i < shard->slot_count(); ++i) {
      const Lease& l = shard->slot(i);
      if (!(l.flags & leasedb::kLeasePersisted)) continue;
      SubnetGauges& g = gauges_[l.subnet_id];
      if (l.persisted_state == LeaseState::kBound || l.persisted_state == LeaseState::kDeclined) ++g.assigned;
      if (l.persisted_state == LeaseState::kDeclined) ++g.declined;
    }
  }
  CountShards6();
  {
    std::lock_guard<std::mutex> lock(gauges_mu_);
    gauge_cursor_ = s_.persister->last_event_seq();
  }
  // From here on the persister folds each event in as it commits it. Init runs
  // before the workers do, so no event falls between the scan and this.
  s_.persister->SetEventObserver([this](const leasedb::LeaseEvent& e) { FoldEvent(e); });
  s_.persister->SetChange6Observer([this](const leasedb::ChangeRecord6& r) { FoldChange6(r); });
  LinkServer::Callbacks cb;
  cb.on_command = [this](uint64_t id, std::string request) {
    std::string answer = Execute(id, request);
    if (!answer.empty()) Answer(id, answer);
  };
  cb.on_inject = [this](const link::PuntHeader& h, std::span<const uint8_t> frame) {
    Inject(h, frame);
  };
  absl::StatusOr<std::unique_ptr<LinkServer>> link = LinkServer::Listen(s_.link_path, s_.store, cb);
  if (!link.ok()) return link.status();
  link_ = *std::move(link);
  Log("control link: listening on {}", s_.link_path);
  return absl::OkStatus();
}

void Management::Answer(uint64_t id, const std::string& json_text) {
  if (link_) link_->Answer(id, json_text);
}

void Management::DrainPunts() {
  rte_mbuf* burst[64];
  for (const ManagementPunt& p : s_.punts) {
    if (p.punt == nullptr) continue;
    const unsigned n = rte_ring_sc_dequeue_burst(p.punt, reinterpret_cast<void**>(burst), 64, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = burst[i];
      link::PuntHeader h;
      h.port = static_cast<const PacketMeta*>(rte_mbuf_to_priv(m))->port_index;
      h.reason = kPuntLeaseQuery;
      h.lcore = p.lcore;
      const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
      if (link_ && link_->Punt(h, frame)) {
        ++punts_sent_;
      } else {
        ++punts_dropped_;
      }
      rte_pktmbuf_free(m);
    }
  }
}

void Management::Inject(const link::PuntHeader& h, std::span<const uint8_t> frame) {
  if (h.port >= s_.port_count || s_.punts.empty() || frame.size() < 14 || frame.size() > 1514) {
    ++inject_dropped_;
    return;
  }
  rte_mbuf* m = rte_pktmbuf_alloc(s_.pool);
  if (m == nullptr) {
    ++inject_dropped_;
    return;
  }
  uint8_t* data = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, uint16_t(frame.size())));
  if (data == nullptr) {
    rte_pktmbuf_free(m);
    ++inject_dropped_;
    return;
  }
  std::memcpy(data, frame.data(), frame.size());
  static_cast<PacketMeta*>(rte_mbuf_to_priv(m))->port_index = uint8_t(h.port);
  const ManagementPunt& target = s_.punts[0];  // any worker can send on any port
  if (rte_ring_mp_enqueue(target.inject, m) != 0) {
    rte_pktmbuf_free(m);
    ++inject_dropped_;
    return;
  }
  ++injected_;
}

void Management::Poll() {
  DrainPunts();
  PollPending();
  if (link_) link_->Poll(s_.persister->last_event_seq());
}

void Management::Flush() {
  if (link_) link_->Flush(1000);
}

void Management::FoldEvent(const leasedb::LeaseEvent& e) {
  auto live = [](LeaseState st) { return st == LeaseState::kBound || st == LeaseState::kDeclined; };
  std::lock_guard<std::mutex> lock(gauges_mu_);
  if (e.seq <= gauge_cursor_) return;  // counted by the start-up scan
  const LeaseState next = e.kind == leasedb::LeaseEventKind::kRemoved ? LeaseState::kFree : e.lease.state;
  SubnetGauges& g = gauges_[e.lease.subnet_id];
  g.assigned += int(live(next)) - int(live(e.prev_state));
  g.declined += int(next == LeaseState::kDeclined) - int(e.prev_state == LeaseState::kDeclined);
  if (e.kind == leasedb::LeaseEventKind::kCreated) ++g.cumulative_assigned;
  if (e.kind == leasedb::LeaseEventKind::kExpired) ++g.reclaimed;
  if (e.kind == leasedb::LeaseEventKind::kRemoved && e.prev_state == LeaseState::kDeclined) {
    ++g.reclaimed_declined;
  }
  gauge_cursor_ = e.seq;
}

std::string Management::Execute(uint64_t id, const std::string& request) {
  ++commands_;
  json req = json::parse(request, nullptr, false);
  if (req.is_discarded() || !req.is_object()) return Result(1, "the request is not a JSON object");
  if (!req.contains("command") || !req["command"].is_string()) {
    return Result(1, "the request has no 'command' string");
  }
  json args = req.value("arguments", json::object());
  if (!args.is_object()) return Result(1, "'arguments' must be a map");
  // Kea's Control Agent names the server with "service"; here it picks the
  // DHCPv4 or the DHCPv6 view of the statistics commands.
  bool v6 = false;
  if (req.contains("service")) {
    const json& svc = req["service"];
    if (!svc.is_array() || svc.size() != 1 || !svc[0].is_string() ||
        (svc[0] != "dhcp4" && svc[0] != "dhcp6")) {
      return Result(1, "'service' must be [\"dhcp4\"] or [\"dhcp6\"]");
    }
    v6 = svc[0] == "dhcp6";
  }
  try {
    return Dispatch(id, req["command"].get<std::string>(), args, v6);
  } catch (const json::exception& e) {
    // A value of the wrong type (e.g. a string where a number belongs).
    return Result(1, absl::StrCat("invalid arguments: ", e.what()));
  }
}

std::string Management::Dispatch(uint64_t id, const std::string& c, const json& args, bool v6) {
  if (c == "status-get") return StatusGet();
  if (c == "statistic-get") return StatisticGet(args, false, v6);
  if (c == "statistic-get-all") return StatisticGet(args, true, v6);
  if (c == "statistic-reset") return StatisticReset(args, false, v6);
  if (c == "statistic-reset-all") return StatisticReset(args, true, v6);
  if (c == "config-get") return ConfigGet();
  if (c == "config-test") return ConfigTestOrSet(args, false);
  if (c == "config-set") return ConfigTestOrSet(args, true);
  if (c == "config-reload") return ConfigReload();
  if (c == "config-write") return ConfigWrite(args);
  if (c == "lease4-get") return LeaseGet(args);
  if (c == "lease4-get-all") return LeaseGetAll(args);
  if (c == "lease4-get-page") return LeaseGetPage(args);
  if (c == "lease4-get-by-hw-address") return LeaseGetByHw(args);
  if (c == "lease4-get-by-client-id") return LeaseGetByClientId(args);
  if (c == "lease4-add") return LeaseAddOrUpdate(id, args, false);
  if (c == "lease4-update") return LeaseAddOrUpdate(id, args, true);
  if (c == "lease4-del") return LeaseDel(id, args);
  if (c == "lease4-wipe") return LeaseWipe(id, args, false);
  if (c == "lease6-get") return Lease6Get(args);
  if (c == "lease6-get-all") return Lease6GetAll(args);
  if (c == "lease6-get-page") return Lease6GetPage(args);
  if (c == "lease6-get-by-duid") return Lease6GetByDuid(args);
  if (c == "lease6-add") return Lease6AddOrUpdate(id, args, false);
  if (c == "lease6-update") return Lease6AddOrUpdate(id, args, true);
  if (c == "lease6-del") return Lease6Del(id, args);
  if (c == "lease6-wipe") return LeaseWipe(id, args, true);
  if (c == "shutdown") {
    int exit_value = 0;
    if (args.contains("exit-value")) {
      if (!args["exit-value"].is_number_integer()) return Result(1, "'exit-value' must be an integer");
      exit_value = args["exit-value"].get<int>();
    }
    s_.shutdown(exit_value);
    return Result(0, "Shutting down.");
  }
  return Result(2, absl::StrCat("'", c, "' command not supported."));
}

// ------------------------------------------------------------------ status

std::string Management::StatusGet() {
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  uint64_t leases = 0;
  uint64_t min_epoch = UINT64_MAX;
  for (const StatsBlock& b : *s_.stats) {
    leases += b.shard_leases.load(std::memory_order_relaxed);
    min_epoch = std::min(min_epoch, b.config_epoch.load(std::memory_order_relaxed));
  }
  json a;
  a["pid"] = getpid();
  a["uptime"] = int64_t(uptime);
  a["workers"] = s_.shards.size();
  a["lcores"] = s_.lcores;
  a["config-epoch"] = s_.publisher->current_epoch();
  a["config-epoch-adopted"] = min_epoch == UINT64_MAX ? 0 : min_epoch;
  a["config-file"] = s_.config_path;
  a["durability"] = s_.durability;
  a["leases-in-memory"] = leases;
  a["lease-events"] = {{"first-seq", s_.store->FirstEventSeq()},
                       {"last-seq", s_.persister->last_event_seq()},
                       {"sent-seq", link_ ? link_->next_event_seq() - 1 : 0},
                       {"acked-seq", link_ ? link_->acked_seq() : 0},
                       {"gaps", link_ ? link_->gaps_reported() : 0}};
  a["control-link"] = {{"path", s_.link_path}, {"connections", link_ ? link_->connections() : 0}};
  a["commands"] = commands_;
  a["punt"] = {{"sent", punts_sent_}, {"dropped-no-control", punts_dropped_},
               {"injected", injected_}, {"inject-dropped", inject_dropped_}};
  return Result(0, "Server is running.", a);
}

// ------------------------------------------------------------------ statistics

std::map<std::string, int64_t> Management::Statistics(bool v6) const {
  std::map<std::string, int64_t> st;
  if (v6) {
    AddStatistics6(st);
    for (auto& [name, value] : st) {
      auto b = baselines6_.find(name);
      if (b != baselines6_.end()) value -= b->second;
    }
    return st;
  }
  Counters totals;
  for (size_t w = 0; w < s_.stats->size(); ++w) {
    Counters c;
    (*s_.stats)[w].Snapshot(c);
    const unsigned lcore = w < s_.lcores.size() ? s_.lcores[w] : unsigned(w);
    for (size_t i = 0; i < kCounterCount; ++i) {
      totals.v[i] += c.v[i];
      st[absl::StrCat("lcore[", lcore, "].", CounterName(i))] = int64_t(c.v[i]);
    }
  }
  auto at = [&](size_t i) { return int64_t(totals.v[i]); };
  st["pkt4-received"] = int64_t(totals.Get(WorkerEvent::kDhcpReceived));
  static const char* kTypes[kMessageTypeSlots] = {"unknown", "discover", "offer", "request", "decline",
                                                  "ack", "nak", "release", "inform"};
  int64_t sent = 0;
  for (size_t t = 0; t < kMessageTypeSlots; ++t) {
    st[absl::StrCat("pkt4-", kTypes[t], "-received")] = at(CounterLayout::kReceived + t);
    sent += at(CounterLayout::kSent + t);
  }
  st["pkt4-offer-sent"] = at(CounterLayout::kSent + 2);
  st["pkt4-ack-sent"] = at(CounterLayout::kSent + 5);
  st["pkt4-nak-sent"] = at(CounterLayout::kSent + 6);
  st["pkt4-sent"] = sent;
  int64_t parse_failed = 0;
  for (size_t i = CounterLayout::kParseResults + 1; i < CounterLayout::kServerDrops; ++i) parse_failed += at(i);
  int64_t server_drops = 0;
  for (size_t i = CounterLayout::kServerDrops; i < CounterLayout::kReceived; ++i) server_drops += at(i);
  st["pkt4-parse-failed"] = parse_failed;
  st["pkt4-receive-drop"] = parse_failed + server_drops;

  const dhcp4::ServerConfig& cfg = *s_.publisher->Current()->config;
  std::lock_guard<std::mutex> lock(gauges_mu_);
  SubnetGauges global;
  for (const dhcp4::CompiledSubnet& sub : cfg.subnets()) {
    int64_t total = 0;
    for (const config::Pool& p : sub.config->pools) total += int64_t(p.last) - p.first + 1;
    auto it = gauges_.find(sub.id);
    const SubnetGauges g = it == gauges_.end() ? SubnetGauges{} : it->second;
    const std::string prefix = absl::StrCat("subnet[", sub.id, "].");
    st[prefix + "total-addresses"] = total;
    st[prefix + "assigned-addresses"] = g.assigned;
    st[prefix + "declined-addresses"] = g.declined;
    st[prefix + "cumulative-assigned-addresses"] = g.cumulative_assigned;
    st[prefix + "reclaimed-leases"] = g.reclaimed;
    st[prefix + "reclaimed-declined-addresses"] = g.reclaimed_declined;
  }
  for (const auto& [id, g] : gauges_) {
    global.assigned += g.assigned;
    global.declined += g.declined;
    global.cumulative_assigned += g.cumulative_assigned;
    global.reclaimed += g.reclaimed;
    global.reclaimed_declined += g.reclaimed_declined;
  }
  st["assigned-addresses"] = global.assigned;
  st["declined-addresses"] = global.declined;
  st["cumulative-assigned-addresses"] = global.cumulative_assigned;
  st["reclaimed-leases"] = global.reclaimed;
  st["reclaimed-declined-addresses"] = global.reclaimed_declined;
  for (auto& [name, value] : st) {
    auto b = baselines_.find(name);
    if (b != baselines_.end()) value -= b->second;
  }
  return st;
}

std::string Management::StatisticGet(const json& args, bool all, bool v6) {
  const std::map<std::string, int64_t> st = Statistics(v6);
  const std::string ts = Timestamp();
  json out = json::object();
  if (all) {
    for (const auto& [name, value] : st) out[name] = json::array({json::array({value, ts})});
    return Result(0, absl::StrCat(st.size(), v6 ? " IPv6" : " IPv4", " statistic(s) returned."), out);
  }
  if (!args.contains("name") || !args["name"].is_string()) return Result(1, "missing 'name' string");
  const std::string name = args["name"].get<std::string>();
  auto it = st.find(name);
  if (it != st.end()) out[name] = json::array({json::array({it->second, ts})});
  return Result(0, it == st.end() ? "0 statistic(s) returned." : "1 statistic(s) returned.", out);
}

std::string Management::StatisticReset(const json& args, bool all, bool v6) {
  std::map<std::string, int64_t> st = Statistics(v6);
  std::map<std::string, int64_t>& baselines = v6 ? baselines6_ : baselines_;
  if (all) {
    for (const auto& [name, value] : st) {
      if (!IsGauge(name)) baselines[name] += value;
    }
    return Result(0, "All statistics reset to neutral values.");
  }
  if (!args.contains("name") || !args["name"].is_string()) return Result(1, "missing 'name' string");
  const std::string name = args["name"].get<std::string>();
  auto it = st.find(name);
  if (it == st.end()) return Result(1, absl::StrCat("No '", name, "' statistic found"));
  if (!IsGauge(name)) baselines[name] += it->second;
  return Result(0, absl::StrCat("Statistic '", name, "' reset."));
}

// ------------------------------------------------------------------ config

std::string Management::ConfigGet() {
  json c = json::parse(s_.running_config(), nullptr, false, true);
  if (c.is_discarded()) return Result(1, "the running config cannot be shown");
  return Result(0, "Configuration retrieved.", c);
}

std::string Management::ConfigTestOrSet(const json& args, bool apply) {
  if (args.empty()) return Result(1, "missing configuration (a map with \"Dhcp4\")");
  if (!args.contains("Dhcp4")) return Result(1, "missing mandatory 'Dhcp4' parameter");
  absl::Status s = s_.apply_config(args.dump(2), apply ? "config-set" : "config-test", apply);
  if (!s.ok()) return Result(1, std::string(s.message()));
  return Result(0, apply ? "Configuration successful." : "Configuration seems sane.");
}

std::string Management::ConfigReload() {
  std::ifstream in(s_.config_path);
  if (!in) return Result(1, absl::StrCat("Config reload failed: cannot read ", s_.config_path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::Status s = s_.apply_config(text, s_.config_path, true);
  if (!s.ok()) return Result(1, absl::StrCat("Config reload failed: ", s.message()));
  return Result(0, "Configuration successful.");
}

std::string Management::ConfigWrite(const json& args) {
  std::string path = s_.config_path;
  if (args.contains("filename")) {
    if (!args["filename"].is_string() || args["filename"].get<std::string>().empty()) {
      return Result(1, "'filename' must be a non-empty string");
    }
    path = args["filename"].get<std::string>();
  }
  json c = json::parse(s_.running_config(), nullptr, false, true);
  const std::string text = (c.is_discarded() ? s_.running_config() : c.dump(2)) + "\n";
  if (absl::Status s = WriteFileAtomically(path, text); !s.ok()) {
    return Result(1, absl::StrCat("Unable to write the configuration to ", path, ": ", s.message()));
  }
  return Result(0, absl::StrCat("Configuration written to ", path, " successful"),
                json{{"filename", path}, {"size", text.size()}});
}

// ------------------------------------------------------------------ lease reads

std::string Management::LeaseGet(const json& args) {
  std::vector<Lease> found;
  if (args.contains("ip-address")) {
    std::optional<uint32_t> a = ParseIpv4(args["ip-address"]);
    if (!a) return Result(1, "'ip-address' is not an IPv4 address");
    absl::StatusOr<std::vector<Lease>> at = s_.store->LeasesAt(*a);
    if (!at.ok()) return Result(1, std::string(at.status().message()));
    if (const Lease* l = Current(*at)) return Result(0, "IPv4 lease found.", LeaseToJson(*l));
    return Result(3, "Lease not found.");
  }
  if (!args.contains("identifier-type") || !args.contains("identifier") || !args.contains("subnet-id")) {
    return Result(1, "lease4-get needs 'ip-address', or 'identifier-type', 'identifier' and 'subnet-id'");
  }
  const std::string type = args["identifier-type"].get<std::string>();
  const uint32_t subnet = args["subnet-id"].get<uint32_t>();
  std::optional<std::vector<uint8_t>> id = ParseHex(args["identifier"], 255);
  if (!id) return Result(1, "'identifier' is not a hex string");
  absl::StatusOr<std::vector<Lease>> r;
  if (type == "hw-address") {
    r = s_.store->LeasesByHwAddress(1, *id);
  } else if (type == "client-id") {
    r = s_.store->LeasesByClientId(*id);
  } else {
    return Result(1, absl::StrCat("identifier-type '", type, "' is not supported (hw-address, client-id)"));
  }
  if (!r.ok()) return Result(1, std::string(r.status().message()));
  std::erase_if(*r, [&](const Lease& l) { return l.subnet_id != subnet; });
  if (const Lease* l = Current(*r)) return Result(0, "IPv4 lease found.", LeaseToJson(*l));
  return Result(3, "Lease not found.");
}

std::string Management::LeaseGetAll(const json& args) {
  return AllLeases<Lease>(args, [&](const auto& fn) { return s_.store->ForEach(fn); });
}

std::string Management::LeaseGetPage(const json& args) {
  if (std::string error = CheckPageArgs(args, "lease4-get-page"); !error.empty()) return error;
  bool from_start = false;
  uint32_t after = 0;
  if (args["from"].is_string() && args["from"].get<std::string>() == "start") {
    from_start = true;
  } else if (std::optional<uint32_t> a = ParseIpv4(args["from"])) {
    after = *a;
  } else {
    return Result(1, "'from' must be \"start\" or an IPv4 address");
  }
  absl::StatusOr<std::vector<Lease>> page = s_.store->Page(after, from_start, args["limit"].get<size_t>());
  if (!page.ok()) return Result(1, std::string(page.status().message()));
  return LeasesFound(*page, /*with_count=*/true);
}

std::string Management::LeaseGetByHw(const json& args) {
  if (!args.contains("hw-address")) return Result(1, "missing 'hw-address'");
  std::optional<std::vector<uint8_t>> hw = ParseHex(args["hw-address"], leasedb::kMaxHwAddressSize);
  if (!hw) return Result(1, "'hw-address' is not a hardware address");
  absl::StatusOr<std::vector<Lease>> r = s_.store->LeasesByHwAddress(1, *hw);
  if (!r.ok()) return Result(1, std::string(r.status().message()));
  return LeasesFound(*r);
}

std::string Management::LeaseGetByClientId(const json& args) {
  if (!args.contains("client-id")) return Result(1, "missing 'client-id'");
  std::optional<std::vector<uint8_t>> id = ParseHex(args["client-id"], 255);
  if (!id) return Result(1, "'client-id' is not a hex string");
  absl::StatusOr<std::vector<Lease>> r = s_.store->LeasesByClientId(*id);
  if (!r.ok()) return Result(1, std::string(r.status().message()));
  return LeasesFound(*r);
}

// ------------------------------------------------------------------ lease writes

uint32_t Management::ShardFor(const Lease& l) const {
  return leasedb::ShardIndexOf(leasedb::HwAddressHash(l.htype, {l.hw, l.hlen}),
                               uint32_t(s_.shards.size()));
}

std::string Management::Submit(uint64_t id, std::unique_ptr<Pending> p) {
  if (pending_.size() >= kMaxPendingCommands) {
    return Result(1, "too many lease commands in progress; try again");
  }
  for (size_t i = 0; i < p->cmds.size(); ++i) {
    if (!s_.rings[p->shard[i]]->push(p->cmds[i].get())) {
      // Commands already queued stay owned until their worker is done with them.
      for (size_t j = 0; j < i; ++j) orphans_.push_back(std::move(p->cmds[j]));
      return Result(1, "the worker's command queue is full; try again");
    }
  }
  p->id = id;
  p->deadline = std::chrono::steady_clock::now() + kCommandTimeout;
  pending_.push_back(std::move(p));
  return "";
}

void Management::PollPending() {
  std::erase_if(orphans_, [](const std::unique_ptr<ShardCommand>& c) {
    return c->done.load(std::memory_order_acquire);
  });
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < pending_.size();) {
    Pending& p = *pending_[i];
    bool ready = true;
    for (size_t c = 0; c < p.cmds.size() && ready; ++c) {
      const uint64_t durable = p.cmds[c]->v6 ? s_.shards6[p.shard[c]]->durable_seq()
                                             : s_.shards[p.shard[c]]->durable_seq();
      ready = p.cmds[c]->done.load(std::memory_order_acquire) && durable >= p.cmds[c]->seq;
    }
    std::string answer;
    if (ready) {
      const size_t before = p.cmds.size();
      answer = p.finish(p);
      if (answer.empty() && p.cmds.size() > before) {
        // A second stage: queue the new commands.
        bool queued = true;
        for (size_t c = before; c < p.cmds.size(); ++c) {
          queued = queued && s_.rings[p.shard[c]]->push(p.cmds[c].get());
        }
        if (!queued) answer = Result(1, "the worker's command queue is full; try again");
        // Drop the finished first stage.
        p.cmds.erase(p.cmds.begin(), p.cmds.begin() + long(before));
        p.shard.erase(p.shard.begin(), p.shard.begin() + long(before));
        if (!queued) {
          for (auto& c : p.cmds) orphans_.push_back(std::move(c));
          p.cmds.clear();
        }
      }
    } else if (now > p.deadline) {
      answer = Result(1, "the lease command timed out waiting for the worker or the store");
      for (auto& c : p.cmds) {
        if (!c->done.load(std::memory_order_acquire)) orphans_.push_back(std::move(c));
      }
    }
    if (answer.empty()) {
      ++i;
      continue;
    }
    Answer(p.id, answer);
    pending_.erase(pending_.begin() + long(i));
  }
}

std::string Management::LeaseAddOrUpdate(uint64_t id, const json& args, bool update) {
  if (!args.contains("ip-address")) return Result(1, "missing 'ip-address'");
  std::optional<uint32_t> addr = ParseIpv4(args["ip-address"]);
  if (!addr) return Result(1, "'ip-address' is not an IPv4 address");
  if (!args.contains("hw-address")) return Result(1, "missing 'hw-address'");
  std::optional<std::vector<uint8_t>> hw = ParseHex(args["hw-address"], leasedb::kMaxHwAddressSize);
  if (!hw) return Result(1, "'hw-address' is not a hardware address");
  std::vector<uint8_t> cid;
  if (args.contains("client-id")) {
    std::optional<std::vector<uint8_t>> c = ParseHex(args["client-id"], 255);
    if (!c) return Result(1, "'client-id' is not a hex string");
    cid = *std::move(c);
  }
  const dhcp4::ServerConfig& cfg = *s_.publisher->Current()->config;
  uint32_t subnet_id = args.value("subnet-id", 0u);
  const dhcp4::CompiledSubnet* sub = nullptr;
  if (subnet_id == 0) {
    sub = cfg.SubnetFor(*addr);
    if (sub == nullptr) return Result(1, absl::StrCat("no subnet contains ", Ipv4Text(*addr)));
    subnet_id = sub->id;
  } else {
    sub = cfg.SubnetById(subnet_id);
    if (sub == nullptr) return Result(1, absl::StrCat("no subnet with subnet-id ", subnet_id));
  }
  if (!sub->Contains(*addr)) {
    return Result(1, absl::StrCat(Ipv4Text(*addr), " is not in subnet ", subnet_id));
  }
  if (args.contains("hostname") && !args["hostname"].get<std::string>().empty()) {
    Log("lease commands: 'hostname' is accepted but not stored yet");
  }
  const uint32_t now = uint32_t(std::time(nullptr));
  Lease wanted;
  const leasedb::ClientKey key = leasedb::ClientKey::Make(1, *hw, cid, sub->config->match_client_id);
  wanted.SetIdentity(key);
  if (key.kind == leasedb::KeyKind::kClientId) wanted.client_id_len = uint8_t(cid.size());
  wanted.address = *addr;
  wanted.subnet_id = subnet_id;
  wanted.valid = args.value("valid-lft", sub->config->valid_lifetime);
  wanted.expire = now + wanted.valid;
  if (args.contains("expire")) {
    std::optional<uint32_t> e = ParseU32(args["expire"]);
    if (!e) return Result(1, "'expire' must be a number of seconds since the epoch below 2^32");
    wanted.expire = *e;
  }
  if (args.contains("state") && args["state"].get<int>() != 0) {
    return Result(1, "only 'state': 0 (default) leases can be added");
  }

  absl::StatusOr<std::vector<Lease>> at = s_.store->LeasesAt(*addr);
  if (!at.ok()) return Result(1, std::string(at.status().message()));
  const Lease* current = Current(*at);
  const bool live = current != nullptr &&
                    (current->state == LeaseState::kBound || current->state == LeaseState::kDeclined);
  auto p = std::make_unique<Pending>();
  const std::string a = Ipv4Text(*addr);
  if (!update) {
    if (live) return Result(1, absl::StrCat("IPv4 lease already exists for ", a));
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kAdd;
    cmd->lease = wanted;
    p->shard.push_back(ShardFor(wanted));
    p->cmds.push_back(std::move(cmd));
    p->finish = [a, subnet_id](Pending& q) {
      const ShardCommand& c = *q.cmds[0];
      if (c.result != 0) return Result(1, absl::StrCat("Unable to add the lease for ", a, ": ", c.text));
      return Result(0, absl::StrCat("Lease for address ", a, ", subnet-id ", subnet_id, " added."));
    };
    return Submit(id, std::move(p));
  }
  const bool force = args.value("force-create", false);
  if (current == nullptr && !force) return Result(3, "IPv4 lease not found.");
  if (current != nullptr && current->key_hash == wanted.key_hash) {
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kUpdate;
    cmd->lease = wanted;
    p->shard.push_back(ShardFor(wanted));
    p->cmds.push_back(std::move(cmd));
    p->finish = [a](Pending& q) {
      const ShardCommand& c = *q.cmds[0];
      if (c.result != 0) return Result(1, absl::StrCat("Unable to update the lease for ", a, ": ", c.text));
      return Result(0, "IPv4 lease updated.");
    };
    return Submit(id, std::move(p));
  }
  // Another client (or none): remove the old record, then add the new one.
  auto add = [this, wanted, a](Pending& q) {
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kAdd;
    cmd->lease = wanted;
    q.shard.push_back(ShardFor(wanted));
    q.cmds.push_back(std::move(cmd));
    q.finish = [a](Pending& r) {
      const ShardCommand& c = *r.cmds[0];
      if (c.result != 0) return Result(1, absl::StrCat("Unable to update the lease for ", a, ": ", c.text));
      return Result(0, "IPv4 lease updated.");
    };
  };
  if (current == nullptr) {
    add(*p);
    return Submit(id, std::move(p));
  }
  auto del = std::make_unique<ShardCommand>();
  del->op = ShardCommand::Op::kDelete;
  del->lease = *current;
  p->shard.push_back(ShardFor(*current));
  p->cmds.push_back(std::move(del));
  p->finish = [add, a](Pending& q) -> std::string {
    if (q.cmds[0]->result != 0) {
      return Result(1, absl::StrCat("Unable to update the lease for ", a, ": ", q.cmds[0]->text));
    }
    add(q);
    return "";
  };
  return Submit(id, std::move(p));
}

std::string Management::LeaseDel(uint64_t id, const json& args) {
  std::vector<Lease> victims;
  if (args.contains("ip-address")) {
    std::optional<uint32_t> a = ParseIpv4(args["ip-address"]);
    if (!a) return Result(1, "'ip-address' is not an IPv4 address");
    absl::StatusOr<std::vector<Lease>> at = s_.store->LeasesAt(*a);
    if (!at.ok()) return Result(1, std::string(at.status().message()));
    victims = *std::move(at);
  } else if (args.contains("identifier-type") && args.contains("identifier") && args.contains("subnet-id")) {
    const std::string type = args["identifier-type"].get<std::string>();
    const uint32_t subnet = args["subnet-id"].get<uint32_t>();
    std::optional<std::vector<uint8_t>> ident = ParseHex(args["identifier"], 255);
    if (!ident) return Result(1, "'identifier' is not a hex string");
    absl::StatusOr<std::vector<Lease>> r;
    if (type == "hw-address") {
      r = s_.store->LeasesByHwAddress(1, *ident);
    } else if (type == "client-id") {
      r = s_.store->LeasesByClientId(*ident);
    } else {
      return Result(1, absl::StrCat("identifier-type '", type, "' is not supported (hw-address, client-id)"));
    }
    if (!r.ok()) return Result(1, std::string(r.status().message()));
    victims = *std::move(r);
    std::erase_if(victims, [&](const Lease& l) { return l.subnet_id != subnet; });
  } else {
    return Result(1, "lease4-del needs 'ip-address', or 'identifier-type', 'identifier' and 'subnet-id'");
  }
  if (victims.empty()) return Result(3, "IPv4 lease not found.");
  auto p = std::make_unique<Pending>();
  for (const Lease& l : victims) {
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kDelete;
    cmd->lease = l;
    p->shard.push_back(ShardFor(l));
    p->cmds.push_back(std::move(cmd));
  }
  p->finish = [](Pending& q) {
    for (const auto& c : q.cmds) {
      if (c->result != 0) return Result(1, absl::StrCat("Unable to delete the lease: ", c->text));
    }
    return Result(0, "IPv4 lease deleted.");
  };
  return Submit(id, std::move(p));
}

// lease4-wipe and lease6-wipe: every shard of the family wipes the subnet (0: all).
std::string Management::LeaseWipe(uint64_t id, const json& args, bool v6) {
  const uint32_t subnet = args.value("subnet-id", 0u);
  const size_t shards = v6 ? s_.shards6.size() : s_.shards.size();
  if (v6 && (Config6() == nullptr || shards == 0)) return Result(1, "DHCPv6 is not configured");
  const bool known = v6 ? Config6()->SubnetById(subnet) != nullptr
                        : s_.publisher->Current()->config->SubnetById(subnet) != nullptr;
  if (subnet != 0 && !known) return Result(1, absl::StrCat("no subnet with subnet-id ", subnet));
  auto p = std::make_unique<Pending>();
  for (uint32_t s = 0; s < shards; ++s) {
    auto cmd = std::make_unique<ShardCommand>();
    cmd->op = ShardCommand::Op::kWipe;
    cmd->v6 = v6;
    cmd->subnet_id = subnet;
    p->shard.push_back(s);
    p->cmds.push_back(std::move(cmd));
  }
  p->finish = [subnet, v6](Pending& q) {
    uint64_t n = 0;
    for (const auto& c : q.cmds) n += c->deleted;
    const std::string where = subnet == 0 ? "all subnets" : absl::StrCat("subnet ", subnet);
    return Result(n ? 0 : 3, absl::StrCat("Deleted ", n, v6 ? " IPv6" : " IPv4", " lease(s) from ",
                                          where, "."));
  };
  return Submit(id, std::move(p));
}

}  // namespace fastlease::dataplane
