// DataplaneProcess: the fastlease-dataplane process's life as a library, so that
// the binary and an in-process load generator (fastlease-perf --in-process) run
// the same start-up, serving loop and shutdown.
//
//   DataplaneProcess dp({.config_path = "fastlease.json", .state_dir = "state"});
//   if (dp.Start(argv[0])) dp.Serve();
//   dp.Shutdown();
//   return dp.exit_value();
//
// Start(): load and validate the config, start EAL (eal-args + the ports'
// devices), run `after_eal`, compile the server config, configure the ports,
// open the lease store under the state directory, recover the shards, start the
// persister, launch one worker per `Dataplane/workers` on the first worker
// lcores, start the ports. Worker lcores beyond those are left to the caller
// (spare_lcores()).
// Serve(): on the main lcore: SIGHUP reloads the config file (a bad one is
// logged and the running config stays); SIGTERM/SIGINT return; the control link
// and the stats file are served; returns also when `stop` (if given) says so or
// a shutdown command arrived. The calling thread must have SIGTERM, SIGINT and
// SIGHUP blocked (sigtimedwait takes them): call PrepareMainThread() first.
// Shutdown(): stop reading ports, send every parked reply once durable, stop the
// persister after a final flush, release EAL. Call once, after Start().
// Main lcore only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace fastlease::dataplane {

struct ProcessOptions {
  std::string config_path;
  std::string state_dir;
  std::string stats_file;  // empty: none
  // Runs once EAL is up, before the ports are looked up: e.g. to create the
  // ring ports (rte_eth_from_rings) that a config's "net_ring_<name>" devices
  // name. nullptr: nothing.
  std::function<absl::Status()> after_eal;
};

class DataplaneProcess {
 public:
  explicit DataplaneProcess(ProcessOptions options);
  ~DataplaneProcess();
  DataplaneProcess(const DataplaneProcess&) = delete;
  DataplaneProcess& operator=(const DataplaneProcess&) = delete;

  [[nodiscard]] bool Start(const char* program);
  void Serve(const std::function<bool()>& stop = nullptr);
  void Shutdown();
  // Start, Serve, Shutdown; the process's exit status (1 when start-up failed).
  int Run(const char* program);

  int exit_value() const;
  // EAL worker lcores not running a dataplane worker, in order.
  const std::vector<unsigned>& spare_lcores() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Call first thing in main(), before any thread starts: blocks SIGTERM, SIGINT
// and SIGHUP (every thread started later inherits the mask; Serve() takes them
// with sigtimedwait), and reads the CPUs the process may use before EAL pins the
// main thread (threads started at start-up then avoid the workers' CPUs).
void PrepareMainThread();

}  // namespace fastlease::dataplane
