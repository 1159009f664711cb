#include "control/lease_event_stream.h"

#include <algorithm>
#include <utility>

#include "control/log.h"

namespace fastlease::control {

LeaseEventStream::LeaseEventStream(boost::asio::io_context& io,
                                   std::vector<LeaseEventConsumer*> consumers, SendAck send_ack,
                                   Resync resync, std::chrono::milliseconds retry_interval)
    : retry_timer_(io),
      consumers_(std::move(consumers)),
      send_ack_(std::move(send_ack)),
      resync_(std::move(resync)),
      retry_interval_(retry_interval) {}

uint64_t LeaseEventStream::MinCursor() const {
  if (consumers_.empty()) return received_;
  uint64_t min = UINT64_MAX;
  for (const LeaseEventConsumer* c : consumers_) min = std::min(min, c->cursor());
  return min;
}

uint64_t LeaseEventStream::ResumeSeq() { return MinCursor() + 1; }

void LeaseEventStream::OnHelloAck(const link::HelloAck& ack) {
  backlog_.clear();
  backlog_events_ = 0;
  acked_ = MinCursor();
  if (consumers_.empty()) acked_ = received_ = std::max(received_, ack.first_event_seq - 1);
  for (const LeaseEventConsumer* c : consumers_) {
    if (c->cursor() > ack.last_event_seq) {
      Log("lease events: the dataplane's newest event is {}, but {} holds events up to {}: the "
          "dataplane's lease store was replaced or lost events; numbering restarts after {}",
          ack.last_event_seq, c->name(), c->cursor(), ack.last_event_seq);
      Item reset;
      reset.kind = Item::Kind::kReset;
      reset.reset_to = ack.last_event_seq;
      backlog_.push_back(std::move(reset));
      ++counters_.resets;
      break;
    }
  }
  if (!stalled_) Drain();
}

void LeaseEventStream::OnLeaseEvents(std::string_view batch) {
  if (closed_) return;
  Item item;
  const bool ok = leasedb::ForEachLeaseEvent(
      {reinterpret_cast<const uint8_t*>(batch.data()), batch.size()},
      [&](const leasedb::LeaseEvent& e) { item.events.push_back(e); });
  ++counters_.batches;
  counters_.events += item.events.size();
  if (!item.events.empty()) {
    received_ = std::max(received_, item.events.back().seq);
    backlog_events_ += item.events.size();
    backlog_.push_back(std::move(item));
  }
  if (!stalled_) Drain();
  if (!ok) {
    ++counters_.decode_errors;
    Log("lease events: a batch from the dataplane does not decode; reconnecting to get it again");
    resync_("undecodable lease event batch");
    return;
  }
  // The dataplane keeps at most kEventWindow unacknowledged: more is a broken peer.
  if (backlog_events_ > 2 * link::kEventWindow) {
    Log("lease events: {} events waiting, more than the link's window; reconnecting",
        backlog_events_);
    resync_("lease event backlog over the window");
  }
}

void LeaseEventStream::OnEventGap(const link::EventGap& gap) {
  if (closed_) return;
  ++counters_.gaps;
  Log("lease events: the dataplane no longer holds events {}..{} (retention); they are missing",
      gap.first, gap.last);
  Item item;
  item.kind = Item::Kind::kGap;
  item.gap = gap;
  received_ = std::max(received_, gap.last);
  backlog_.push_back(std::move(item));
  if (!stalled_) Drain();
}

void LeaseEventStream::OnDisconnected() {
  // What was not consumed comes again after the next Hello.
  backlog_.clear();
  backlog_events_ = 0;
  stalled_ = false;
  retry_timer_.cancel();
}

void LeaseEventStream::Close() {
  closed_ = true;
  OnDisconnected();
}

void LeaseEventStream::Drain() {
  while (!backlog_.empty()) {
    const Item& item = backlog_.front();
    for (LeaseEventConsumer* c : consumers_) {
      absl::Status s;
      switch (item.kind) {
        case Item::Kind::kEvents: s = c->Consume(item.events); break;
        case Item::Kind::kGap: s = c->Gap(item.gap); break;
        case Item::Kind::kReset: s = c->SequenceReset(item.reset_to); break;
      }
      if (!s.ok()) {
        ++counters_.consumer_errors;
        if (!stalled_) {
          Log("lease events: {} failed: {}; {} events wait, retrying every {} ms", c->name(),
              std::string(s.message()), backlog_events_, retry_interval_.count());
        }
        stalled_ = true;
        MaybeAck();
        retry_timer_.expires_after(retry_interval_);
        retry_timer_.async_wait([this](const boost::system::error_code& ec) {
          if (!ec && !closed_ && stalled_) Drain();
        });
        return;
      }
    }
    if (item.kind == Item::Kind::kEvents) backlog_events_ -= item.events.size();
    backlog_.pop_front();
  }
  if (stalled_) Log("lease events: delivery resumed");
  stalled_ = false;
  MaybeAck();
}

void LeaseEventStream::MaybeAck() {
  const uint64_t cursor = MinCursor();
  if (cursor <= acked_) return;
  acked_ = cursor;
  send_ack_(cursor);
}

}  // namespace fastlease::control
