#include "leasedb/lease_event.h"

#include "leasedb/lease_store.h"

namespace fastlease::leasedb {

const char* LeaseEventKindName(LeaseEventKind k) {
  switch (k) {
    case LeaseEventKind::kCreated: return "created";
    case LeaseEventKind::kRenewed: return "renewed";
    case LeaseEventKind::kUpdated: return "updated";
    case LeaseEventKind::kReleased: return "released";
    case LeaseEventKind::kExpired: return "expired";
    case LeaseEventKind::kDeclined: return "declined";
    case LeaseEventKind::kRemoved: return "removed";
  }
  return "unknown";
}

namespace {
template <class Record>
LeaseEventKind Classify(const Record& r) {
  if (r.op == ChangeOp::kDelete) return LeaseEventKind::kRemoved;
  switch (r.lease.state) {
    case LeaseState::kBound:
      if (r.prev_state != LeaseState::kBound) return LeaseEventKind::kCreated;
      return r.by_command ? LeaseEventKind::kUpdated : LeaseEventKind::kRenewed;
    case LeaseState::kReleased: return LeaseEventKind::kReleased;
    case LeaseState::kExpired: return LeaseEventKind::kExpired;
    case LeaseState::kDeclined: return LeaseEventKind::kDeclined;
    case LeaseState::kFree:
    case LeaseState::kOffered: break;
  }
  return LeaseEventKind::kUpdated;  // not written by the server logic
}
}  // namespace

LeaseEventKind ClassifyChange(const ChangeRecord& r) { return Classify(r); }
LeaseEventKind ClassifyChange(const ChangeRecord6& r) { return Classify(r); }

size_t EncodeLeaseEvent(const LeaseEvent& e, uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(e.seq >> (8 * i));
  for (int i = 0; i < 4; ++i) p[8 + i] = uint8_t(e.time >> (8 * i));
  p[12] = uint8_t(e.kind);
  p[13] = uint8_t(e.prev_state);
  EncodeLeaseKey(e.lease, p + 14);
  return 14 + kLeaseKeySize + EncodeLease(e.lease, p + 14 + kLeaseKeySize);
}

bool DecodeLeaseEvent(std::span<const uint8_t> b, LeaseEvent& e) {
  if (b.size() < 14 + kLeaseKeySize) return false;
  e.seq = 0;
  for (int i = 7; i >= 0; --i) e.seq = e.seq << 8 | b[i];
  e.time = uint32_t(b[8]) | uint32_t(b[9]) << 8 | uint32_t(b[10]) << 16 | uint32_t(b[11]) << 24;
  if (b[12] < uint8_t(LeaseEventKind::kCreated) || b[12] > uint8_t(LeaseEventKind::kRemoved)) {
    return false;
  }
  if (b[13] > uint8_t(LeaseState::kDeclined)) return false;
  e.kind = LeaseEventKind(b[12]);
  e.prev_state = LeaseState(b[13]);
  return DecodeLease(b.subspan(14, kLeaseKeySize), b.subspan(14 + kLeaseKeySize), e.lease);
}

void AppendLeaseEvent(std::string& batch, const LeaseEvent& e) {
  uint8_t buf[kMaxLeaseEventSize];
  const size_t n = EncodeLeaseEvent(e, buf);
  batch.push_back(char(n & 0xff));
  batch.push_back(char(n >> 8));
  batch.append(reinterpret_cast<const char*>(buf), n);
}

bool ForEachLeaseEvent(std::span<const uint8_t> batch,
                       const std::function<void(const LeaseEvent&)>& fn) {
  size_t pos = 0;
  LeaseEvent e;
  while (pos < batch.size()) {
    if (batch.size() - pos < 2) return false;
    const size_t n = size_t(batch[pos]) | size_t(batch[pos + 1]) << 8;
    pos += 2;
    if (batch.size() - pos < n || !DecodeLeaseEvent(batch.subspan(pos, n), e)) return false;
    fn(e);
    pos += n;
  }
  return true;
}

}  // namespace fastlease::leasedb
