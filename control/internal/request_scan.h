// Decides when the bytes read from a command connection hold one whole JSON
// request. An object is tried only when the buffered text ends with '}' (after
// white space) or the client has finished writing, so a large request is not
// re-parsed after every read; text that does not start with '{' is tried at
// once (it can only be refused). Pure; any thread.
#pragma once

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace fastlease::control::internal {

enum class ScanState : uint8_t {
  kIncomplete,  // more bytes may complete it: keep reading
  kEmpty,       // end of input with nothing but white space: nothing to answer
  kComplete,    // `json` holds the request
  kMalformed,   // `error` holds the parser's message; no continuation can fix it
};

struct ScanResult {
  ScanState state = ScanState::kIncomplete;
  nlohmann::json json;
  std::string error;
};

// `at_eof`: the client will send nothing more (EOF, or the idle timeout).
ScanResult ScanRequest(std::string_view buffered, bool at_eof);

}  // namespace fastlease::control::internal
