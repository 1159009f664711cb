// ControlProcess: fastlease-control's modules wired on one io_context.
//
//   boost::asio::io_context io;
//   ControlProcess process(io, *config, "/var/lib/fastlease");
//   if (absl::Status s = process.Start(); !s.ok()) { ... exit 1 }
//   io.run();                       // returns after Stop()
//   return process.exit_value();
//
// Start(): opens the lease event log (its last line is the resume cursor),
// listens on the command socket (and the Prometheus port when enabled), starts
// connecting to the dataplane and handles SIGTERM/SIGINT (Stop(0)) and SIGHUP
// (logged, ignored: the control config is read at start only).
// Stop(): stops accepting, closes the link (pending commands are answered), and
// stops the io_context once the answers in progress are written (at most
// kStopGrace later).
//
// Single-threaded: the io_context's thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/status/status.h"
#include "control/command_router.h"
#include "control/command_socket.h"
#include "control/config/config.h"
#include "control/control_paths.h"
#include "control/dataplane_link.h"
#include "control/lease_event_log.h"
#include "control/lease_event_stream.h"
#include "control/metrics_server.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {

inline constexpr std::chrono::milliseconds kStopGrace{2000};

class ControlProcess {
 public:
  ControlProcess(boost::asio::io_context& io, config::Config config, std::string state_dir);
  ~ControlProcess();
  ControlProcess(const ControlProcess&) = delete;
  ControlProcess& operator=(const ControlProcess&) = delete;

  [[nodiscard]] absl::Status Start();
  void Stop(int exit_value);

  int exit_value() const { return exit_value_; }
  bool stopping() const { return stopping_; }
  const ControlPaths& paths() const { return paths_; }
  // status-get's "control" member.
  nlohmann::json Status() const;

  // For tests.
  DataplaneLink& link() { return *link_; }
  LeaseEventLog& event_log() { return *event_log_; }
  MetricsServer* metrics() { return metrics_.get(); }

 private:
  void WaitForSignal();
  void PollStopped(std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context& io_;
  config::Config config_;
  std::string state_dir_;
  ControlPaths paths_;
  std::unique_ptr<LeaseEventLog> event_log_;
  std::unique_ptr<LeaseEventStream> stream_;
  std::unique_ptr<DataplaneLink> link_;
  std::unique_ptr<CommandRouter> router_;
  std::unique_ptr<CommandSocket> command_socket_;
  std::unique_ptr<MetricsServer> metrics_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer stop_timer_;
  bool stopping_ = false;
  int exit_value_ = 0;
};

}  // namespace fastlease::control
