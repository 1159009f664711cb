#include "control/internal/request_scan.h"

namespace fastlease::control::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

ScanResult ScanRequest(std::string_view buffered, bool at_eof) {
  ScanResult r;
  size_t end = buffered.size();
  while (end > 0 && IsSpace(buffered[end - 1])) --end;
  if (end == 0) {
    r.state = at_eof ? ScanState::kEmpty : ScanState::kIncomplete;
    return r;
  }
  size_t begin = 0;
  while (IsSpace(buffered[begin])) ++begin;
  // An object is tried once it may be closed; anything else (a request must be
  // an object) at once, so "hello" is answered without waiting for EOF.
  if (!at_eof && buffered[begin] == '{' && buffered[end - 1] != '}') return r;
  try {
    r.json = nlohmann::json::parse(buffered);
    r.state = ScanState::kComplete;
  } catch (const nlohmann::json::parse_error& e) {
    // The parser stops one past the end when it ran out of input: an object
    // still open ({"a": {"b": 1}) may yet be closed by the next read.
    if (!at_eof && e.byte > buffered.size()) return r;
    r.state = ScanState::kMalformed;
    r.error = e.what();
  }
  return r;
}

}  // namespace fastlease::control::internal
