// Expression: Kea's client-classification expression language, compiled once into a
// flat postfix program and evaluated per packet.
//
//   auto resolve = [&](std::string_view name) -> std::optional<uint16_t> { ... };
//   absl::StatusOr<classify::Expression> e = classify::Expression::Compile(
//       "substring(option[60].text,0,6) == 'docsis' and relay4[1].exists",
//       classify::ResultKind::kBool, resolve);
//   if (!e.ok()) return Prefix(path, e.status());   // "at 17: expected ')' ..."
//   ...
//   classify::EvalScratch& scratch = lcore.eval_scratch;      // one per lcore
//   classify::PacketFacts facts{&msg, port_name, src, dst, len, &classes};
//   if (e->EvalBool(facts, scratch)) classes.Add(index);
//
// The language is Kea 2.2's ("Using Expressions in Classification" in the ARM): values
// are byte strings; `==`, `and`, `or`, `not` and the functions behave as in Kea, with
// the same byte representations (integers and pkt4 numeric fields are 4-byte big-endian,
// addresses 4 bytes, a missing option is the empty string, `.exists` is a boolean).
// Booleans and strings are told apart when compiling, as Kea's grammar does, so a type
// mistake ("'a' and 'b'") is a compile error rather than an evaluation error.
//
// Accepted: 'string', 0xHEX, integer and IPv4/IPv6 literals; option[code|name] .hex
// .text .exists; option[43|82].option[n] and relay4[n]; vendor[id|*] .exists
// .option[n].hex|text|exists, vendor.enterprise; vendor-class[id|*] .exists .data[i],
// vendor-class.enterprise; pkt.iface|src|dst|len; pkt4.mac|hlen|htype|ciaddr|giaddr|
// yiaddr|siaddr|msgtype|transid; substring, split, concat and '+', ifelse, hexstring,
// addrtotext, [u]int{8,16,32}totext; member('name'), known, unknown; ==, not, and, or
// and parentheses, with Kea's precedence (not > and > or). Where this differs from Kea:
//  - .text is the same bytes as .hex. For string options (12, 60, ...) that is Kea's
//    text too; for others Kea renders a debug string ("type=..., len=...") that no
//    configuration matches against.
//  - option[n].option[m] is accepted for 43 and 82 only (for other codes Kea finds no
//    sub-options; 125's are read with vendor[...]).
//  - options 124/125 are read in their first enterprise block, as the ARM says; a
//    malformed one reads as absent.
// As in Kea, string options (and 82's subscriber-id) lose trailing NULs and are absent
// when nothing is left; a missing option or sub-option reads as the empty string.
//
// Compile() allocates and may be called from any thread. Evaluation never allocates,
// never throws, makes no virtual calls and takes no locks; it uses only the caller's
// EvalScratch, so one scratch per lcore serves every expression. A compiled Expression
// is immutable and may be evaluated by several lcores at once, each with its own scratch.
//
// Evaluation errors: where Kea's evaluation throws (a conversion such as
// uint16totext() given other than 2 bytes) and where a value would not fit in the
// scratch (EvalScratch::kArenaSize bytes of computed values per evaluation), the whole
// evaluation fails: EvalBool() returns false and EvalString() returns an empty span.
// Kea, likewise, does not assign the class when evaluation throws.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "dataplane/dhcp4/classify/class_set.h"
#include "dataplane/dhcp4/message.h"

namespace fastlease::dhcp4::classify {

// What an expression can read about one packet. Addresses and the length are host order.
struct PacketFacts {
  const Dhcp4Message* msg = nullptr;  // the parsed request; must not be null
  std::string_view iface;             // pkt.iface: name of the receiving port
  uint32_t src_ip = 0;                // pkt.src
  uint32_t dst_ip = 0;                // pkt.dst
  uint32_t length = 0;                // pkt.len
  const ClassSet* classes = nullptr;  // classes assigned so far, for member(); null = none
};

// One value on the evaluation stack: a byte string (a view into the message, the
// program's constants or the scratch arena), or a boolean (data null, size 0 or 1).
struct EvalValue {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
};

// Per-lcore working memory for evaluation. Reused by every evaluation; a string result
// (EvalString) stays valid until the next evaluation with the same scratch.
struct EvalScratch {
  // Bytes of computed values (concat, hexstring, pkt4 fields, ...) per evaluation.
  static constexpr size_t kArenaSize = 4096;
  // Values on the stack at once; Compile() rejects deeper expressions.
  static constexpr size_t kStackDepth = 32;

  std::array<uint8_t, kArenaSize> arena;
  std::array<EvalValue, kStackDepth> stack;
};

// Resolves a class name used in member('x') to its index; nullopt = not defined (a
// compile error, as in Kea, which only accepts classes defined earlier). Compile() asks
// it for every name except the built-ins it knows itself: ALL (always true), KNOWN,
// UNKNOWN, BOOTP (kClassKnown, kClassUnknown, kClassBootp) and VENDOR_CLASS_<x> (true
// when option 60's text is exactly <x>). 'DROP' goes to the resolver like a user class.
using ClassResolver = absl::FunctionRef<std::optional<uint16_t>(std::string_view)>;

// Resolves a DHCPv4 option name used in option[name] to its code; nullopt = unknown.
// Pass config::FindOptionByName wrapped in a lambda for Kea's full table; without one
// Compile() knows the common names (host-name, vendor-class-identifier, ...; see
// expression.cc).
using OptionNameResolver = std::optional<uint8_t> (*)(std::string_view);

enum class ResultKind : uint8_t {
  kBool,    // a class `test`
  kString,  // a flex-id identifier expression
};

namespace internal {
enum class Op : uint8_t;
// One postfix instruction; its meaning per Op is documented in expression.cc.
struct Instr {
  Op op;
  uint8_t code = 0;  // option code
  uint8_t sub = 0;   // sub-option code
  uint8_t flag = 0;
  uint32_t a = 0;
  int32_t b = 0;
};
}  // namespace internal

class Expression {
 public:
  // Compiles `text`, which must yield `want`. On error returns InvalidArgument whose
  // message says what is wrong and where: "at <column>: <what>", the column being the
  // 1-based byte offset in `text` (the caller adds the file and JSON path).
  static absl::StatusOr<Expression> Compile(std::string_view text, ResultKind want,
                                            ClassResolver resolve,
                                            OptionNameResolver option_names = nullptr);

  // For a kBool expression: whether the packet matches. False on an evaluation error
  // (and for a kString expression).
  bool EvalBool(const PacketFacts& facts, EvalScratch& scratch) const;
  // For a kString expression: the value, a view into the message bytes, this program or
  // `scratch`; valid while all three are unchanged. Empty on an evaluation error (and
  // for a kBool expression).
  std::span<const uint8_t> EvalString(const PacketFacts& facts, EvalScratch& scratch) const;

  ResultKind kind() const { return kind_; }
  // Uses KNOWN/UNKNOWN directly (member('KNOWN'), member('UNKNOWN'), known, unknown):
  // Kea evaluates such a class after the host reservation lookup. Indirect use through
  // member('x') of a class that depends on KNOWN is the caller's to propagate, with
  // ReferencedClasses().
  bool DependsOnKnown() const { return depends_on_known_; }
  // Class indices read by member()/known/unknown, each once, in order of appearance.
  std::span<const uint16_t> ReferencedClasses() const { return classes_; }
  // The source text, for diagnostics.
  const std::string& text() const { return text_; }

  // Equality tests, decided in groups: when the whole program is `<selector> ==
  // <literal>` (the literal on the right) and the selector reads only the packet (no
  // member(), known or unknown), the literal's bytes; otherwise nullopt. For such an
  // expression EvalBool(f, s) is exactly "EvalSelector(f, s, &v) and v == literal", so
  // expressions with the same SelectorKey() can share one selector evaluation.
  std::optional<std::span<const uint8_t>> EqualityLiteral() const;
  // Identifies the selector's program (its instructions, constant bytes and position),
  // "" when EqualityLiteral() is nullopt: equal keys, equal selector values on every
  // packet. Allocates; for config compile time.
  std::string SelectorKey() const;
  // Evaluates the selector alone (EqualityLiteral() must be set); false on an
  // evaluation error. On success *value views the message, this program or `scratch`,
  // valid until the next evaluation with `scratch`. Same rules as EvalBool: no
  // allocation, no locks, no exceptions.
  bool EvalSelector(const PacketFacts& facts, EvalScratch& scratch,
                    std::span<const uint8_t>* value) const;

 private:
  friend class Compiler;
  Expression() = default;
  // Runs instructions [0, end) of the program (end <= code_.size(); the whole program
  // when end is npos); false on an evaluation error. On success *out is the value at
  // the bottom of the stack.
  bool Run(const PacketFacts& facts, EvalScratch& scratch, EvalValue* out,
           size_t end = size_t(-1)) const;
  // Instructions of the selector of an equality test (see EqualityLiteral()), else 0.
  size_t SelectorEnd() const;

  std::vector<internal::Instr> code_;
  std::vector<uint8_t> consts_;    // literal bytes, addressed by Instr::a / Instr::b
  std::vector<uint16_t> classes_;  // ReferencedClasses()
  std::string text_;
  ResultKind kind_ = ResultKind::kBool;
  bool depends_on_known_ = false;
  uint32_t selector_end_ = 0;  // SelectorEnd(), computed once by Compile()
};

}  // namespace fastlease::dhcp4::classify
