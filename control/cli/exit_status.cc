#include "control/cli/exit_status.h"

namespace fastlease::cli {

ExitCode ExitCodeForResult(int result) {
  switch (result) {
    case kResultSuccess:
      return ExitCode::kOk;
    case kResultEmpty:
      return ExitCode::kEmpty;
    default:
      return ExitCode::kError;
  }
}

ExitCode ExitCodeForStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ExitCode::kOk;
    case absl::StatusCode::kInvalidArgument:
      return ExitCode::kUsage;
    case absl::StatusCode::kUnavailable:
      return ExitCode::kNotRunning;
    default:
      return ExitCode::kTransport;
  }
}

}  // namespace fastlease::cli
