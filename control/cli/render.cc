#include "control/cli/render.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace fastlease::cli {
namespace {

using nlohmann::json;

constexpr int64_t kInfiniteLifetime = 0xffffffff;

// A JSON scalar as a table cell.
std::string Cell(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return v.dump();
}

std::string Field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? "-" : Cell(*it);
}

std::optional<int64_t> IntField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(fmt::format("malformed answer: {}", what));
}

}  // namespace

std::string RenderTable(const std::vector<Column>& columns,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(columns.size(), 0);
  const bool header = std::any_of(columns.begin(), columns.end(),
                                  [](const Column& c) { return !c.header.empty(); });
  for (size_t i = 0; i < columns.size(); ++i) {
    if (header) widths[i] = columns[i].header.size();
    for (const auto& row : rows) {
      if (i < row.size()) widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  auto line = [&](auto cell_of) {
    std::string text;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& cell = cell_of(i);
      if (i > 0) text += "  ";
      size_t pad = widths[i] - std::min(widths[i], cell.size());
      if (columns[i].right) text.append(pad, ' ');
      text += cell;
      if (!columns[i].right) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  static const std::string kEmpty;
  if (header) line([&](size_t i) -> const std::string& { return columns[i].header; });
  for (const auto& row : rows) {
    line([&](size_t i) -> const std::string& { return i < row.size() ? row[i] : kEmpty; });
  }
  return out;
}

std::string FormatLocalTime(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return "-";
  char buf[64];
  if (std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0) return "-";
  return buf;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) return "-";
  const int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
                s = seconds % 60;
  if (d > 0) return fmt::format("{}d {}h {}m {}s", d, h, m, s);
  if (h > 0) return fmt::format("{}h {}m {}s", h, m, s);
  if (m > 0) return fmt::format("{}m {}s", m, s);
  return fmt::format("{}s", s);
}

std::string LeaseStateName(const json& lease) {
  std::optional<int64_t> state = IntField(lease, "state");
  if (!state) return "-";
  switch (*state) {
    case 0:
      return "bound";
    case 1:
      return "declined";
    case 2: {
      auto released = lease.find("released");
      if (released != lease.end() && released->is_boolean() && released->get<bool>()) {
        return "released";
      }
      return "expired";
    }
    default:
      return fmt::format("state {}", *state);
  }
}

namespace {

// One column of a lease table: its header and the lease field it shows as it
// is, or the function that makes its cell.
struct LeaseColumn {
  Column column;
  const char* key = nullptr;
  std::string (*cell)(const json& lease) = nullptr;
};

// cltt + valid-lft in local time; "never" for an infinite lifetime.
std::string ExpiresCell(const json& lease) {
  std::optional<int64_t> cltt = IntField(lease, "cltt");
  std::optional<int64_t> lft = IntField(lease, "valid-lft");
  if (lft && *lft == kInfiniteLifetime) return "never";
  if (cltt && lft) return FormatLocalTime(*cltt + *lft);
  return "-";
}

// "2001:db8:1::5", or "2001:db8:1:100::/56" for a prefix.
std::string Address6Cell(const json& lease) {
  std::string address = Field(lease, "ip-address");
  std::optional<int64_t> len = IntField(lease, "prefix-len");
  if (len && *len != 128) address += fmt::format("/{}", *len);
  return address;
}

const std::vector<LeaseColumn>& LeaseColumns(IpFamily family) {
  static const std::vector<LeaseColumn> v4 = {
      {{"address"}, "ip-address"},
      {{"hw-address"}, "hw-address"},
      {{"client-id"}, "client-id"},
      {{"subnet", true}, "subnet-id"},
      {{"state"}, nullptr, LeaseStateName},
      {{"valid-lft", true}, "valid-lft"},
      {{"expires"}, nullptr, ExpiresCell},
  };
  static const std::vector<LeaseColumn> v6 = {
      {{"address"}, nullptr, Address6Cell},
      {{"type"}, "type"},
      {{"duid"}, "duid"},
      {{"iaid", true}, "iaid"},
      {{"subnet", true}, "subnet-id"},
      {{"state"}, nullptr, LeaseStateName},
      {{"preferred-lft", true}, "preferred-lft"},
      {{"valid-lft", true}, "valid-lft"},
      {{"expires"}, nullptr, ExpiresCell},
  };
  return family == IpFamily::kV4 ? v4 : v6;
}

}  // namespace

absl::StatusOr<std::string> RenderLeases(const json& leases, IpFamily family) {
  if (!leases.is_array()) return Malformed("'leases' is not a list");
  const std::vector<LeaseColumn>& columns = LeaseColumns(family);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(leases.size());
  for (const json& lease : leases) {
    if (!lease.is_object()) return Malformed("a lease is not an object");
    std::vector<std::string>& row = rows.emplace_back();
    for (const LeaseColumn& c : columns) row.push_back(c.cell ? c.cell(lease) : Field(lease, c.key));
  }
  std::vector<Column> headers;
  for (const LeaseColumn& c : columns) headers.push_back(c.column);
  return RenderTable(headers, rows);
}

absl::StatusOr<std::string> RenderStats(const json& stats) {
  if (!stats.is_object()) return Malformed("the statistics are not an object");
  // (rank, group prefix, group id, name) → row.
  using Key = std::tuple<int, std::string, uint64_t, std::string>;
  std::map<Key, std::vector<std::string>> sorted;
  for (const auto& [name, samples] : stats.items()) {
    Key key{0, "", 0, name};
    size_t open = name.find('[');
    size_t close = name.find("].");
    if (open != std::string::npos && close != std::string::npos && open > 0 && close > open + 1) {
      std::string prefix = name.substr(0, open);
      std::string digits = name.substr(open + 1, close - open - 1);
      if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          digits.size() <= 19) {
        key = Key{prefix == "subnet" ? 1 : (prefix == "lcore" ? 2 : 3), prefix,
                  std::stoull(digits), name};
      }
    }
    std::string value = "-";
    std::string timestamp = "-";
    if (samples.is_array()) {
      if (!samples.empty()) {
        const json& newest = samples[0];
        if (newest.is_array() && !newest.empty()) {
          value = Cell(newest[0]);
          if (newest.size() > 1) timestamp = Cell(newest[1]);
        } else {
          value = Cell(newest);
        }
      }
    } else {
      value = Cell(samples);
    }
    sorted[key] = {name, value, timestamp};
  }
  std::vector<std::vector<std::string>> rows;
  std::optional<std::tuple<int, std::string, uint64_t>> group;
  for (const auto& [key, row] : sorted) {
    auto this_group = std::make_tuple(std::get<0>(key), std::get<1>(key), std::get<2>(key));
    if (group && *group != this_group) rows.push_back({});
    group = this_group;
    rows.push_back(row);
  }
  return RenderTable({{"name"}, {"value", true}, {"timestamp"}}, rows);
}

namespace {

void Flatten(const std::string& prefix, const json& value,
             std::vector<std::vector<std::string>>& rows) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [k, v] : value.items()) {
      Flatten(prefix.empty() ? k : prefix + "." + k, v, rows);
    }
    return;
  }
  rows.push_back({prefix, value.is_string() ? value.get<std::string>() : Cell(value)});
}

}  // namespace

absl::StatusOr<std::string> RenderStatus(const json& status) {
  if (!status.is_object()) return Malformed("status-get arguments are not an object");
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> shown;
  auto take = [&](const json& object, const char* key) -> const json* {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  };
  auto duration = [](const json& v) {
    return v.is_number_integer() ? FormatDuration(v.get<int64_t>()) : Cell(v);
  };
  if (const json* pid = take(status, "pid")) rows.push_back({"control pid", Cell(*pid)});
  if (const json* up = take(status, "uptime")) rows.push_back({"control uptime", duration(*up)});
  if (const json* reload = take(status, "reload")) {
    rows.push_back({"last reload", reload->is_number_integer()
                                       ? FormatDuration(reload->get<int64_t>()) + " ago"
                                       : Cell(*reload)});
  }
  shown.insert({"pid", "uptime", "reload"});
  std::vector<std::vector<std::string>> rest;
  if (const json* dp = take(status, "dataplane"); dp != nullptr && dp->is_object()) {
    shown.insert("dataplane");
    std::set<std::string> dp_shown;
    if (const json* c = take(*dp, "connected")) {
      rows.push_back({"dataplane", c->is_boolean() ? (c->get<bool>() ? "connected" : "not connected")
                                                  : Cell(*c)});
    }
    if (const json* pid = take(*dp, "pid")) rows.push_back({"dataplane pid", Cell(*pid)});
    if (const json* up = take(*dp, "uptime")) rows.push_back({"dataplane uptime", duration(*up)});
    if (const json* w = take(*dp, "workers")) {
      rows.push_back({"workers", w->is_array() ? std::to_string(w->size()) : Cell(*w)});
    }
    if (const json* e = take(*dp, "config-epoch")) rows.push_back({"config epoch", Cell(*e)});
    dp_shown.insert({"connected", "pid", "uptime", "workers", "config-epoch"});
    if (const json* ev = take(*dp, "lease-events"); ev != nullptr && ev->is_object()) {
      dp_shown.insert("lease-events");
      std::optional<int64_t> last = IntField(*ev, "last-seq");
      std::optional<int64_t> acked = IntField(*ev, "acked-seq");
      std::string text = fmt::format("last seq {}, acked seq {}", Field(*ev, "last-seq"),
                                     Field(*ev, "acked-seq"));
      if (last && acked && *last >= *acked) {
        text += fmt::format(" ({} unacknowledged)", *last - *acked);
      }
      rows.push_back({"lease events", text});
      for (const auto& [k, v] : ev->items()) {
        if (k != "last-seq" && k != "acked-seq") Flatten("dataplane.lease-events." + k, v, rest);
      }
    }
    for (const auto& [k, v] : dp->items()) {
      if (!dp_shown.count(k)) Flatten("dataplane." + k, v, rest);
    }
  }
  for (const auto& [k, v] : status.items()) {
    if (!shown.count(k)) Flatten(k, v, rest);
  }
  rows.insert(rows.end(), rest.begin(), rest.end());
  return RenderTable({{""}, {""}}, rows);
}

namespace {

// Counts by verdict, indexed by config::Verdict.
std::array<size_t, 3> CountVerdicts(const config::ConfigCheck& check) {
  std::array<size_t, 3> counts{};
  for (const config::KeyVerdict& k : check.keys) ++counts[static_cast<size_t>(k.verdict)];
  return counts;
}

}  // namespace

std::string RenderConfigCheck(const config::ConfigCheck& check) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(check.keys.size());
  for (const config::KeyVerdict& k : check.keys) {
    rows.push_back({k.path, std::string(config::VerdictName(k.verdict)), k.message});
  }
  const std::array<size_t, 3> n = CountVerdicts(check);
  return RenderTable({{"path"}, {"verdict"}, {"note"}}, rows) +
         fmt::format("{} honoured, {} ignored (warning), {} rejected\n", n[0], n[1], n[2]);
}

json ConfigCheckJson(std::string_view file, const config::ConfigCheck& check) {
  json keys = json::array();
  for (const config::KeyVerdict& k : check.keys) {
    json key = {{"path", k.path}, {"verdict", config::VerdictName(k.verdict)}};
    if (!k.message.empty()) key["message"] = k.message;
    keys.push_back(std::move(key));
  }
  const std::array<size_t, 3> n = CountVerdicts(check);
  return {{"file", file},
          {"ok", check.ok},
          {"summary", {{"honoured", n[0]}, {"ignored", n[1]}, {"rejected", n[2]}}},
          {"keys", std::move(keys)},
          {"errors", check.errors},
          {"warnings", check.warnings}};
}

}  // namespace fastlease::cli
