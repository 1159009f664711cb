// LeaseEventConsumer: something that takes the lease event stream durably — the
// lease event log today; HA, DDNS, RADIUS accounting and the exporters later.
//
// The stream (LeaseEventStream) hands every consumer the same events in seq
// order, with gaps and sequence resets in their place. Delivery is at least
// once: after a reconnect a consumer sees again events it may already hold, so
// it skips every seq <= cursor(). The dataplane is acknowledged up to the
// smallest cursor() of all consumers, and a new connection resumes there.
//
// Called on the io_context's thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "control/link/link_protocol.h"
#include "leasedb/lease_event.h"

namespace fastlease::control {

class LeaseEventConsumer {
 public:
  virtual ~LeaseEventConsumer() = default;

  virtual std::string_view name() const = 0;

  // The highest seq consumed durably (0: none). Never goes back except by
  // SequenceReset.
  virtual uint64_t cursor() const = 0;

  // Consumes `events` (seq ascending; those <= cursor() are skipped). On error
  // cursor() says how far it got; the stream offers the rest again later.
  [[nodiscard]] virtual absl::Status Consume(std::span<const leasedb::LeaseEvent> events) = 0;

  // Events gap.first..gap.last are gone (trimmed by the dataplane's retention).
  // Afterwards cursor() >= gap.last. A gap wholly <= cursor() is skipped.
  [[nodiscard]] virtual absl::Status Gap(const link::EventGap& gap) = 0;

  // The dataplane's newest event is `dataplane_last_seq`, below cursor(): its
  // lease store was replaced or lost events it had sent (durability none). The
  // numbers above it will be reused; afterwards cursor() == dataplane_last_seq.
  [[nodiscard]] virtual absl::Status SequenceReset(uint64_t dataplane_last_seq) = 0;
};

}  // namespace fastlease::control
