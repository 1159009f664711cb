#include "dataplane/stats.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace fastlease::dataplane {

std::string StatsJson(const std::vector<StatsBlock>& blocks, const std::vector<unsigned>& lcores,
                      const StatsExtra& extra, double uptime_seconds) {
  using Json = nlohmann::ordered_json;
  Json root;
  root["time"] = int64_t(std::time(nullptr));
  root["uptime_seconds"] = uptime_seconds;
  root["config_epoch"] = extra.config_epoch;
  Json workers = Json::array();
  Counters totals;
  for (size_t w = 0; w < blocks.size(); ++w) {
    const StatsBlock& b = blocks[w];
    Counters c;
    b.Snapshot(c);
    Json wj;
    wj["index"] = w;
    wj["lcore"] = w < lcores.size() ? lcores[w] : 0;
    wj["config_epoch"] = b.config_epoch.load(std::memory_order_acquire);
    wj["park_depth"] = b.park_depth.load(std::memory_order_relaxed);
    wj["leases"] = b.shard_leases.load(std::memory_order_relaxed);
    wj["durable_seq"] = b.durable_seq.load(std::memory_order_relaxed);
    wj["last_seq"] = b.last_seq.load(std::memory_order_relaxed);
    wj["turns"] = b.heartbeat.load(std::memory_order_relaxed);
    Json cj = Json::object();
    for (size_t i = 0; i < kCounterCount; ++i) {
      cj[CounterName(i)] = c.v[i];
      totals.v[i] += c.v[i];
    }
    wj["counters"] = std::move(cj);
    workers.push_back(std::move(wj));
  }
  root["workers"] = std::move(workers);
  Json tj = Json::object();
  uint64_t drops = 0;
  for (size_t i = 0; i < kCounterCount; ++i) {
    tj[CounterName(i)] = totals.v[i];
    if (IsDropCounter(i)) drops += totals.v[i];
  }
  tj["drops"] = drops;
  root["totals"] = std::move(tj);
  root["persister"] = {{"records_written", extra.records_written},
                       {"batches_written", extra.batches_written},
                       {"write_errors", extra.write_errors}};
  Json ports = Json::array();
  for (const PortStats& p : extra.ports) {
    ports.push_back({{"name", p.name},
                     {"ipackets", p.ipackets},
                     {"opackets", p.opackets},
                     {"imissed", p.imissed},
                     {"ierrors", p.ierrors},
                     {"oerrors", p.oerrors},
                     {"rx_nombuf", p.rx_nombuf}});
  }
  root["ports"] = std::move(ports);
  return root.dump(2) + "\n";
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot open ", tmp));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace fastlease::dataplane
