// Child process for lease_store_test's crash test: commits leases through the
// real shard → persister → RocksDB path under durability fsync and prints
// "acked <address>" for each lease once its sequence is durable — exactly when
// the dataplane would send the ACK. The parent kills it with SIGKILL.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "leasedb/lease_shard.h"
#include "leasedb/lease_store.h"
#include "leasedb/persister.h"

using namespace fastlease::leasedb;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
    return 2;
  }
  auto store = LeaseStore::Open(argv[1], StoreOptions{.disable_wal = false, .sync = true});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  LeaseShard shard(0, 1 << 16, 1024);
  Persister persister(**store, {&shard}, 256);
  persister.Start();
  std::vector<std::pair<uint64_t, uint32_t>> waiting;  // (seq, address)
  for (uint32_t i = 1;; ++i) {
    if (shard.CanRecord()) {
      uint8_t mac[6] = {2, 0, uint8_t(i >> 24), uint8_t(i >> 16), uint8_t(i >> 8), uint8_t(i)};
      Lease* l = shard.Insert(ClientKey::Make(1, mac, {}, true));
      l->address = 0x0a000000 + i;
      l->state = LeaseState::kBound;
      l->expire = 2000000000;
      l->valid = 3600;
      waiting.emplace_back(shard.Record(ChangeOp::kPut, *l), l->address);
    }
    const uint64_t durable = shard.durable_seq();
    size_t k = 0;
    for (; k < waiting.size() && waiting[k].first <= durable; ++k) {
      std::printf("acked %u\n", waiting[k].second);
    }
    if (k > 0) {
      std::fflush(stdout);
      waiting.erase(waiting.begin(), waiting.begin() + long(k));
    }
  }
}
