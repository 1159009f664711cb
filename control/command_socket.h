// CommandSocket: the control channel — a Unix stream socket where a client
// writes one JSON command and reads one JSON answer (Kea's protocol).
//
//   CommandSocket socket(io, {.path = "/var/lib/fastlease/control.sock",
//                             .max_command_size = 4 << 20},
//                        [&](CommandRequest r, CommandSocket::Reply reply) {
//                          reply(AnswerText(0, "ok"));
//                        });
//   absl::Status s = socket.Listen();
//
// Per connection: bytes are read until they hold one complete JSON value
// (tried when the text ends with '}' or the client shuts down its side),
// then the request's shape is checked and the handler called; its answer is
// written and the connection closed. Answered here, with result 1 and the
// connection closed afterwards:
//   - more than max_command_size bytes: "command too large: more than N bytes";
//   - not JSON: the parser's message;
//   - not an object, no `command` string, `arguments` not an object;
//   - nothing complete within idle_timeout: "no complete command within N ms".
// An answer given before the client finished sending (too large, malformed
// early) is followed by reading and discarding the rest until the client's EOF
// (at most 2 s), so the answer is not lost to a connection reset.
// A client that closes without sending anything gets nothing. Beyond
// max_connections open connections a new one is answered result 1 "too many
// connections" and closed.
//
// Listen() replaces a stale socket file (one nobody accepts on), refuses to
// take over a live one or any other kind of file, and creates the socket with
// mode 0660. Close() stops accepting, removes the socket file and drops
// connections still reading; answers already being prepared are still written.
//
// Single-threaded: the io_context's thread. Outlives every run of the io_context.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "absl/status/status.h"
#include "control/command.h"

namespace fastlease::control {

struct CommandSocketOptions {
  std::string path;
  size_t max_command_size = 4194304;
  std::chrono::milliseconds idle_timeout{10000};
  size_t max_connections = 128;
};

class CommandSocket {
 public:
  // Sends the answer (JSON text) and closes the connection. Call it once; it
  // may be called after the connection is gone (the answer is then dropped).
  using Reply = std::function<void(std::string answer_json)>;
  using Handler = std::function<void(CommandRequest request, Reply reply)>;

  CommandSocket(boost::asio::io_context& io, CommandSocketOptions options, Handler handler);
  ~CommandSocket();
  CommandSocket(const CommandSocket&) = delete;
  CommandSocket& operator=(const CommandSocket&) = delete;

  [[nodiscard]] absl::Status Listen();
  void Close();

  const std::string& path() const { return options_.path; }
  // Connections open now (reading, waiting for their answer, or writing it).
  size_t connections() const { return connections_.size(); }
  uint64_t commands() const { return commands_; }

 private:
  class Connection;
  void Accept();

  boost::asio::io_context& io_;
  CommandSocketOptions options_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  bool listening_ = false;
  std::set<std::shared_ptr<Connection>> connections_;
  uint64_t commands_ = 0;
};

}  // namespace fastlease::control
