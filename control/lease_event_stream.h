// LeaseEventStream: takes lease events off the dataplane link and hands them to
// every LeaseEventConsumer, then acknowledges what all of them hold.
//
//   LeaseEventLog log = ...;
//   LeaseEventStream stream(io, {&log},
//       [&](uint64_t seq) { link.SendEventAck(seq); },
//       [&](std::string_view why) { link.Resync(why); });
//   DataplaneLink link(io, options, &stream);
//
// - Hello.resume_seq = min over consumers of cursor() + 1, so a restarted
//   control process neither misses nor duplicates an event in any consumer.
// - Events, gaps and sequence resets reach every consumer in order. When a
//   consumer fails (disk full), the rest waits in a backlog and is offered again
//   every retry_interval; no EventAck goes out meanwhile, so the dataplane stops
//   after link::kEventWindow unacknowledged events: the backlog is bounded by it.
// - EventAck(min cursor) after each delivery that moved it.
// - A batch that does not decode: the good events are delivered, then the link
//   is asked to resync (reconnect), which sends them again from the cursor.
// - HelloAck with last_event_seq below a consumer's cursor (the dataplane's store
//   was replaced, or lost events it had sent under durability none): that
//   consumer gets SequenceReset(last_event_seq) before anything else.
// With no consumers, events are acknowledged as they arrive.
//
// Single-threaded: the io_context's thread. Outlives every run of the io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/dataplane_link.h"
#include "control/lease_event_consumer.h"

namespace fastlease::control {

class LeaseEventStream : public EventSink {
 public:
  using SendAck = std::function<void(uint64_t seq)>;
  using Resync = std::function<void(std::string_view why)>;

  LeaseEventStream(boost::asio::io_context& io, std::vector<LeaseEventConsumer*> consumers,
                   SendAck send_ack, Resync resync,
                   std::chrono::milliseconds retry_interval = std::chrono::seconds(1));

  uint64_t ResumeSeq() override;
  void OnHelloAck(const link::HelloAck& ack) override;
  void OnLeaseEvents(std::string_view batch) override;
  void OnEventGap(const link::EventGap& gap) override;
  void OnDisconnected() override;

  // Stops retrying; the backlog is dropped (it comes again after a restart).
  void Close();

  uint64_t acked_seq() const { return acked_; }
  size_t backlog_events() const { return backlog_events_; }
  bool stalled() const { return stalled_; }

  struct Counters {
    uint64_t events = 0;          // decoded off the link
    uint64_t batches = 0;
    uint64_t gaps = 0;
    uint64_t resets = 0;
    uint64_t decode_errors = 0;
    uint64_t consumer_errors = 0;  // failed deliveries (each retried)
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Item {
    enum class Kind : uint8_t { kEvents, kGap, kReset } kind = Kind::kEvents;
    std::vector<leasedb::LeaseEvent> events;
    link::EventGap gap;
    uint64_t reset_to = 0;
  };

  uint64_t MinCursor() const;
  void Drain();
  void MaybeAck();

  boost::asio::steady_timer retry_timer_;
  std::vector<LeaseEventConsumer*> consumers_;
  SendAck send_ack_;
  Resync resync_;
  std::chrono::milliseconds retry_interval_;
  std::deque<Item> backlog_;
  size_t backlog_events_ = 0;
  bool stalled_ = false;
  bool closed_ = false;
  uint64_t acked_ = 0;
  uint64_t received_ = 0;  // highest seq seen (the cursor when there are no consumers)
  Counters counters_;
};

}  // namespace fastlease::control
