// The exit statuses of `fastlease` and how answers and errors map to them.
//
//   0 kOk          result 0
//   1 kError       result 1 (error) or 2 (command not supported), or any
//                  result code outside 0..3; `config check` of a file that
//                  would be rejected
//   2 kUsage       unknown command or flag, bad value (address, MAC, number,
//                  a config file that is not JSON)
//   3 kEmpty       result 3 (nothing found / nothing to do)
//   4 kNotRunning  cannot connect to fastlease-control's socket
//   5 kTransport   timeout, I/O error, or an answer that is not Kea's shape
//
// Pure functions, any thread.
#pragma once

#include "absl/status/status.h"

namespace fastlease::cli {

enum class ExitCode : int {
  kOk = 0,
  kError = 1,
  kUsage = 2,
  kEmpty = 3,
  kNotRunning = 4,
  kTransport = 5,
};

// Kea's `result` values in an answer.
inline constexpr int kResultSuccess = 0;
inline constexpr int kResultError = 1;
inline constexpr int kResultUnsupported = 2;
inline constexpr int kResultEmpty = 3;

// The exit status for an answer's `result`.
ExitCode ExitCodeForResult(int result);

// The exit status for an error of the CLI itself (never OkStatus):
// kInvalidArgument → kUsage, kUnavailable → kNotRunning, anything else
// (kDeadlineExceeded, kDataLoss, kResourceExhausted, kInternal, ...) → kTransport.
ExitCode ExitCodeForStatus(const absl::Status& status);

}  // namespace fastlease::cli
