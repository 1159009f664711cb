#include "control/dataplane_link.h"

#include <sys/socket.h>

#include <utility>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>

#include "control/command.h"
#include "control/log.h"

namespace fastlease::control {

namespace asio = boost::asio;
using boost::system::error_code;

struct DataplaneLink::Pending {
  explicit Pending(asio::io_context& io) : timer(io) {}
  AnswerCallback done;
  asio::steady_timer timer;
};

DataplaneLink::DataplaneLink(asio::io_context& io, DataplaneLinkOptions options, EventSink* sink)
    : io_(io),
      options_(std::move(options)),
      sink_(sink),
      socket_(io),
      reconnect_timer_(io),
      rx_(link::kMaxFrameSize) {}

DataplaneLink::~DataplaneLink() {
  // Pending callbacks are dropped uncalled: their owners may be gone too.
  state_ = State::kClosed;
  ++generation_;
}

void DataplaneLink::Start() {
  if (state_ != State::kDisconnected) return;
  Connect();
}

void DataplaneLink::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ++generation_;
  error_code ec;
  socket_.close(ec);
  reconnect_timer_.cancel();
  writer_.Take();
  writer_bytes_ = 0;
  tx_.clear();
  tx_bytes_ = 0;
  sending_ = false;
  hello_ack_.reset();
  FailAll(AnswerText(kResultError, "fastlease-control is shutting down"));
}

void DataplaneLink::LogProblem(const std::string& text) {
  if (text == last_problem_) return;
  last_problem_ = text;
  Log("dataplane link: {}", text);
}

void DataplaneLink::Connect() {
  if (state_ == State::kClosed) return;
  state_ = State::kConnecting;
  const uint64_t gen = ++generation_;
  Protocol::endpoint endpoint;
  try {
    endpoint = Protocol::endpoint(asio::local::stream_protocol::endpoint(options_.path));
  } catch (const boost::system::system_error& e) {
    LogProblem(fmt::format("cannot connect to {}: {}", options_.path, e.code().message()));
    state_ = State::kDisconnected;
    ScheduleReconnect(options_.reconnect_interval);
    return;
  }
  error_code ec;
  socket_.close(ec);
  socket_.async_connect(endpoint, [this, gen](const error_code& ec) {
    if (gen != generation_ || state_ == State::kClosed) return;
    if (ec) {
      error_code ignored;
      socket_.close(ignored);
      state_ = State::kDisconnected;
      LogProblem(fmt::format("cannot connect to {}: {}; retrying every {} ms", options_.path,
                             ec.message(), options_.reconnect_interval.count()));
      ScheduleReconnect(options_.reconnect_interval);
      return;
    }
    OnConnected();
  });
}

void DataplaneLink::OnConnected() {
  state_ = State::kHandshake;
  reader_.Reset();
  refusal_.clear();
  send_failed_ = false;
  reset_seen_ = false;
  link::Hello hello;
  hello.resume_seq = sink_ != nullptr ? sink_->ResumeSeq() : 1;
  Enqueue(link::MessageType::kHello, 0, link::EncodeHello(hello));
  Flush();
  Receive();
}

void DataplaneLink::ScheduleReconnect(std::chrono::milliseconds delay) {
  if (state_ == State::kClosed) return;
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([this](const error_code& ec) {
    if (ec || state_ != State::kDisconnected) return;
    Connect();
  });
}

void DataplaneLink::Disconnect(std::string_view why, bool reconnect_now) {
  if (!connected()) return;
  const bool was_ready = state_ == State::kReady;
  ++generation_;
  error_code ec;
  socket_.close(ec);
  reconnect_timer_.cancel();
  state_ = State::kDisconnected;
  hello_ack_.reset();
  writer_.Take();
  writer_bytes_ = 0;
  tx_.clear();
  tx_bytes_ = 0;
  sending_ = false;
  ++counters_.disconnects;
  if (was_ready) {
    Log("dataplane link: disconnected from {} ({})", options_.path, why);
    last_problem_.clear();
  } else if (!refusal_.empty()) {
    // Said once, not every reconnect_interval while the other process stays.
    LogProblem(fmt::format("{} refused us: {}; retrying every {} ms", options_.path, refusal_,
                           options_.reconnect_interval.count()));
  } else {
    LogProblem(fmt::format("{} closed the connection during the handshake ({}); retrying every "
                           "{} ms",
                           options_.path, why, options_.reconnect_interval.count()));
  }
  if (sink_ != nullptr) sink_->OnDisconnected();
  FailAll(AnswerText(kResultError, fmt::format("the dataplane link closed before the answer ({})",
                                               options_.path)));
  ScheduleReconnect(reconnect_now ? std::chrono::milliseconds(0) : options_.reconnect_interval);
}

void DataplaneLink::Resync(std::string_view why) { Disconnect(why, /*reconnect_now=*/true); }

void DataplaneLink::Receive() {
  const uint64_t gen = generation_;
  socket_.async_receive(
      asio::buffer(rx_), 0, rx_flags_, [this, gen](const error_code& ec, size_t n) {
        if (gen != generation_ || state_ == State::kClosed) return;
        if (ec == asio::error::eof || (!ec && n == 0)) {
          Disconnect("closed by the dataplane");
          return;
        }
        if (ec == asio::error::connection_reset && !reset_seen_) {
          reset_seen_ = true;
          Receive();
          return;
        }
        if (ec) {
          Disconnect(ec.message());
          return;
        }
        if (rx_flags_ & MSG_TRUNC) {
          ++counters_.protocol_errors;
          Disconnect("protocol error: a frame larger than the link allows");
          return;
        }
        const link::FrameError e =
            reader_.Feed({rx_.data(), n}, [this, gen](link::Message&& m) {
              if (gen == generation_) Handle(std::move(m));
            });
        if (gen != generation_) return;  // a message ended the connection
        if (e != link::FrameError::kNone) {
          ++counters_.protocol_errors;
          Disconnect(fmt::format("protocol error: {}", link::FrameErrorName(e)));
          return;
        }
        Receive();
      });
}

void DataplaneLink::Handle(link::Message&& m) {
  switch (m.type) {
    case link::MessageType::kHelloAck: {
      link::HelloAck ack;
      if (!link::DecodeHelloAck(m.payload, ack) || ack.version != link::kVersion) {
        ++counters_.protocol_errors;
        Disconnect("protocol error: a HelloAck this version cannot read");
        return;
      }
      state_ = State::kReady;
      hello_ack_ = ack;
      ++counters_.connects;
      last_problem_.clear();
      Log("dataplane link: connected to {} (dataplane pid {}, lease events {}..{})", options_.path,
          ack.pid, ack.first_event_seq, ack.last_event_seq);
      if (sink_ != nullptr) sink_->OnHelloAck(ack);
      return;
    }
    case link::MessageType::kAnswer:
      HandleAnswer(std::move(m));
      return;
    case link::MessageType::kLeaseEvents:
      if (sink_ != nullptr) sink_->OnLeaseEvents(m.payload);
      return;
    case link::MessageType::kEventGap: {
      link::EventGap gap;
      if (!link::DecodeEventGap(m.payload, gap)) {
        ++counters_.protocol_errors;
        Disconnect("protocol error: a malformed EventGap");
        return;
      }
      if (sink_ != nullptr) sink_->OnEventGap(gap);
      return;
    }
    case link::MessageType::kPunt:
      return;  // no consumer of punted packets yet
    case link::MessageType::kHello:
    case link::MessageType::kCommand:
    case link::MessageType::kEventAck:
    case link::MessageType::kInject:
      break;
  }
  ++counters_.protocol_errors;
  Disconnect(fmt::format("protocol error: unexpected {} from the dataplane",
                         link::MessageTypeName(m.type)));
}

void DataplaneLink::HandleAnswer(link::Message&& m) {
  if (pending_.count(m.id) != 0) {
    ++counters_.answers;
    Finish(m.id, std::move(m.payload));
    return;
  }
  if (m.id == 0) {
    // Unsolicited: e.g. "another control process is connected to this dataplane",
    // followed by the dataplane closing the connection.
    std::string text = m.payload;
    nlohmann::json j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.contains("text") && j["text"].is_string()) text = j["text"];
    if (state_ == State::kHandshake) {
      refusal_ = std::move(text);
    } else {
      Log("dataplane link: the dataplane says: {}", text);
    }
    return;
  }
  ++counters_.late_answers;
}

void DataplaneLink::Forward(std::string request_json, AnswerCallback done) {
  if (!connected()) {
    ++counters_.rejected;
    Reject(std::move(done), AnswerText(kResultError, fmt::format("the dataplane is not connected ({})",
                                                                 options_.path)));
    return;
  }
  if (pending_.size() >= options_.max_in_flight ||
      writer_bytes_ + tx_bytes_ + request_json.size() > options_.max_queued_bytes) {
    ++counters_.rejected;
    Reject(std::move(done), AnswerText(kResultError, "too many commands in flight"));
    return;
  }
  const uint64_t id = next_id_++;
  auto pending = std::make_unique<Pending>(io_);
  pending->done = std::move(done);
  pending->timer.expires_after(options_.command_timeout);
  pending->timer.async_wait([this, id](const error_code& ec) {
    if (ec || pending_.count(id) == 0) return;
    ++counters_.timeouts;
    Finish(id, AnswerText(kResultError, fmt::format("the dataplane did not answer within {} ms",
                                                    options_.command_timeout.count())));
  });
  pending_.emplace(id, std::move(pending));
  Enqueue(link::MessageType::kCommand, id, request_json);
  ++counters_.commands_sent;
}

void DataplaneLink::SendEventAck(uint64_t seq) {
  if (!connected()) return;
  Enqueue(link::MessageType::kEventAck, 0, link::EncodeU64(seq));
}

void DataplaneLink::Finish(uint64_t id, std::string answer) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  std::unique_ptr<Pending> p = std::move(it->second);
  pending_.erase(it);
  p->timer.cancel();
  p->done(std::move(answer));
}

void DataplaneLink::FailAll(const std::string& answer) {
  std::map<uint64_t, std::unique_ptr<Pending>> failed;
  failed.swap(pending_);
  for (auto& [id, p] : failed) {
    p->timer.cancel();
    p->done(answer);
  }
}

void DataplaneLink::Reject(AnswerCallback done, std::string answer) {
  asio::post(io_, [done = std::move(done), answer = std::move(answer)]() mutable {
    done(std::move(answer));
  });
}

void DataplaneLink::Enqueue(link::MessageType type, uint64_t id, std::string_view payload) {
  writer_.Add(type, id, payload);
  writer_bytes_ += link::kMessageHeaderSize + payload.size();
  if (flush_posted_) return;
  flush_posted_ = true;
  const uint64_t gen = generation_;
  asio::post(io_, [this, gen] {
    flush_posted_ = false;
    if (gen == generation_) Flush();
  });
}

void DataplaneLink::Flush() {
  for (std::string& frame : writer_.Take()) {
    tx_bytes_ += frame.size();
    tx_.push_back(std::move(frame));
  }
  writer_bytes_ = 0;
  if (!sending_) Send();
}

void DataplaneLink::Send() {
  if (send_failed_) {
    tx_.clear();
    tx_bytes_ = 0;
  }
  if (tx_.empty()) {
    sending_ = false;
    return;
  }
  sending_ = true;
  const uint64_t gen = generation_;
  socket_.async_send(asio::buffer(tx_.front()), 0, [this, gen](const error_code& ec, size_t) {
    if (gen != generation_ || state_ == State::kClosed) return;
    if (ec) {
      // The peer closed: let the receive side read what it said first (a
      // refusal), then see the end; disconnect here only if it does not.
      send_failed_ = true;
      sending_ = false;
      tx_.clear();
      tx_bytes_ = 0;
      const std::string why = ec.message();
      reconnect_timer_.expires_after(std::chrono::milliseconds(100));
      reconnect_timer_.async_wait([this, gen, why](const error_code& e) {
        if (!e && gen == generation_) Disconnect(why);
      });
      return;
    }
    tx_bytes_ -= tx_.front().size();
    tx_.pop_front();
    Send();
  });
}

}  // namespace fastlease::control
