#include "control/control_process.h"

#include <csignal>
#include <filesystem>
#include <system_error>
#include <utility>

#include "control/log.h"

namespace fastlease::control {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

const char* StateName(DataplaneLink::State s) {
  switch (s) {
    case DataplaneLink::State::kDisconnected: return "disconnected";
    case DataplaneLink::State::kConnecting: return "connecting";
    case DataplaneLink::State::kHandshake: return "handshake";
    case DataplaneLink::State::kReady: return "connected";
    case DataplaneLink::State::kClosed: return "closed";
  }
  return "unknown";
}

}  // namespace

ControlProcess::ControlProcess(asio::io_context& io, config::Config config, std::string state_dir)
    : io_(io),
      config_(std::move(config)),
      state_dir_(std::move(state_dir)),
      paths_(ResolvePaths(config_, state_dir_)),
      signals_(io),
      stop_timer_(io) {}

ControlProcess::~ControlProcess() = default;

absl::Status ControlProcess::Start() {
  std::error_code fs_ec;
  std::filesystem::create_directories(state_dir_, fs_ec);
  if (fs_ec) {
    return absl::UnavailableError(
        fmt::format("cannot create the state directory {}: {}", state_dir_, fs_ec.message()));
  }
  absl::StatusOr<std::unique_ptr<LeaseEventLog>> log = LeaseEventLog::Open(paths_.lease_event_log);
  if (!log.ok()) return log.status();
  event_log_ = *std::move(log);
  if (event_log_->torn_bytes() != 0) {
    Log("lease event log: cut off a torn last line ({} bytes) left by a crash",
        event_log_->torn_bytes());
  }
  Log("lease event log: {} (cursor {})", paths_.lease_event_log, event_log_->cursor());

  stream_ = std::make_unique<LeaseEventStream>(
      io_, std::vector<LeaseEventConsumer*>{event_log_.get()},
      [this](uint64_t seq) { link_->SendEventAck(seq); },
      [this](std::string_view why) { link_->Resync(why); });
  DataplaneLinkOptions link_options;
  link_options.path = paths_.dataplane_link;
  link_options.command_timeout = std::chrono::milliseconds(config_.control.command_timeout_ms);
  link_ = std::make_unique<DataplaneLink>(io_, std::move(link_options), stream_.get());

  CommandRouterHooks hooks;
  hooks.on_shutdown = [this](int exit_value) {
    Log("shutdown command: exit value {}", exit_value);
    Stop(exit_value);
  };
  hooks.control_status = [this] { return Status(); };
  router_ = std::make_unique<CommandRouter>(*link_, std::move(hooks));

  CommandSocketOptions socket_options;
  socket_options.path = paths_.command_socket;
  socket_options.max_command_size = config_.control.max_command_size;
  command_socket_ = std::make_unique<CommandSocket>(
      io_, std::move(socket_options),
      [this](CommandRequest request, CommandSocket::Reply reply) {
        router_->Handle(std::move(request), std::move(reply));
      });
  if (absl::Status s = command_socket_->Listen(); !s.ok()) return s;
  Log("command socket: listening on {}", paths_.command_socket);

  if (config_.control.prometheus.enabled) {
    MetricsServerOptions metrics_options;
    metrics_options.address = config_.control.prometheus.address;
    metrics_options.port = config_.control.prometheus.port;
    metrics_ = std::make_unique<MetricsServer>(io_, std::move(metrics_options), *link_);
    if (absl::Status s = metrics_->Listen(); !s.ok()) return s;
    Log("prometheus: serving /metrics on {}:{}", config_.control.prometheus.address,
        metrics_->port());
  }

  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  WaitForSignal();
  link_->Start();
  return absl::OkStatus();
}

void ControlProcess::WaitForSignal() {
  signals_.async_wait([this](const error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      Log("SIGHUP: fastlease-control reads its config at start only; ignored (reload the "
          "dataplane with config-reload)");
      WaitForSignal();
      return;
    }
    Log("{}: shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    Stop(0);
  });
}

void ControlProcess::Stop(int exit_value) {
  if (stopping_) return;
  stopping_ = true;
  exit_value_ = exit_value;
  error_code ec;
  signals_.cancel(ec);
  if (command_socket_) command_socket_->Close();
  if (metrics_) metrics_->Close();
  if (stream_) stream_->Close();
  if (link_) link_->Close();
  PollStopped(std::chrono::steady_clock::now() + kStopGrace);
}

void ControlProcess::PollStopped(std::chrono::steady_clock::time_point deadline) {
  const bool idle = (!command_socket_ || command_socket_->connections() == 0) &&
                    (!metrics_ || metrics_->connections() == 0);
  if (idle || std::chrono::steady_clock::now() >= deadline) {
    if (!idle) Log("stopping with answers still unsent");
    io_.stop();
    return;
  }
  stop_timer_.expires_after(std::chrono::milliseconds(10));
  stop_timer_.async_wait([this, deadline](const error_code& ec) {
    if (!ec) PollStopped(deadline);
  });
}

nlohmann::json ControlProcess::Status() const {
  nlohmann::json s;
  s["state-dir"] = state_dir_;
  if (command_socket_) {
    s["command-socket"] = {{"path", paths_.command_socket},
                           {"connections", command_socket_->connections()},
                           {"commands", command_socket_->commands()}};
  }
  if (link_) {
    const DataplaneLink::Counters& c = link_->counters();
    s["dataplane-link"] = {{"path", link_->path()},
                           {"state", StateName(link_->state())},
                           {"in-flight", link_->in_flight()},
                           {"connects", c.connects},
                           {"disconnects", c.disconnects},
                           {"commands-sent", c.commands_sent},
                           {"timeouts", c.timeouts},
                           {"rejected", c.rejected},
                           {"late-answers", c.late_answers},
                           {"protocol-errors", c.protocol_errors}};
  }
  if (stream_) {
    const LeaseEventStream::Counters& c = stream_->counters();
    s["lease-events"] = {{"acked-seq", stream_->acked_seq()},
                         {"backlog", stream_->backlog_events()},
                         {"stalled", stream_->stalled()},
                         {"received", c.events},
                         {"gaps", c.gaps},
                         {"resets", c.resets},
                         {"decode-errors", c.decode_errors},
                         {"consumer-errors", c.consumer_errors}};
  }
  if (event_log_) {
    s["lease-event-log"] = {{"path", event_log_->path()},
                            {"cursor", event_log_->cursor()},
                            {"events-written", event_log_->events_written()},
                            {"gaps", event_log_->gaps()},
                            {"duplicates-skipped", event_log_->duplicates_skipped()}};
  }
  s["prometheus"] = {{"enabled", metrics_ != nullptr}};
  if (metrics_) {
    s["prometheus"]["address"] = config_.control.prometheus.address;
    s["prometheus"]["port"] = metrics_->port();
    s["prometheus"]["scrapes"] = metrics_->scrapes();
  }
  return s;
}

}  // namespace fastlease::control
