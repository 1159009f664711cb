// fastlease-control: the control-plane process.
//
//   fastlease-control --config FILE --state-dir DIR
//
// Reads the config (the same file as the dataplane's), serves Kea-style commands
// on the command socket, forwards what the dataplane answers over the dataplane
// link, writes the lease event log and, when enabled, serves Prometheus metrics.
// See control/control_process.h and docs/architecture.md ("Control plane").
// Exit status: 0 after SIGTERM/SIGINT, the shutdown command's exit-value after
// it, 1 when start-up fails, 2 on bad usage.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "control/config/config.h"
#include "control/control_process.h"
#include "control/log.h"

namespace fastlease::control {
namespace {

constexpr std::string_view kUsage = "usage: fastlease-control --config FILE --state-dir DIR\n";

struct Options {
  std::string config_path;
  std::string state_dir;
};

std::optional<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fprintf(stdout, "%s", kUsage.data());
      std::exit(0);
    }
    std::string* target = nullptr;
    std::string_view name;
    for (auto [flag, field] : {std::pair<std::string_view, std::string*>{"--config", &o.config_path},
                               {"--state-dir", &o.state_dir}}) {
      if (arg == flag || (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag &&
                          arg[flag.size()] == '=')) {
        target = field;
        name = flag;
      }
    }
    if (target == nullptr) {
      std::fprintf(stderr, "fastlease-control: unknown argument '%s'\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
    if (arg.size() > name.size()) {
      *target = std::string(arg.substr(name.size() + 1));
    } else if (i + 1 < argc) {
      *target = argv[++i];
    } else {
      std::fprintf(stderr, "fastlease-control: %s needs a value\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
  }
  if (o.config_path.empty() || o.state_dir.empty()) {
    std::fprintf(stderr, "%s", kUsage.data());
    return std::nullopt;
  }
  return o;
}

// Logs a status whose message holds one problem per line.
void LogErrorLines(std::string_view what, const absl::Status& status) {
  Log("{}:", what);
  const std::string text(status.message());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) Log("  {}", std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
}

int Main(int argc, char** argv) {
  std::optional<Options> options = ParseOptions(argc, argv);
  if (!options) return 2;
  std::signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<config::Config> config = config::LoadConfigFile(options->config_path);
  if (!config.ok()) {
    LogErrorLines(fmt::format("cannot use the config {}", options->config_path), config.status());
    return 1;
  }
  for (const std::string& w : config->warnings) Log("config warning: {}", w);
  // Absolute, so the paths in logs and status-get do not depend on the cwd.
  std::error_code ec;
  const std::filesystem::path state_dir = std::filesystem::absolute(options->state_dir, ec);
  boost::asio::io_context io(1);
  ControlProcess process(io, *std::move(config), ec ? options->state_dir : state_dir.string());
  if (absl::Status s = process.Start(); !s.ok()) {
    LogErrorLines("start-up failed", s);
    return 1;
  }
  Log("running (pid {})", getpid());
  io.run();
  Log("exit {}", process.exit_value());
  return process.exit_value();
}

}  // namespace
}  // namespace fastlease::control

int main(int argc, char** argv) { return fastlease::control::Main(argc, argv); }
