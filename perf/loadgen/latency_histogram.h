// LatencyHistogram: a fixed log-linear histogram of microsecond values for
// percentiles without allocation per sample (HdrHistogram's idea, small).
//
//   LatencyHistogram h;
//   h.Record(us);
//   uint64_t p99 = h.Percentile(99.0);
//
// Values below 32 µs are exact; above, each power of two is split into 16
// buckets, so a percentile is within 1/16 (6.25%) of the true value; it reports
// the bucket's upper bound (never under-states latency). Values up to 2^40 µs.
// Not thread-safe; Merge() combines histograms of several lcores.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace fastlease::perf {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 4;
  static constexpr int kExactBelowBits = kSubBits + 1;  // values < 32 are exact
  static constexpr int kMaxBits = 40;
  static constexpr int kBuckets = (1 << kExactBelowBits) + (kMaxBits - kExactBelowBits) * (1 << kSubBits);

  void Record(uint64_t us) {
    ++counts_[Index(us)];
    ++count_;
    if (us > max_) max_ = us;
    sum_ += us;
  }

  // The smallest bucket bound below which `percent` of the samples fall; 0 when empty.
  uint64_t Percentile(double percent) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(percent / 100.0 * static_cast<double>(count_) + 0.5);
    if (rank == 0) rank = 1;
    if (rank > count_) rank = count_;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        uint64_t bound = UpperBound(i);
        return bound < max_ ? bound : max_;
      }
    }
    return max_;
  }

  void Merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    if (other.max_ > max_) max_ = other.max_;
  }

  void Reset() { *this = LatencyHistogram(); }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }

  static int Index(uint64_t us) {
    if (us < (uint64_t{1} << kExactBelowBits)) return static_cast<int>(us);
    int msb = 63 - std::countl_zero(us);
    if (msb >= kMaxBits) return kBuckets - 1;
    const int shift = msb - kSubBits;
    const int sub = static_cast<int>((us >> shift) & ((1 << kSubBits) - 1));
    return (1 << kExactBelowBits) + (msb - kExactBelowBits) * (1 << kSubBits) + sub;
  }

  // The largest value that falls in bucket `i`.
  static uint64_t UpperBound(int i) {
    if (i < (1 << kExactBelowBits)) return static_cast<uint64_t>(i);
    const int j = i - (1 << kExactBelowBits);
    const int msb = kExactBelowBits + j / (1 << kSubBits);
    const uint64_t sub = static_cast<uint64_t>(j % (1 << kSubBits));
    const int shift = msb - kSubBits;
    return (((uint64_t{1} << kSubBits) | sub) << shift) + ((uint64_t{1} << shift) - 1);
  }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace fastlease::perf
