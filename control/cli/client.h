// The control-channel client: one request, one answer, over fastlease-control's
// Unix stream socket, in Kea's shape.
//
//   Endpoint ep{.socket_path = "/var/lib/fastlease/control.sock",
//               .timeout = std::chrono::seconds(30)};
//   absl::StatusOr<std::string> bytes = Exchange(ep, R"({"command": "version-get"})");
//   absl::StatusOr<Answer> answer = ParseAnswer(*bytes);
//
// Exchange connects, writes the whole request, shuts down its write side and
// reads until the server closes the connection. The timeout covers the whole
// exchange. Blocking; call from one thread at a time per Endpoint (no shared
// state). Allocates the answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fastlease::cli {

// Default socket when neither --socket nor FASTLEASE_SOCKET is given.
inline constexpr std::string_view kDefaultSocketPath = "/var/lib/fastlease/control.sock";
// Largest answer accepted (a lease4-get-all over millions of leases fits).
inline constexpr size_t kMaxAnswerSize = size_t{1} << 30;

struct Endpoint {
  std::string socket_path{kDefaultSocketPath};
  std::chrono::milliseconds timeout{30000};
  size_t max_answer_size = kMaxAnswerSize;
};

// Sends `request` and returns the answer's bytes as read to EOF. Errors:
//   kInvalidArgument   the path does not fit a sockaddr_un
//   kUnavailable       connect failed: "cannot connect to fastlease-control at
//                      PATH: <strerror> (is fastlease-control running?)"
//   kDeadlineExceeded  the timeout passed before the answer was complete
//   kResourceExhausted the answer exceeds max_answer_size
//   kInternal          any other socket error, or reset before any answer byte
// Never raises SIGPIPE.
absl::StatusOr<std::string> Exchange(const Endpoint& endpoint, std::string_view request);

// A parsed answer: {"result": N, "text": "...", "arguments": ...}.
struct Answer {
  int result = 0;
  std::string text;         // "" when absent
  nlohmann::json arguments;  // null when absent
  nlohmann::json raw;        // the whole answer object
};

// Parses answer bytes. A one-element array around the object (what Kea's
// control agent sends) is unwrapped. kDataLoss when the bytes are not JSON,
// not an object, lack an integer `result`, or have a `text` that is not a
// string. Any integer result is accepted; ExitCodeForResult maps it.
absl::StatusOr<Answer> ParseAnswer(std::string_view bytes);

}  // namespace fastlease::cli
