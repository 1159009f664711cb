#include "leasedb/address_pool.h"

#include <bit>
#include <cassert>

namespace fastlease::leasedb {

AddressPool::AddressPool(uint32_t first, uint32_t last, uint32_t shard_count)
    : first_(first),
      last_(last),
      word_count_(uint32_t((uint64_t(last) - first + 1 + 63) / 64)),
      shard_count_(shard_count == 0 ? 1 : shard_count),
      words_(new std::atomic<uint64_t>[word_count_]),
      cursors_(new Cursor[shard_count_]) {
  assert(first <= last);
  const uint64_t n = size();
  for (uint32_t w = 0; w < word_count_; ++w) {
    const uint64_t base = uint64_t(w) * 64;
    const uint64_t bits = n - base >= 64 ? ~uint64_t{0} : (uint64_t{1} << (n - base)) - 1;
    words_[w].store(bits, std::memory_order_relaxed);
  }
  // Spread the shards' starting points over the pool.
  for (uint32_t s = 0; s < shard_count_; ++s) {
    cursors_[s].word = uint32_t(uint64_t(word_count_) * s / shard_count_);
  }
}

uint32_t AddressPool::Claim(uint32_t shard) {
  Cursor& cursor = cursors_[shard % shard_count_];
  uint32_t w = cursor.word;
  for (uint32_t scanned = 0; scanned < word_count_; ++scanned) {
    std::atomic<uint64_t>& word = words_[w];
    uint64_t bits = word.load(std::memory_order_relaxed);
    while (bits != 0) {
      const uint64_t bit = bits & (~bits + 1);  // lowest set bit
      if (word.compare_exchange_weak(bits, bits & ~bit, std::memory_order_acq_rel,
                                     std::memory_order_relaxed)) {
        cursor.word = w;
        return first_ + uint32_t(w) * 64 + uint32_t(std::countr_zero(bit));
      }
    }
    if (++w == word_count_) w = 0;
  }
  return 0;
}

bool AddressPool::ClaimSpecific(uint32_t a) {
  if (!Contains(a)) return false;
  const uint32_t off = a - first_;
  const uint64_t bit = uint64_t{1} << (off & 63);
  const uint64_t prev = words_[off >> 6].fetch_and(~bit, std::memory_order_acq_rel);
  return (prev & bit) != 0;
}

void AddressPool::Free(uint32_t a) {
  if (!Contains(a)) return;
  const uint32_t off = a - first_;
  words_[off >> 6].fetch_or(uint64_t{1} << (off & 63), std::memory_order_acq_rel);
}

bool AddressPool::IsFree(uint32_t a) const {
  if (!Contains(a)) return false;
  const uint32_t off = a - first_;
  return (words_[off >> 6].load(std::memory_order_acquire) >> (off & 63)) & 1;
}

uint64_t AddressPool::CountFree() const {
  uint64_t n = 0;
  for (uint32_t w = 0; w < word_count_; ++w) {
    n += uint64_t(std::popcount(words_[w].load(std::memory_order_relaxed)));
  }
  return n;
}

std::shared_ptr<AddressPool> PoolRegistry::Get(uint32_t first, uint32_t last) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = pools_[{first, last}];
  if (!slot) slot = std::make_shared<AddressPool>(first, last, shard_count_);
  return slot;
}

std::shared_ptr<AddressPool> PoolRegistry::GetV6(const std::array<uint8_t, 16>& first,
                                                 uint8_t slot_len, uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = pools6_[{first, slot_len, size}];
  if (!slot) slot = std::make_shared<AddressPool>(1, uint32_t(size), shard_count_);
  return slot;
}

}  // namespace fastlease::leasedb
