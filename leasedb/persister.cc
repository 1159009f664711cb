#include "leasedb/persister.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace fastlease::leasedb {
namespace {
// Worst added latency for the first record after an idle spell.
constexpr uint32_t kMaxIdleSleepUs = 1000;
}  // namespace

Persister::Persister(LeaseStore& store, std::vector<LeaseShard*> shards, size_t max_batch,
                     uint64_t event_retention)
    : store_(store),
      shards_(std::move(shards)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      batch_(max_batch_),
      last_seq_(shards_.size(), 0),
      event_retention_(std::max<uint64_t>(event_retention, 1)) {
  const uint64_t last = store_.LastEventSeq();
  next_event_ = last + 1;
  last_event_.store(last, std::memory_order_release);
}

Persister::~Persister() { Stop(); }

void Persister::SetV6Shards(std::vector<Lease6Shard*> shards6) {
  shards6_ = std::move(shards6);
  batch6_.resize(shards6_.empty() ? 0 : max_batch_);
  last_seq6_.assign(shards6_.size(), 0);
}

void Persister::Start() {
  stop_.store(false, std::memory_order_relaxed);
  nice_result_ = std::promise<std::string>();
  nice_outcome_ = nice_result_.get_future().share();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "fl-persister");
    std::string error;
    if (nice_ && setpriority(PRIO_PROCESS, gettid(), *nice_) != 0) {
      error = std::string("setpriority(") + std::to_string(*nice_) + "): " + std::strerror(errno);
    }
    nice_result_.set_value(std::move(error));
    Loop();
  });
}

std::string Persister::ThreadNiceError() {
  return nice_outcome_.valid() ? nice_outcome_.get() : std::string();
}

void Persister::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
}

void Persister::SetEventObserver(EventObserver observer) {
  std::lock_guard<std::mutex> lock(observer_mu_);
  observer_ = std::move(observer);
}

void Persister::SetChange6Observer(Change6Observer observer) {
  std::lock_guard<std::mutex> lock(observer_mu_);
  observer6_ = std::move(observer);
}

absl::StatusOr<size_t> Persister::RunOnce() {
  size_t n = 0;
  // Take from every shard, fairly: each gets an equal share of the batch first.
  const size_t share = std::max<size_t>(1, max_batch_ / shards_.size());
  for (size_t s = 0; s < shards_.size() && n < max_batch_; ++s) {
    const size_t got = shards_[s]->DrainChanges(batch_.data() + n,
                                                std::min(share, max_batch_ - n));
    if (got > 0) last_seq_[s] = batch_[n + got - 1].seq;
    n += got;
  }
  for (size_t s = 0; s < shards_.size() && n < max_batch_; ++s) {
    const size_t got = shards_[s]->DrainChanges(batch_.data() + n, max_batch_ - n);
    if (got > 0) last_seq_[s] = batch_[n + got - 1].seq;
    n += got;
  }
  size_t n6 = 0;
  for (size_t s = 0; s < shards6_.size() && n6 < batch6_.size(); ++s) {
    const size_t got = shards6_[s]->DrainChanges(batch6_.data() + n6, batch6_.size() - n6);
    if (got > 0) last_seq6_[s] = batch6_[n6 + got - 1].seq;
    n6 += got;
  }
  if (n == 0 && n6 == 0) return size_t{0};
  for (;;) {
    const uint32_t now = uint32_t(std::time(nullptr));
    absl::Status st = store_.Write(std::span<const ChangeRecord>(batch_.data(), n), next_event_, now,
                                   std::span<const ChangeRecord6>(batch6_.data(), n6));
    if (st.ok()) break;
    errors_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "fastlease: persister: %s; retrying\n", st.ToString().c_str());
    if (stop_.load(std::memory_order_acquire) && errors_.load() > 100) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const uint64_t first_event = next_event_;
  next_event_ += n;
  last_event_.store(next_event_ - 1, std::memory_order_release);
  for (size_t s = 0; s < shards_.size(); ++s) shards_[s]->PublishDurable(last_seq_[s]);
  for (size_t s = 0; s < shards6_.size(); ++s) shards6_[s]->PublishDurable(last_seq6_[s]);
  {
    std::lock_guard<std::mutex> lock(observer_mu_);
    if (observer_) {
      LeaseEvent e;
      e.time = uint32_t(std::time(nullptr));
      for (size_t i = 0; i < n; ++i) {
        e.seq = first_event + i;
        e.kind = ClassifyChange(batch_[i]);
        e.prev_state = batch_[i].prev_state;
        e.lease = batch_[i].lease;
        observer_(e);
      }
    }
    if (observer6_) {
      for (size_t i = 0; i < n6; ++i) observer6_(batch6_[i]);
    }
  }
  // Trim in steps of an eighth of the retention, not per batch: one range
  // tombstone now and then.
  if (next_event_ > event_retention_ + trimmed_below_ + std::max<uint64_t>(event_retention_ / 8, 64)) {
    const uint64_t below = next_event_ - event_retention_;
    if (store_.TrimEvents(below).ok()) trimmed_below_ = below;
  }
  records_.fetch_add(n + n6, std::memory_order_relaxed);
  batches_.fetch_add(1, std::memory_order_relaxed);
  return n + n6;
}

void Persister::Loop() {
  uint32_t idle_rounds = 0;
  for (;;) {
    const bool stopping = stop_.load(std::memory_order_acquire);
    absl::StatusOr<size_t> n = RunOnce();
    if (!n.ok()) return;
    if (*n > 0) {
      idle_rounds = 0;
      continue;
    }
    if (stopping) {
      bool pending = false;
      for (LeaseShard* s : shards_) pending |= s->HasPendingChanges();
      for (Lease6Shard* s : shards6_) pending |= s->HasPendingChanges();
      if (!pending) return;
      continue;
    }
    // Idle: yield briefly (low latency under load), then sleep with a growing
    // interval up to kMaxIdleSleep, so an idle appliance costs next to no CPU.
    // Under load the loop never gets here: each round finds new records.
    ++idle_rounds;
    if (idle_rounds < 16) {
      std::this_thread::yield();
    } else {
      const uint32_t us = std::min<uint32_t>(kMaxIdleSleepUs, 20u << std::min<uint32_t>(idle_rounds - 16, 6));
      std::this_thread::sleep_for(std::chrono::microseconds(us));
    }
  }
}

}  // namespace fastlease::leasedb
