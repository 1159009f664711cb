#include "control/lease_event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "absl/status/status.h"
#include "control/lease_json.h"
#include "nlohmann/json.hpp"

namespace fastlease::control {
namespace {

absl::Status Errno(std::string_view what, const std::string& path, int err) {
  return absl::ErrnoToStatus(err, fmt::format("{} {}", what, path));
}

// Reads [offset, offset + n) at `offset`; false on a read error.
bool ReadAt(int fd, uint64_t offset, size_t n, std::string& out) {
  out.resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = pread(fd, out.data() + done, n - done, off_t(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += size_t(r);
  }
  return true;
}

// Position just after the last '\n' before `end`, 0 when there is none;
// nullopt-like -1 on a read error.
int64_t StartOfLineBefore(int fd, uint64_t end) {
  constexpr size_t kChunk = 65536;
  std::string chunk;
  while (end > 0) {
    const size_t n = size_t(std::min<uint64_t>(kChunk, end));
    if (!ReadAt(fd, end - n, n, chunk)) return -1;
    const size_t pos = chunk.rfind('\n');
    if (pos != std::string::npos) return int64_t(end - n + pos + 1);
    end -= n;
  }
  return 0;
}

}  // namespace

std::string LeaseEventLine(const leasedb::LeaseEvent& e) {
  std::string line;
  line.reserve(320);
  fmt::format_to(std::back_inserter(line),
                 R"({{"seq":{},"time":{},"event":"{}","prev-state":"{}","lease":)", e.seq, e.time,
                 leasedb::LeaseEventKindName(e.kind), leasedb::LeaseStateName(e.prev_state));
  AppendLeaseJson(line, e.lease);
  line.push_back('}');
  return line;
}

absl::StatusOr<uint64_t> CursorOfLine(std::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_object()) {
    if (auto it = j.find("seq"); it != j.end() && it->is_number_unsigned()) {
      return it->get<uint64_t>();
    }
    if (auto it = j.find("gap"); it != j.end() && it->is_object()) {
      if (auto last = it->find("last"); last != it->end() && last->is_number_unsigned()) {
        return last->get<uint64_t>();
      }
    }
    if (auto it = j.find("sequence-reset"); it != j.end() && it->is_object()) {
      if (auto to = it->find("dataplane-seq"); to != it->end() && to->is_number_unsigned()) {
        return to->get<uint64_t>();
      }
    }
  }
  return absl::InvalidArgumentError("not a lease event log line");
}

absl::StatusOr<std::unique_ptr<LeaseEventLog>> LeaseEventLog::Open(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("cannot open the lease event log", path, errno);
  std::unique_ptr<LeaseEventLog> log(new LeaseEventLog(path, fd));
  if (absl::Status s = log->Recover(); !s.ok()) return s;
  return log;
}

LeaseEventLog::~LeaseEventLog() {
  if (fd_ >= 0) close(fd_);
}

absl::Status LeaseEventLog::Recover() {
  struct stat st {};
  if (fstat(fd_, &st) != 0) return Errno("cannot stat the lease event log", path_, errno);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        fmt::format("the lease event log {} is not a regular file", path_));
  }
  size_ = uint64_t(st.st_size);
  if (size_ == 0) return absl::OkStatus();
  std::string last_byte;
  if (!ReadAt(fd_, size_ - 1, 1, last_byte)) return Errno("cannot read", path_, errno);
  // A crash in the middle of a write leaves a torn last line, never acknowledged:
  // it ends at `keep`. It is cut off only once the line before it is known to be
  // a log line, so a file that is no lease event log is refused untouched.
  uint64_t keep = size_;
  if (last_byte[0] != '\n') {
    const int64_t start = StartOfLineBefore(fd_, size_);
    if (start < 0) return Errno("cannot read", path_, errno);
    keep = uint64_t(start);
  }
  // The last non-empty line.
  uint64_t end = keep;
  while (end > 0) {
    const int64_t start = StartOfLineBefore(fd_, end - 1);
    if (start < 0) return Errno("cannot read", path_, errno);
    if (uint64_t(start) == end - 1) {  // an empty line
      end = uint64_t(start);
      continue;
    }
    std::string line;
    if (!ReadAt(fd_, uint64_t(start), size_t(end - 1 - uint64_t(start)), line)) {
      return Errno("cannot read", path_, errno);
    }
    absl::StatusOr<uint64_t> cursor = CursorOfLine(line);
    if (!cursor.ok()) {
      return absl::DataLossError(fmt::format(
          "the last line of the lease event log {} (byte {}) is not a lease event, gap or "
          "sequence reset; move the file away or repair it",
          path_, start));
    }
    cursor_ = *cursor;
    break;
  }
  if (keep < size_) {
    if (ftruncate(fd_, off_t(keep)) != 0 || fdatasync(fd_) != 0) {
      return Errno("cannot truncate the torn last line of", path_, errno);
    }
    torn_bytes_ = size_ - keep;
    size_ = keep;
  }
  return absl::OkStatus();
}

absl::Status LeaseEventLog::Append(std::string_view text) {
  size_t done = 0;
  int err = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    done += size_t(n);
  }
  if (err == 0 && fdatasync(fd_) != 0) err = errno;
  if (err == 0) {
    size_ += text.size();
    return absl::OkStatus();
  }
  // Nothing of this batch may stay: a torn line in the middle would end the
  // file's readability, and a line kept without fsync may vanish later.
  if (ftruncate(fd_, off_t(size_)) != 0) {
    return Errno(fmt::format("cannot write ({}) nor truncate back the lease event log",
                             std::strerror(err)),
                 path_, errno);
  }
  return Errno("cannot write the lease event log", path_, err);
}

absl::Status LeaseEventLog::Consume(std::span<const leasedb::LeaseEvent> events) {
  std::string text;
  uint64_t last = cursor_;
  uint64_t written = 0;
  uint64_t skipped = 0;
  for (const leasedb::LeaseEvent& e : events) {
    if (e.seq <= last) {
      ++skipped;
      continue;
    }
    text += LeaseEventLine(e);
    text.push_back('\n');
    last = e.seq;
    ++written;
  }
  duplicates_skipped_ += skipped;
  if (text.empty()) return absl::OkStatus();
  if (absl::Status s = Append(text); !s.ok()) {
    duplicates_skipped_ -= skipped;  // they are offered again with the rest
    return s;
  }
  cursor_ = last;
  events_written_ += written;
  return absl::OkStatus();
}

absl::Status LeaseEventLog::Gap(const link::EventGap& gap) {
  if (gap.last <= cursor_) return absl::OkStatus();
  const std::string line = fmt::format(R"({{"gap":{{"first":{},"last":{}}}}})", gap.first, gap.last) + "\n";
  if (absl::Status s = Append(line); !s.ok()) return s;
  cursor_ = gap.last;
  ++gaps_;
  return absl::OkStatus();
}

absl::Status LeaseEventLog::SequenceReset(uint64_t dataplane_last_seq) {
  if (dataplane_last_seq >= cursor_) return absl::OkStatus();
  const std::string line =
      fmt::format(R"({{"sequence-reset":{{"log-seq":{},"dataplane-seq":{}}}}})", cursor_,
                  dataplane_last_seq) +
      "\n";
  if (absl::Status s = Append(line); !s.ok()) return s;
  cursor_ = dataplane_last_seq;
  return absl::OkStatus();
}

}  // namespace fastlease::control
