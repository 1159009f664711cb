// Commands on the control channel: Kea's request and answer shapes.
//
//   request  {"command": "lease4-get", "arguments": {"ip-address": "192.0.2.10"}}
//   answer   {"result": 0, "text": "IPv4 lease found.", "arguments": {...}}
//
// ParseCommandRequest checks the shape of one request (an object, a `command`
// string, `arguments` an object when present) and says what is wrong otherwise;
// the texts are what a client sees with result 1. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {

// Kea's result codes (config/command_interpreter.h).
inline constexpr int kResultSuccess = 0;
inline constexpr int kResultError = 1;
inline constexpr int kResultUnsupported = 2;  // unknown command
inline constexpr int kResultEmpty = 3;        // nothing found / nothing to do

struct CommandRequest {
  std::string name;           // `command`
  nlohmann::json arguments;   // an object; null when the request had none
  std::string text;           // the request as received (forwarded verbatim)
};

// `json` is the parsed request; `text` its source. InvalidArgument with the
// client-facing text when the shape is wrong.
absl::StatusOr<CommandRequest> ParseCommandRequest(const nlohmann::json& json, std::string text);

// {"result": r, "text": t[, "arguments": a]} as an object / as JSON text.
// `arguments` is left out when null.
nlohmann::json MakeAnswer(int result, std::string_view text,
                          nlohmann::json arguments = nullptr);
std::string AnswerText(int result, std::string_view text, nlohmann::json arguments = nullptr);

// Kea's text for an unknown command: "'x' command not supported."
std::string UnsupportedText(std::string_view command);

}  // namespace fastlease::control
