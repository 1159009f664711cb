// `fastlease`: the whole command-line program as a function, so tests can run
// it with their own arguments, output streams and transport.
//
//   Environment env{.socket_env = getenv("FASTLEASE_SOCKET")};
//   int status = Run({"leases", "--subnet-id", "1"}, env, std::cout, std::cerr);
//
// Parses the arguments (command_line.h), answers help, --version, completion
// and `config check` locally, otherwise builds the request(s) (request.h),
// sends them through env.transport (the Unix socket client by default) and
// prints the answer (render.h), or with --json the answer itself. Returns the
// exit status (exit_status.h). Errors go to `err` as "fastlease: <problem>".
// Blocking; one call at a time per stream pair.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "control/cli/client.h"

namespace fastlease::cli {

// Sends one request and returns the answer's bytes (Exchange's contract).
using Transport =
    std::function<absl::StatusOr<std::string>(const Endpoint& endpoint, std::string_view request)>;

struct Environment {
  std::optional<std::string> socket_env;  // $FASTLEASE_SOCKET; ignored when empty
  Transport transport;                    // empty: Exchange over the Unix socket
};

int Run(std::span<const std::string> args, const Environment& env, std::ostream& out,
        std::ostream& err);

}  // namespace fastlease::cli
