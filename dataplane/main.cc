// fastlease-dataplane: the DPDK process that serves DHCPv4.
//
//   fastlease-dataplane --config FILE --state-dir DIR [--stats-file FILE]
//
// Start-up: load and validate the config, start EAL (eal-args + the ports'
// devices), compile the server config, configure the ports, open the lease
// store under the state directory, recover the shards, start the persister,
// launch one worker per worker lcore, start the ports.
// Signals (handled by the main lcore, which also writes the stats file):
//   SIGHUP           reload the config file; on error keep the current config;
//                    on success publish it to the workers between bursts.
//   SIGTERM, SIGINT  stop reading ports, send every parked reply once durable,
//                    stop the persister after a final flush, exit 0.
// Exit status: 0 after a clean shutdown, 1 when start-up fails, 2 on bad usage.

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "dataplane/dataplane_process.h"
#include "dataplane/log.h"

namespace fastlease::dataplane {
namespace {

constexpr std::string_view kUsage =
    "usage: fastlease-dataplane --config FILE --state-dir DIR [--stats-file FILE]\n";

struct Options {
  std::string config_path;
  std::string state_dir;
  std::string stats_file;
};

std::optional<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string* target = nullptr;
    std::string_view name;
    for (auto [flag, field] :
         {std::pair<std::string_view, std::string*>{"--config", &o.config_path},
          {"--state-dir", &o.state_dir},
          {"--stats-file", &o.stats_file}}) {
      if (arg == flag || (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag &&
                          arg[flag.size()] == '=')) {
        target = field;
        name = flag;
      }
    }
    if (target == nullptr) {
      std::fprintf(stderr, "fastlease-dataplane: unknown argument '%s'\n%s", argv[i],
                   kUsage.data());
      return std::nullopt;
    }
    if (arg.size() > name.size()) {
      *target = std::string(arg.substr(name.size() + 1));
    } else if (i + 1 < argc) {
      *target = argv[++i];
    } else {
      std::fprintf(stderr, "fastlease-dataplane: %s needs a value\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
  }
  if (o.config_path.empty() || o.state_dir.empty()) {
    std::fprintf(stderr, "%s", kUsage.data());
    return std::nullopt;
  }
  return o;
}

}  // namespace
}  // namespace fastlease::dataplane

int main(int argc, char** argv) {
  using namespace fastlease::dataplane;
  std::optional<Options> options = ParseOptions(argc, argv);
  if (!options) return 2;
  PrepareMainThread();
  Log("fastlease-dataplane starting: config {}, state {}", options->config_path,
      options->state_dir);
  DataplaneProcess dataplane({.config_path = options->config_path,
                              .state_dir = options->state_dir,
                              .stats_file = options->stats_file});
  return dataplane.Run(argv[0]);
}
