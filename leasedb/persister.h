// Persister: the thread that makes lease changes durable.
//
// Each round it drains every shard's change ring (up to max_batch records in all),
// writes them as one WriteBatch (one fsync under durability fsync: group commit),
// and then publishes, per shard, the highest sequence number written. While a
// sync runs, new records pile up in the rings and go in the next batch.
// A failed write is logged and retried; nothing is published until it succeeds,
// so gated replies wait (their park queues are bounded).
// Every record also becomes a lease event (leasedb/lease_event.h) numbered from
// the store's last event + 1, in the same batch; last_event_seq() publishes the
// newest one written. Events older than the newest `event_retention` are trimmed
// from time to time (a control process away for longer is told of the gap).
//
//   Persister p(store, shards, 8192);
//   p.Start();  ...  p.Stop();   // Stop drains everything still queued, then returns
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "leasedb/lease_event.h"
#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"

namespace fastlease::leasedb {

class Persister {
 public:
  Persister(LeaseStore& store, std::vector<LeaseShard*> shards, size_t max_batch,
            uint64_t event_retention = 1000000);
  ~Persister();

  // The DHCPv6 shards (one per worker, beside the v4 ones): their changes go in the
  // same WriteBatch as the v4 ones, up to max_batch more per round. Before Start().
  void SetV6Shards(std::vector<Lease6Shard*> shards6);
  // The persister thread's nice value, applied by the thread when it starts (the
  // thread is named "fl-persister"). Before Start(); the default leaves it as created.
  void SetThreadNice(int nice) { nice_ = nice; }
  // After Start(): the outcome of applying the nice value, empty when none was set
  // or it was applied; otherwise why not (e.g. no CAP_SYS_NICE). Waits for the thread
  // to have tried.
  std::string ThreadNiceError();
  void Start();
  // Stops the thread after a final round that empties every ring.
  void Stop();
  // One round on the caller's thread: drain, write, publish. Returns records written.
  absl::StatusOr<size_t> RunOnce();

  uint64_t records_written() const { return records_.load(std::memory_order_relaxed); }
  uint64_t batches_written() const { return batches_.load(std::memory_order_relaxed); }
  uint64_t write_errors() const { return errors_.load(std::memory_order_relaxed); }
  // Newest lease event in the store (acquire: its batch is written).
  uint64_t last_event_seq() const { return last_event_.load(std::memory_order_acquire); }

  // Called on the persister's thread with every event of a batch, in seq order,
  // once the batch is written and published (so without reading the store back).
  // Any thread may set or clear it; it must be quick (the next batch waits) and
  // must not call into the persister.
  using EventObserver = std::function<void(const LeaseEvent&)>;
  void SetEventObserver(EventObserver observer);
  // The same for DHCPv6 changes, which make no events: every v6 change record of
  // a batch, once written (ClassifyChange tells what it was).
  using Change6Observer = std::function<void(const ChangeRecord6&)>;
  void SetChange6Observer(Change6Observer observer);

 private:
  void Loop();

  LeaseStore& store_;
  std::vector<LeaseShard*> shards_;
  size_t max_batch_;
  std::vector<ChangeRecord> batch_;
  std::vector<uint64_t> last_seq_;
  std::vector<Lease6Shard*> shards6_;
  std::vector<ChangeRecord6> batch6_;
  std::vector<uint64_t> last_seq6_;
  std::atomic<bool> stop_{false};
  std::optional<int> nice_;
  std::promise<std::string> nice_result_;
  std::shared_future<std::string> nice_outcome_;
  std::thread thread_;
  std::atomic<uint64_t> records_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> errors_{0};
  uint64_t event_retention_;
  uint64_t next_event_ = 1;
  uint64_t trimmed_below_ = 0;
  std::atomic<uint64_t> last_event_{0};
  std::mutex observer_mu_;  // taken once per batch, by the persister and a setter
  EventObserver observer_;
  Change6Observer observer6_;
};

}  // namespace fastlease::leasedb
