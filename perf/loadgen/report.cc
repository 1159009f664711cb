#include "perf/loadgen/report.h"

#include <fmt/format.h>

#include "nlohmann/json.hpp"

namespace fastlease::perf {

bool ParseReportFormat(std::string_view name, ReportFormat* out) {
  if (name == "table") *out = ReportFormat::kTable;
  else if (name == "csv") *out = ReportFormat::kCsv;
  else if (name == "json") *out = ReportFormat::kJson;
  else return false;
  return true;
}

Summary Summarize(const Totals& totals, double seconds, std::string label, bool storm) {
  Summary s;
  s.label = std::move(label);
  s.seconds = seconds;
  s.frames_sent = totals.frames_sent;
  s.replies = totals.replies;
  s.unexpected = totals.unexpected;
  s.in_flight = totals.in_flight();
  for (int i = 0; i < kExchangeKinds; ++i) {
    const ExchangeCounters& c = totals.kinds[i];
    if (c.started == 0) continue;
    KindSummary k;
    k.kind = std::string(ExchangeKindName(static_cast<ExchangeKind>(i)));
    k.started = c.started;
    k.completed = c.completed;
    k.naks = c.naks;
    k.dropped = c.dropped;
    k.retransmissions = c.retransmissions;
    k.rate = seconds > 0 ? static_cast<double>(c.completed) / seconds : 0;
    const uint64_t ended = c.completed + c.naks + c.dropped;
    k.drop_percent = ended ? 100.0 * static_cast<double>(c.dropped) / static_cast<double>(ended) : 0;
    k.p50_us = c.latency.Percentile(50);
    k.p99_us = c.latency.Percentile(99);
    k.p999_us = c.latency.Percentile(99.9);
    k.max_us = c.latency.max();
    s.kinds.push_back(std::move(k));
  }
  s.storm = storm;
  if (storm) {
    s.storm_retransmissions = totals.storm_retransmissions;
    if (totals.storm_start_us != 0 && totals.storm_end_us >= totals.storm_start_us) {
      s.storm_seconds = static_cast<double>(totals.storm_end_us - totals.storm_start_us) / 1e6;
    }
  }
  return s;
}

std::string FormatSummary(const Summary& s, ReportFormat format) {
  switch (format) {
    case ReportFormat::kJson: {
      nlohmann::ordered_json j;
      j["label"] = s.label;
      j["seconds"] = s.seconds;
      j["frames-sent"] = s.frames_sent;
      j["replies"] = s.replies;
      j["unexpected-replies"] = s.unexpected;
      j["in-flight-at-end"] = s.in_flight;
      nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
      for (const KindSummary& k : s.kinds) {
        kinds.push_back({{"kind", k.kind}, {"started", k.started}, {"completed", k.completed},
                         {"naks", k.naks}, {"dropped", k.dropped},
                         {"retransmissions", k.retransmissions}, {"rate", k.rate},
                         {"drop-percent", k.drop_percent}, {"p50-us", k.p50_us},
                         {"p99-us", k.p99_us}, {"p99.9-us", k.p999_us}, {"max-us", k.max_us}});
      }
      j["exchanges"] = kinds;
      if (s.storm) {
        j["storm"] = {{"seconds", s.storm_seconds}, {"retransmissions", s.storm_retransmissions},
                      {"complete", s.storm_seconds >= 0}};
      }
      return j.dump(2) + "\n";
    }
    case ReportFormat::kCsv: {
      std::string out =
          "label,kind,seconds,started,completed,naks,dropped,retransmissions,rate,drop_percent,"
          "p50_us,p99_us,p999_us,max_us\n";
      for (const KindSummary& k : s.kinds) {
        out += fmt::format("{},{},{:.3f},{},{},{},{},{},{:.1f},{:.4f},{},{},{},{}\n", s.label, k.kind,
                           s.seconds, k.started, k.completed, k.naks, k.dropped, k.retransmissions,
                           k.rate, k.drop_percent, k.p50_us, k.p99_us, k.p999_us, k.max_us);
      }
      if (s.storm) {
        out += fmt::format("{},storm,{:.3f},,,,,{},,,,,,\n", s.label, s.storm_seconds,
                           s.storm_retransmissions);
      }
      return out;
    }
    case ReportFormat::kTable: {
      std::string out = fmt::format("{} — {:.2f} s, {} frames sent, {} replies, {} unexpected\n",
                                    s.label, s.seconds, s.frames_sent, s.replies, s.unexpected);
      out += fmt::format("{:<12} {:>10} {:>10} {:>12} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9}\n",
                         "exchange", "started", "completed", "rate/s", "naks", "dropped", "drop%",
                         "retx", "p50 us", "p99 us", "p99.9 us");
      for (const KindSummary& k : s.kinds) {
        out += fmt::format(
            "{:<12} {:>10} {:>10} {:>12.0f} {:>8} {:>8} {:>8.3f} {:>8} {:>9} {:>9} {:>9}\n", k.kind,
            k.started, k.completed, k.rate, k.naks, k.dropped, k.drop_percent, k.retransmissions,
            k.p50_us, k.p99_us, k.p999_us);
      }
      if (s.storm) {
        if (s.storm_seconds >= 0) {
          out += fmt::format("storm: every client served {:.3f} s after the outage, {} retransmissions\n",
                             s.storm_seconds, s.storm_retransmissions);
        } else {
          out += fmt::format("storm: NOT every client was served ({} retransmissions)\n",
                             s.storm_retransmissions);
        }
      }
      return out;
    }
  }
  return {};
}

std::string PeriodicLine(const Totals& previous, const Totals& current, double interval_s,
                         double elapsed_s) {
  std::string line = fmt::format("{:7.1f}s", elapsed_s);
  uint64_t drops = 0, retx = 0, p99 = 0;
  for (int i = 0; i < kExchangeKinds; ++i) {
    const ExchangeCounters& a = previous.kinds[i];
    const ExchangeCounters& b = current.kinds[i];
    if (b.started == 0) continue;
    const double rate = interval_s > 0 ? static_cast<double>(b.completed - a.completed) / interval_s : 0;
    line += fmt::format("  {} {:.0f}/s", ExchangeKindName(static_cast<ExchangeKind>(i)), rate);
    drops += b.dropped - a.dropped;
    retx += b.retransmissions - a.retransmissions;
    p99 = std::max(p99, b.latency.Percentile(99));
  }
  line += fmt::format("  drops {}  retx {}  in-flight {}  p99(run) {}us", drops, retx,
                      current.in_flight(), p99);
  return line;
}

std::string ReflectorLine(const ReflectorTotals& previous, const ReflectorTotals& current,
                          double interval_s, double elapsed_s) {
  const double d = interval_s > 0 ? interval_s : 1;
  const auto per_s = [d](uint64_t a, uint64_t b) { return static_cast<double>(b - a) / d; };
  return fmt::format("{:6.1f}s  reflected {:.0f}/s (offers {:.0f}/s, acks {:.0f}/s)  ignored {}  "
                     "tx dropped {}",
                     elapsed_s, per_s(previous.offers + previous.acks, current.offers + current.acks),
                     per_s(previous.offers, current.offers), per_s(previous.acks, current.acks),
                     current.ignored - previous.ignored, current.tx_dropped - previous.tx_dropped);
}

std::string FormatReflectorSummary(const ReflectorTotals& t, double seconds, ReportFormat format) {
  const auto rate = [seconds](uint64_t n) { return seconds > 0 ? static_cast<double>(n) / seconds : 0.0; };
  switch (format) {
    case ReportFormat::kJson: {
      nlohmann::ordered_json j;
      j["seconds"] = seconds;
      j["received"] = t.received;
      j["offers"] = t.offers;
      j["acks"] = t.acks;
      j["arp-replies"] = t.arp_replies;
      j["ignored"] = t.ignored;
      j["tx-dropped"] = t.tx_dropped;
      j["offers-per-second"] = rate(t.offers);
      j["acks-per-second"] = rate(t.acks);
      return j.dump(2) + "\n";
    }
    case ReportFormat::kCsv:
      return fmt::format("seconds,received,offers,acks,arp_replies,ignored,tx_dropped,"
                         "offers_per_second,acks_per_second\n"
                         "{:.3f},{},{},{},{},{},{},{:.1f},{:.1f}\n",
                         seconds, t.received, t.offers, t.acks, t.arp_replies, t.ignored,
                         t.tx_dropped, rate(t.offers), rate(t.acks));
    case ReportFormat::kTable:
      break;
  }
  return fmt::format("reflector, {:.1f} s\n"
                     "  received      {:>12}\n"
                     "  offers        {:>12}  {:>10.0f}/s\n"
                     "  acks          {:>12}  {:>10.0f}/s\n"
                     "  arp replies   {:>12}\n"
                     "  ignored       {:>12}\n"
                     "  tx dropped    {:>12}\n",
                     seconds, t.received, t.offers, rate(t.offers), t.acks, rate(t.acks),
                     t.arp_replies, t.ignored, t.tx_dropped);
}

}  // namespace fastlease::perf
