#include "dataplane/counters.h"

#include <vector>

namespace fastlease::dataplane {
namespace {

constexpr const char* kMessageTypeNames[kMessageTypeSlots] = {
    "unknown", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform"};

// Kea's spelling in pkt6-<type>-received/sent.
constexpr const char* kMessageType6Names[kMessageType6Slots] = {
    "unknown", "solicit", "advertise", "request", "confirm", "renew", "rebind",
    "reply", "release", "decline", "reconfigure", "infrequest", "relay-forw", "relay-repl"};

std::vector<std::string> BuildNames() {
  std::vector<std::string> names;
  names.reserve(kCounterCount);
#define FASTLEASE_X(name, str) names.emplace_back(str);
  FASTLEASE_WORKER_EVENTS(FASTLEASE_X)
#undef FASTLEASE_X
#define FASTLEASE_X(name, str) names.emplace_back("drop_" str);
  FASTLEASE_WORKER_DROP_REASONS(FASTLEASE_X)
#undef FASTLEASE_X
  for (size_t i = 0; i < kWireDropCount; ++i) {
    names.push_back(std::string("wire_") + WireDropName(WireDrop(i)));
  }
  for (size_t i = 0; i < dhcp4::kParseErrorCount; ++i) {
    names.push_back(std::string("dhcp4_parse_") + dhcp4::ParseErrorName(dhcp4::ParseError(i)));
  }
  for (size_t i = 0; i < size_t(dhcp4::DropReason::kCount); ++i) {
    names.push_back(std::string("dhcp4_drop_") + dhcp4::DropReasonName(dhcp4::DropReason(i)));
  }
  for (const char* t : kMessageTypeNames) names.push_back(std::string("pkt4-") + t + "-received");
  for (const char* t : kMessageTypeNames) names.push_back(std::string("pkt4-") + t + "-sent");
  for (size_t i = 0; i < dhcp6::kParseErrorCount; ++i) {
    names.push_back(std::string("dhcp6_parse_") + dhcp6::ParseErrorName(dhcp6::ParseError(i)));
  }
  for (size_t i = 0; i < size_t(dhcp6::DropReason6::kCount); ++i) {
    names.push_back(std::string("dhcp6_drop_") + dhcp6::DropReason6Name(dhcp6::DropReason6(i)));
  }
  for (const char* t : kMessageType6Names) names.push_back(std::string("pkt6-") + t + "-received");
  for (const char* t : kMessageType6Names) names.push_back(std::string("pkt6-") + t + "-sent");
  return names;
}

}  // namespace

const std::string& CounterName(size_t index) {
  static const std::vector<std::string> names = BuildNames();
  static const std::string unknown = "unknown";
  return index < names.size() ? names[index] : unknown;
}

bool IsDropCounter(size_t index) {
  if (index >= CounterLayout::kWorkerDrops && index < CounterLayout::kParseResults) return true;
  // Parse results: every one but "ok" is a drop.
  if (index > CounterLayout::kParseResults && index < CounterLayout::kServerDrops) return true;
  if (index >= CounterLayout::kServerDrops && index < CounterLayout::kReceived) return true;
  if (index > CounterLayout::kParse6 && index < CounterLayout::kReceived6) return true;
  return false;
}

}  // namespace fastlease::dataplane
