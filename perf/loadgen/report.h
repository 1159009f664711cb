// Reports of a load-generator run: a periodic line while it runs, and a final
// summary as a table (people), CSV or JSON (scripts).
//
//   std::string line = PeriodicLine(previous, current, seconds_since_previous, elapsed);
//   std::string out = FormatSummary(Summarize(totals, elapsed_s, label), ReportFormat::kJson);
//
// Rates are completed exchanges per second of the whole run. Latencies are in
// microseconds (p50/p99/p99.9, from LatencyHistogram, so within 6.25% above the
// true value). Pure functions; any thread; they allocate (strings), so call them
// off the packet loop's hot part.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "perf/loadgen/generator.h"

namespace fastlease::perf {

enum class ReportFormat { kTable, kCsv, kJson };
bool ParseReportFormat(std::string_view name, ReportFormat* out);  // "table", "csv", "json"

struct KindSummary {
  std::string kind;  // ExchangeKindName
  uint64_t started = 0, completed = 0, naks = 0, dropped = 0, retransmissions = 0;
  double rate = 0;       // completed per second
  double drop_percent = 0;  // dropped / (completed + naks + dropped)
  uint64_t p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

struct Summary {
  std::string label;      // e.g. the scenario and the target
  double seconds = 0;
  uint64_t frames_sent = 0, replies = 0, unexpected = 0, in_flight = 0;
  std::vector<KindSummary> kinds;  // only kinds with something started
  // The storm scenario: seconds from the storm's start until the last client
  // was served (negative when it never ended), and the retransmissions meanwhile.
  bool storm = false;
  double storm_seconds = -1;
  uint64_t storm_retransmissions = 0;
};

Summary Summarize(const Totals& totals, double seconds, std::string label, bool storm = false);
std::string FormatSummary(const Summary& summary, ReportFormat format);

// "  10.0s  dora 51234/s  renew 0/s  drops 0  retx 12  in-flight 33  p99 812us"
// from the difference between two snapshots `interval_s` apart.
std::string PeriodicLine(const Totals& previous, const Totals& current, double interval_s,
                         double elapsed_s);

// The reflector's counts (fastlease-perf --reflect).
struct ReflectorTotals {
  uint64_t received = 0;       // frames read from the port
  uint64_t offers = 0, acks = 0, arp_replies = 0;
  uint64_t ignored = 0;        // frames that got no answer (Reflected::kNothing)
  uint64_t tx_dropped = 0;     // answers the TX ring refused (freed, not retried)
};

// "  10.0s  reflected 51234/s (offers 25617/s, acks 25617/s)  tx dropped 0"
std::string ReflectorLine(const ReflectorTotals& previous, const ReflectorTotals& current,
                          double interval_s, double elapsed_s);
// The final counts and rates (replies per second over `seconds`): a table, one CSV
// line after its header, or a JSON object.
std::string FormatReflectorSummary(const ReflectorTotals& totals, double seconds,
                                   ReportFormat format);

}  // namespace fastlease::perf
