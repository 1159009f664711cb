// ConfigPublisher: hands a reloaded ServerConfig to the workers without locks.
//
//   ConfigPublisher pub(initial);                      // epoch 1
//   worker, between bursts:
//     const ConfigVersion* v = pub.Current();
//     if (v != ctx.version) { ctx.version = v; stats.config_epoch.store(v->epoch, release); }
//   management thread, on SIGHUP:
//     pub.Publish(new_config);
//   management thread, periodically:
//     pub.Reclaim(min over workers of stats.config_epoch);   // frees what nobody uses
//
// A version is freed only when every worker has reported an epoch newer than it:
// a worker reads Current() after the epoch it reports, so the version it uses is
// never older than the epoch it reported. The current version is never freed.
// Publish and Reclaim: management thread only (they allocate). Current: any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>

#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp6/server6.h"

namespace fastlease::dataplane {

struct ConfigVersion {
  std::shared_ptr<const dhcp4::ServerConfig> config;
  std::shared_ptr<const dhcp6::ServerConfig6> config6;  // null: no Dhcp6 section
  uint64_t epoch = 0;
};

class ConfigPublisher {
 public:
  explicit ConfigPublisher(std::shared_ptr<const dhcp4::ServerConfig> initial,
                           std::shared_ptr<const dhcp6::ServerConfig6> initial6 = nullptr) {
    Publish(std::move(initial), std::move(initial6));
  }
  ConfigPublisher(const ConfigPublisher&) = delete;
  ConfigPublisher& operator=(const ConfigPublisher&) = delete;

  const ConfigVersion* Current() const { return current_.load(std::memory_order_acquire); }

  // Makes `config` current; returns its epoch.
  uint64_t Publish(std::shared_ptr<const dhcp4::ServerConfig> config,
                   std::shared_ptr<const dhcp6::ServerConfig6> config6 = nullptr) {
    auto v = std::make_unique<ConfigVersion>();
    v->config = std::move(config);
    v->config6 = std::move(config6);
    v->epoch = next_epoch_++;
    current_.store(v.get(), std::memory_order_release);
    versions_.push_back(std::move(v));
    return versions_.back()->epoch;
  }

  // Frees every version older than `min_epoch_in_use`, except the current one.
  // Returns the number freed.
  size_t Reclaim(uint64_t min_epoch_in_use) {
    size_t freed = 0;
    while (versions_.size() > 1 && versions_.front()->epoch < min_epoch_in_use) {
      versions_.pop_front();
      ++freed;
    }
    return freed;
  }

  size_t retained() const { return versions_.size(); }
  uint64_t current_epoch() const { return versions_.back()->epoch; }

 private:
  std::atomic<const ConfigVersion*> current_{nullptr};
  std::deque<std::unique_ptr<ConfigVersion>> versions_;
  uint64_t next_epoch_ = 1;
};

}  // namespace fastlease::dataplane
