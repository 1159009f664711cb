#include "control/command_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "absl/strings/str_cat.h"
#include "control/internal/request_scan.h"
#include "control/log.h"

namespace fastlease::control {

namespace asio = boost::asio;
using boost::system::error_code;
using Local = asio::local::stream_protocol;

class CommandSocket::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(CommandSocket& owner, Local::socket socket)
      : owner_(owner), socket_(std::move(socket)), timer_(owner.io_) {}

  void Start() {
    ArmTimer();
    Read();
  }

  // Refuses the connection at once with `answer`.
  void Refuse(std::string answer) { Answer(std::move(answer)); }

  // Close(): a connection still reading is dropped; others finish.
  void Abandon() {
    if (state_ != State::kReading) return;
    Shut();
  }

 private:
  // kDraining: the answer is written and our side shut for sending; what the
  // client still sends is read and discarded until its EOF (or kDrainTimeout),
  // so that closing with unread input does not reset the connection and lose
  // the answer (a too-large request answered before it was all sent).
  enum class State : uint8_t { kReading, kHandling, kWriting, kDraining, kDone };
  static constexpr std::chrono::milliseconds kDrainTimeout{2000};

  void ArmTimer() {
    timer_.expires_after(owner_.options_.idle_timeout);
    timer_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (ec) return;
      if (self->state_ == State::kReading) {
        self->OnTimeout();
      } else if (self->state_ == State::kWriting || self->state_ == State::kDraining) {
        self->Shut();  // the client does not read its answer, or keeps sending
      }
    });
  }

  void Read() {
    reading_ = true;
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(const error_code& ec, size_t n) {
    reading_ = false;
    if (state_ == State::kDraining) {  // a read from before the answer (timeout path)
      if (ec) {
        Shut();
      } else {
        Drain();
      }
      return;
    }
    if (state_ != State::kReading) return;
    if (n > 0) {
      if (buffer_.size() + n > owner_.options_.max_command_size) {
        Answer(AnswerText(kResultError, fmt::format("command too large: more than {} bytes",
                                                    owner_.options_.max_command_size)));
        return;
      }
      buffer_.append(chunk_.data(), n);
    }
    const bool eof = ec == asio::error::eof;
    if (eof) peer_eof_ = true;
    if (ec && !eof) {
      Shut();
      return;
    }
    Scan(eof);
    if (state_ == State::kReading) {
      if (eof) {
        Shut();
      } else {
        Read();
      }
    }
  }

  void OnTimeout() {
    internal::ScanResult r = internal::ScanRequest(buffer_, /*at_eof=*/true);
    if (r.state == internal::ScanState::kEmpty) {
      Shut();
      return;
    }
    if (r.state == internal::ScanState::kComplete) {
      Dispatch(std::move(r.json));
      return;
    }
    Answer(AnswerText(kResultError,
                      fmt::format("no complete command within {} ms: {}",
                                  owner_.options_.idle_timeout.count(), r.error)));
  }

  void Scan(bool eof) {
    internal::ScanResult r = internal::ScanRequest(buffer_, eof);
    switch (r.state) {
      case internal::ScanState::kIncomplete:
        return;
      case internal::ScanState::kEmpty:
        Shut();
        return;
      case internal::ScanState::kMalformed:
        Answer(AnswerText(kResultError, r.error));
        return;
      case internal::ScanState::kComplete:
        Dispatch(std::move(r.json));
        return;
    }
  }

  void Dispatch(nlohmann::json json) {
    absl::StatusOr<CommandRequest> request = ParseCommandRequest(json, std::move(buffer_));
    buffer_.clear();
    if (!request.ok()) {
      Answer(AnswerText(kResultError, std::string(request.status().message())));
      return;
    }
    state_ = State::kHandling;
    timer_.cancel();
    ++owner_.commands_;
    // The reply holds the connection: it stays open until its answer is written.
    owner_.handler_(*std::move(request),
                    [self = shared_from_this()](std::string answer) {
                      if (self->state_ == State::kHandling) self->Answer(std::move(answer));
                    });
  }

  void Answer(std::string answer) {
    state_ = State::kWriting;
    answer_ = std::move(answer);
    ArmTimer();
    asio::async_write(socket_, asio::buffer(answer_),
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        if (ec || self->peer_eof_) {
                          self->Shut();
                          return;
                        }
                        self->StartDraining();
                      });
  }

  void StartDraining() {
    state_ = State::kDraining;
    error_code ec;
    socket_.shutdown(Local::socket::shutdown_send, ec);
    timer_.expires_after(kDrainTimeout);
    timer_.async_wait([self = shared_from_this()](const error_code& e) {
      if (!e && self->state_ == State::kDraining) self->Shut();
    });
    if (!reading_) Drain();  // else the read in progress continues the draining
  }

  void Drain() {
    reading_ = true;
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const error_code& ec, size_t) {
      self->reading_ = false;
      if (self->state_ != State::kDraining) return;
      if (ec) {
        self->Shut();  // EOF (or the client gone): now it can close cleanly
      } else {
        self->Drain();
      }
    });
  }

  void Shut() {
    if (state_ == State::kDone) return;
    state_ = State::kDone;
    timer_.cancel();
    error_code ec;
    socket_.shutdown(Local::socket::shutdown_both, ec);
    socket_.close(ec);
    owner_.connections_.erase(shared_from_this());
  }

  CommandSocket& owner_;
  Local::socket socket_;
  asio::steady_timer timer_;
  State state_ = State::kReading;
  std::array<char, 65536> chunk_;
  std::string buffer_;
  std::string answer_;
  bool peer_eof_ = false;  // the client shut its sending side
  bool reading_ = false;   // an async_read_some is in progress (at most one)
};

CommandSocket::CommandSocket(asio::io_context& io, CommandSocketOptions options, Handler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)), acceptor_(io) {}

CommandSocket::~CommandSocket() {
  if (listening_) unlink(options_.path.c_str());
}

absl::Status CommandSocket::Listen() {
  const std::string& path = options_.path;
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(
        fmt::format("the command socket path {} is too long ({} bytes, at most {})", path,
                    path.size(), sizeof(sockaddr_un{}.sun_path) - 1));
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::FailedPreconditionError(
          fmt::format("{} exists and is not a socket; not replacing it", path));
    }
    Local::socket probe(io_);
    error_code ec;
    probe.connect(Local::endpoint(path), ec);
    if (!ec) {
      return absl::FailedPreconditionError(
          fmt::format("another process accepts commands on {}", path));
    }
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return absl::ErrnoToStatus(errno, fmt::format("cannot remove the stale socket {}", path));
    }
    Log("command socket: replaced a stale socket file at {}", path);
  }
  error_code ec;
  acceptor_.open(Local(), ec);
  if (!ec) {
    // Never group- or world-writable in between bind and chmod.
    const mode_t old_mask = umask(0117);
    acceptor_.bind(Local::endpoint(path), ec);
    umask(old_mask);
  }
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return absl::UnavailableError(
        fmt::format("cannot listen on the command socket {}: {}", path, ec.message()));
  }
  listening_ = true;
  if (chmod(path.c_str(), 0660) != 0) {
    return absl::ErrnoToStatus(errno, fmt::format("cannot chmod 0660 {}", path));
  }
  Accept();
  return absl::OkStatus();
}

void CommandSocket::Accept() {
  acceptor_.async_accept([this](const error_code& ec, Local::socket socket) {
    if (!listening_) return;
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        Log("command socket: accept: {}", ec.message());
      }
      // EMFILE and the like: try again, not in a tight loop.
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const error_code& e) {
        if (!e && listening_) Accept();
      });
      return;
    }
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    connections_.insert(connection);
    if (connections_.size() > options_.max_connections) {
      connection->Refuse(AnswerText(kResultError, "too many connections"));
    } else {
      connection->Start();
    }
    Accept();
  });
}

void CommandSocket::Close() {
  if (listening_) {
    listening_ = false;
    error_code ec;
    acceptor_.close(ec);
    unlink(options_.path.c_str());
  }
  // Copy: Abandon() erases from the set.
  std::set<std::shared_ptr<Connection>> open = connections_;
  for (const std::shared_ptr<Connection>& c : open) c->Abandon();
}

}  // namespace fastlease::control
