// DataplaneLink: fastlease-control's end of the dataplane link
// (control/link/link_protocol.h), a Unix SOCK_SEQPACKET client.
//
//   DataplaneLink link(io, {.path = "/var/lib/fastlease/dataplane.sock"}, &event_stream);
//   link.Start();                               // connects, and reconnects forever
//   link.Forward(R"({"command": "lease4-get-all"})", [](std::string answer) { ... });
//
// Connection: connect; send Hello{resume_seq from the EventSink} as the first
// message; the dataplane answers HelloAck. When the connect is refused, or the
// connection closes or breaks the protocol, it tries again every
// reconnect_interval. A dataplane that already serves another control process
// answers id 0 with an error and closes; that text is logged. Problems that
// repeat on every attempt are logged once until a connection succeeds.
//
// Commands: each gets the next id (from 1); its answer is matched by id. Bounds:
//   - more than max_in_flight unanswered commands, or more than
//     max_queued_bytes of frames not yet taken by the socket: the new command is
//     answered result 1 "too many commands in flight" at once;
//   - no answer within command_timeout: result 1 "the dataplane did not answer
//     within N ms" (a late answer is dropped);
//   - while disconnected: result 1 "the dataplane is not connected (<path>)";
//   - on disconnect every unanswered command gets result 1 "the dataplane link
//     closed before the answer (<path>)".
// Lease events and gaps go to the EventSink; EventAck goes out via SendEventAck.
//
// Single-threaded: every method runs on the io_context's thread, and the object
// must outlive every run of the io_context after Start() unless Close() was
// called and the io_context ran out of its handlers.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/generic/seq_packet_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/command_forwarder.h"
#include "control/link/link_protocol.h"

namespace fastlease::control {

// What the link tells the lease event side. Called on the io_context's thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Hello.resume_seq for a new connection: the first event still needed.
  virtual uint64_t ResumeSeq() = 0;
  virtual void OnHelloAck(const link::HelloAck& ack) = 0;
  // One LeaseEvents payload (leasedb::AppendLeaseEvent batch), seq ascending.
  virtual void OnLeaseEvents(std::string_view batch) = 0;
  virtual void OnEventGap(const link::EventGap& gap) = 0;
  virtual void OnDisconnected() = 0;
};

struct DataplaneLinkOptions {
  std::string path;  // the dataplane's socket (Dataplane/control-link, resolved)
  std::chrono::milliseconds command_timeout{30000};
  std::chrono::milliseconds reconnect_interval{500};
  size_t max_in_flight = 1024;
  size_t max_queued_bytes = size_t{64} << 20;
};

class DataplaneLink : public CommandForwarder {
 public:
  enum class State : uint8_t {
    kDisconnected,  // waiting to (re)connect
    kConnecting,    // connect() in progress
    kHandshake,     // connected, Hello sent, no HelloAck yet
    kReady,         // HelloAck received
    kClosed,        // Close() was called
  };

  // `sink` may be null (no lease event consumers); it must outlive the link.
  DataplaneLink(boost::asio::io_context& io, DataplaneLinkOptions options, EventSink* sink);
  ~DataplaneLink() override;
  DataplaneLink(const DataplaneLink&) = delete;
  DataplaneLink& operator=(const DataplaneLink&) = delete;

  void Start();
  // Closes the connection, answers pending commands ("fastlease-control is
  // shutting down") and stops reconnecting. Idempotent.
  void Close();

  void Forward(std::string request_json, AnswerCallback done) override;
  // Connected (handshake or ready): commands are sent, answers awaited.
  bool connected() const override {
    return state_ == State::kHandshake || state_ == State::kReady;
  }

  // Tells the dataplane that every lease event <= seq is consumed durably.
  // Dropped when not connected (the next Hello carries the cursor instead).
  void SendEventAck(uint64_t seq);
  // Drops the connection and connects again at once (a new Hello).
  void Resync(std::string_view why);

  State state() const { return state_; }
  const std::string& path() const { return options_.path; }
  // The last HelloAck, while connected.
  const std::optional<link::HelloAck>& hello_ack() const { return hello_ack_; }
  size_t in_flight() const { return pending_.size(); }

  struct Counters {
    uint64_t connects = 0;         // connections that got a HelloAck
    uint64_t disconnects = 0;      // connections lost after connect()
    uint64_t commands_sent = 0;
    uint64_t answers = 0;          // matched to a pending command
    uint64_t late_answers = 0;     // no pending command with that id (timed out)
    uint64_t timeouts = 0;
    uint64_t rejected = 0;         // not connected or too many in flight
    uint64_t protocol_errors = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  using Protocol = boost::asio::generic::seq_packet_protocol;
  struct Pending;

  void Connect();
  void OnConnected();
  void Disconnect(std::string_view why, bool reconnect_now = false);
  void ScheduleReconnect(std::chrono::milliseconds delay);
  void Receive();
  void Handle(link::Message&& m);
  void HandleAnswer(link::Message&& m);
  void Enqueue(link::MessageType type, uint64_t id, std::string_view payload);
  void Flush();
  void Send();
  void Finish(uint64_t id, std::string answer);
  void FailAll(const std::string& answer);
  void Reject(AnswerCallback done, std::string answer);
  // Logs `text` unless it repeats the previous connection problem (a dataplane
  // that is away is reported once, not every reconnect_interval).
  void LogProblem(const std::string& text);

  boost::asio::io_context& io_;
  DataplaneLinkOptions options_;
  EventSink* sink_;
  State state_ = State::kDisconnected;
  uint64_t generation_ = 0;  // bumped per connection; stale handlers compare it
  Protocol::socket socket_;
  boost::asio::steady_timer reconnect_timer_;
  std::vector<uint8_t> rx_;
  boost::asio::socket_base::message_flags rx_flags_ = 0;
  link::FrameReader reader_;
  link::FrameWriter writer_;       // messages of this loop turn, batched
  bool flush_posted_ = false;
  size_t writer_bytes_ = 0;        // about what writer_ holds
  std::deque<std::string> tx_;     // frames waiting for the socket
  size_t tx_bytes_ = 0;
  bool sending_ = false;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Pending>> pending_;
  std::optional<link::HelloAck> hello_ack_;
  bool send_failed_ = false;  // the peer is gone; waiting for the receive side to see it
  // A SOCK_SEQPACKET peer that closes with our frames unread makes the next
  // recv report ECONNRESET before the frames it sent us (a refusal); that
  // error is reported once, so we read on once to get them, then the end.
  bool reset_seen_ = false;
  std::string refusal_;       // an id-0 answer during the handshake
  std::string last_problem_;
  Counters counters_;
};

}  // namespace fastlease::control
