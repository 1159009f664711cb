#include "control/prometheus.h"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "absl/status/status.h"

namespace fastlease::control {
namespace {

std::string MetricName(std::string_view kea, bool v6) {
  std::string name = v6 ? "fastlease_dhcp6_" : "fastlease_";
  for (char c : kea) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    name.push_back(ok ? c : '_');
  }
  return name;
}

std::string EscapeLabel(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// "subnet[12].x" → {"subnet", "12", "x"} when `name` has that shape.
bool SplitIndexed(std::string_view name, std::string_view& scope, std::string_view& index,
                  std::string_view& rest) {
  const size_t open = name.find('[');
  if (open == std::string_view::npos || open == 0) return false;
  const size_t close = name.find("].", open);
  if (close == std::string_view::npos || close == open + 1) return false;
  scope = name.substr(0, open);
  index = name.substr(open + 1, close - open - 1);
  rest = name.substr(close + 2);
  return !rest.empty();
}

std::string FormatValue(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return fmt::format("{}", v.get<uint64_t>());
  if (v.is_number_integer()) return fmt::format("{}", v.get<int64_t>());
  return fmt::format("{}", v.get<double>());
}

}  // namespace

PrometheusSeries SeriesOfStatistic(std::string_view kea_name, bool v6) {
  PrometheusSeries s;
  std::string_view scope, index, rest;
  std::string_view base = kea_name;
  if (SplitIndexed(kea_name, scope, index, rest) && (scope == "subnet" || scope == "lcore")) {
    s.label_name = scope == "subnet" ? "subnet_id" : "lcore";
    s.label_value = std::string(index);
    s.family = MetricName(std::string(scope) + "_" + std::string(rest), v6);
    base = rest;
  } else {
    s.family = MetricName(kea_name, v6);
  }
  s.gauge = base.ends_with("-addresses") ||
            ((base.ends_with("-nas") || base.ends_with("-pds")) && !base.starts_with("cumulative"));
  return s;
}

absl::StatusOr<std::string> StatisticsToPrometheus(const nlohmann::json& statistics,
                                                   const nlohmann::json& statistics6) {
  if (!statistics.is_object()) {
    return absl::InvalidArgumentError("the statistics are not a JSON object");
  }
  struct Family {
    bool gauge = false;
    // (numeric label value, rendered labels) → value: subnet 2 before subnet 10.
    std::map<std::pair<uint64_t, std::string>, std::string> samples;
  };
  std::map<std::string, Family> families;
  auto add = [&](const nlohmann::json& set, bool v6) {
    for (const auto& [name, samples] : set.items()) {
      const nlohmann::json* value = &samples;
      if (value->is_array() && !value->empty()) value = &(*value)[0];
      if (value->is_array() && !value->empty()) value = &(*value)[0];
      if (!value->is_number()) continue;
      PrometheusSeries series = SeriesOfStatistic(name, v6);
      Family& f = families[series.family];
      f.gauge = series.gauge;
      std::string labels;
      if (!series.label_name.empty()) {
        labels = fmt::format("{{{}=\"{}\"}}", series.label_name, EscapeLabel(series.label_value));
      }
      uint64_t number = 0;
      for (char c : series.label_value) {
        number = (c >= '0' && c <= '9') ? number * 10 + uint64_t(c - '0') : number;
      }
      // The first name wins when two Kea names meet in one series.
      f.samples.emplace(std::pair{number, std::move(labels)}, FormatValue(*value));
    }
  };
  add(statistics, false);
  if (statistics6.is_object()) add(statistics6, true);
  std::string out;
  for (const auto& [name, f] : families) {
    fmt::format_to(std::back_inserter(out), "# TYPE {} {}\n", name, f.gauge ? "gauge" : "counter");
    for (const auto& [key, value] : f.samples) {
      fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, key.second, value);
    }
  }
  return out;
}

}  // namespace fastlease::control
