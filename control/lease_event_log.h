// LeaseEventLog: the lease event stream as a file of JSON lines, fsynced per
// batch — the forensic record of who held which address when (Kea's legal log).
//
//   {"seq":17,"time":1764000000,"event":"created","prev-state":"free","lease":{...}}
//   {"gap":{"first":18,"last":95}}            events the dataplane no longer had
//   {"sequence-reset":{"log-seq":120,"dataplane-seq":40}}   numbering restarted
//
// `lease` is Kea's lease shape (lease_json.h); `event` is a
// leasedb::LeaseEventKind name, `prev-state` a leasedb::LeaseState name.
//
// The file is its own cursor: Open() reads the last line (an event's seq, a gap's
// last, a reset's dataplane-seq) after cutting off a torn last line a crash left.
// A batch is appended with write() and fdatasync(); if either fails the file is
// truncated back to where the batch began and the cursor stays, so the batch is
// offered again whole. Hence after any crash each event is in the file exactly
// once: those fsynced stay, and the stream resumes after the last of them.
//
// Rotation: rename the file only while fastlease-control is stopped, and start
// the new file with the old one's last line; otherwise the new file starts at
// the oldest event the dataplane still holds.
//
// Single-threaded (the io_context's thread); fsync blocks it for the batch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "control/lease_event_consumer.h"

namespace fastlease::control {

class LeaseEventLog : public LeaseEventConsumer {
 public:
  // Opens or creates `path` (mode 0640). Fails when the file cannot be opened or
  // its last complete line is not one of the lines above (DataLoss: the operator
  // decides; nothing is guessed).
  static absl::StatusOr<std::unique_ptr<LeaseEventLog>> Open(const std::string& path);
  ~LeaseEventLog() override;
  LeaseEventLog(const LeaseEventLog&) = delete;
  LeaseEventLog& operator=(const LeaseEventLog&) = delete;

  std::string_view name() const override { return "lease-event-log"; }
  uint64_t cursor() const override { return cursor_; }
  absl::Status Consume(std::span<const leasedb::LeaseEvent> events) override;
  absl::Status Gap(const link::EventGap& gap) override;
  absl::Status SequenceReset(uint64_t dataplane_last_seq) override;

  const std::string& path() const { return path_; }
  uint64_t events_written() const { return events_written_; }
  uint64_t gaps() const { return gaps_; }
  uint64_t duplicates_skipped() const { return duplicates_skipped_; }
  // Bytes of a torn last line Open() cut off.
  uint64_t torn_bytes() const { return torn_bytes_; }

 private:
  LeaseEventLog(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  absl::Status Recover();
  // Appends `text` (whole lines) durably or not at all.
  absl::Status Append(std::string_view text);

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t cursor_ = 0;
  uint64_t events_written_ = 0;
  uint64_t gaps_ = 0;
  uint64_t duplicates_skipped_ = 0;
  uint64_t torn_bytes_ = 0;
};

// One event as its log line, without the newline.
std::string LeaseEventLine(const leasedb::LeaseEvent& event);

// The cursor a log line stands for; InvalidArgument when it is not a log line.
absl::StatusOr<uint64_t> CursorOfLine(std::string_view line);

}  // namespace fastlease::control
