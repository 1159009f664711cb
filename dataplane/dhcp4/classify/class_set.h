// ClassSet: the client classes a packet belongs to, as a fixed bitset of class indices.
//
//   classify::ClassSet classes;
//   classes.Add(classify::kClassAll);
//   if (unknown) classes.Add(classify::kClassUnknown);
//   if (classes.Has(index)) { ... }
//
// Indices below kFirstUserClass are Kea's built-in classes; the config compiler numbers
// the user's classes from kFirstUserClass on, in definition order. Indices at or above
// kMaxClasses are ignored by Add() and never Has(). Trivially copyable, 64 bytes, no
// allocation; one per packet on the owning lcore.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

namespace fastlease::dhcp4::classify {

// Built-in classes (Kea's names): every packet is in ALL; KNOWN or UNKNOWN once the host
// reservation lookup has run; DROP when the user's DROP class matched; BOOTP for BOOTP
// (no option 53) requests.
inline constexpr uint16_t kClassAll = 0;
inline constexpr uint16_t kClassKnown = 1;
inline constexpr uint16_t kClassUnknown = 2;
inline constexpr uint16_t kClassDrop = 3;
inline constexpr uint16_t kClassBootp = 4;
inline constexpr uint16_t kFirstUserClass = 5;

struct ClassSet {
  static constexpr uint16_t kMaxClasses = 512;

  bool Has(uint16_t index) const {
    return index < kMaxClasses && ((words[index >> 6] >> (index & 63)) & 1) != 0;
  }
  void Add(uint16_t index) {
    if (index < kMaxClasses) words[index >> 6] |= uint64_t{1} << (index & 63);
  }
  void Clear() { words = {}; }

  std::array<uint64_t, kMaxClasses / 64> words{};
};

static_assert(std::is_trivially_copyable_v<ClassSet>);
static_assert(sizeof(ClassSet) == ClassSet::kMaxClasses / 8);

}  // namespace fastlease::dhcp4::classify
