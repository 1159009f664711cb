#include "leasedb/identity_index.h"

#include <algorithm>
#include <mutex>

#include "leasedb/lease_store.h"

namespace fastlease::leasedb {

static_assert(kIndexLeaseKeySize == kLeaseKeySize);
static_assert(kIndexLease6KeySize == kLease6KeySize);

template <size_t KeySize>
void HashedKeySet<KeySize>::Insert(const Entry& e) {
  auto [it, inserted] = first_.try_emplace(e.hash, e.key);
  if (!inserted && it->second != e.key) more_.insert(e);
}

template <size_t KeySize>
void HashedKeySet<KeySize>::Erase(const Entry& e) {
  auto it = first_.find(e.hash);
  if (it == first_.end()) return;
  if (it->second != e.key) {
    more_.erase(e);
    return;
  }
  // The hash keeps its place in first_ if it has further keys: the lowest moves up.
  Entry lowest{};
  lowest.hash = e.hash;
  auto m = more_.lower_bound(lowest);
  if (m != more_.end() && m->hash == e.hash) {
    it->second = m->key;
    more_.erase(m);
  } else {
    first_.erase(it);
  }
}

template <size_t KeySize>
void HashedKeySet<KeySize>::InsertAll(const std::vector<Entry>& entries) {
  first_.reserve(first_.size() + entries.size() + entries.size() / 4);
  for (const Entry& e : entries) Insert(e);
}

template <size_t KeySize>
void HashedKeySet<KeySize>::Apply(const std::vector<std::pair<Entry, bool>>& changes) {
  for (const auto& [entry, insert] : changes) {
    if (insert) {
      Insert(entry);
    } else {
      Erase(entry);
    }
  }
}

template <size_t KeySize>
std::vector<typename HashedKeySet<KeySize>::Key> HashedKeySet<KeySize>::Find(uint64_t hash) const {
  std::vector<Key> out;
  auto it = first_.find(hash);
  if (it == first_.end()) return out;
  out.push_back(it->second);
  Entry lowest{};
  lowest.hash = hash;
  for (auto m = more_.lower_bound(lowest); m != more_.end() && m->hash == hash; ++m) {
    out.push_back(m->key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

template class HashedKeySet<kIndexLeaseKeySize>;
template class HashedKeySet<kIndexLease6KeySize>;

void IdentityIndex::Apply(std::span<const ChangeRecord> records,
                          std::span<const ChangeRecord6> records6) {
  using Set4 = HashedKeySet<kIndexLeaseKeySize>;
  using Set6 = HashedKeySet<kIndexLease6KeySize>;
  by_key_changes_.clear();
  by_hw_changes_.clear();
  by_duid_changes_.clear();
  uint8_t key[kIndexLeaseKeySize];
  for (const ChangeRecord& r : records) {
    EncodeLeaseKey(r.lease, key);
    const bool put = r.op == ChangeOp::kPut;
    by_key_changes_.emplace_back(Set4::MakeEntry(r.lease.key_hash, key), put);
    if (HasHwEntry(r.lease)) by_hw_changes_.emplace_back(Set4::MakeEntry(HwHash(r.lease), key), put);
  }
  uint8_t key6[kIndexLease6KeySize];
  for (const ChangeRecord6& r : records6) {
    EncodeLease6Key(r.lease, key6);
    by_duid_changes_.emplace_back(Set6::MakeEntry(r.lease.duid_hash, key6), r.op == ChangeOp::kPut);
  }
  std::unique_lock lock(mu_);
  by_key_.Apply(by_key_changes_);
  by_hw_.Apply(by_hw_changes_);
  by_duid_.Apply(by_duid_changes_);
}

void IdentityIndex::Load(std::vector<HashedKeySet<kIndexLeaseKeySize>::Entry>& by_key,
                         std::vector<HashedKeySet<kIndexLeaseKeySize>::Entry>& by_hw,
                         std::vector<HashedKeySet<kIndexLease6KeySize>::Entry>& by_duid) {
  by_key_.InsertAll(by_key);
  by_hw_.InsertAll(by_hw);
  by_duid_.InsertAll(by_duid);
}

std::vector<IdentityIndex::Key4> IdentityIndex::FindByKeyHash(uint64_t hash) const {
  std::shared_lock lock(mu_);
  return by_key_.Find(hash);
}

std::vector<IdentityIndex::Key4> IdentityIndex::FindByHwHash(uint64_t hash) const {
  std::shared_lock lock(mu_);
  return by_hw_.Find(hash);
}

std::vector<IdentityIndex::Key6> IdentityIndex::FindByDuidHash(uint64_t hash) const {
  std::shared_lock lock(mu_);
  return by_duid_.Find(hash);
}

size_t IdentityIndex::entries() const {
  std::shared_lock lock(mu_);
  return by_key_.size() + by_hw_.size() + by_duid_.size();
}

}  // namespace fastlease::leasedb
