// Compiler (recursive descent over Kea's grammar, emitting postfix code) and evaluator
// (one switch over the instructions) for classify::Expression.
#include "dataplane/dhcp4/classify/expression.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4::classify {
namespace internal {

// What each instruction does to the stack. "push" views are into the message, the
// constants or the arena; booleans are EvalValue{nullptr, 0 or 1}.
enum class Op : uint8_t {
  kConst,            // push consts_[a, a + b)
  kTrue,             // push true (member('ALL'))
  kOption,           // push option `code` as Kea holds it, "" if absent; flag kExists: push bool
  kSubOption,        // the same for sub-option `sub` of option `code` (43 or 82)
  kVendor,           // the same for sub-option `sub` of option 125's first block, enterprise a (0 = any)
  kVendorExists,     // push whether option `code` (124 or 125) is present with enterprise a (0 = any)
  kEnterprise,       // push the enterprise-id of option `code`'s first block (4 bytes), "" if absent
  kVendorClassData,  // push data tuple b of option 124's first block, enterprise a (0 = any)
  kField,            // push a 4-byte big-endian field; a is a Field
  kIface,            // push pkt.iface
  kMac,              // push chaddr's first hlen bytes
  kSubstring,        // pop s; push substring(s, b, a as int32); flag kAll: length 'all'
  kSplit,            // pop delimiters, s; push field a (1-based) of s
  kConcat,           // pop y, x; push x + y
  kHexstring,        // pop separator, x; push x as lower-case hex pairs joined by separator
  kToText,           // pop x; push x converted to text; a is a TextConversion
  kEqual,            // pop y, x; push x == y (byte for byte)
  kNot,              // pop b; push !b
  kAndJump,          // top false: jump to a, keeping it; else pop
  kOrJump,           // top true: jump to a, keeping it; else pop
  kJumpIfFalsePop,   // pop b; if false jump to a
  kJump,             // jump to a
  kMember,           // push classes->Has(a)
  kVendorClassMember,  // push option 60 (as Kea holds it) == consts_[a, a + b)
};

}  // namespace internal

namespace {

using internal::Instr;
using internal::Op;

// Message text from pieces (absl::StrCat takes absl::string_view, which is not
// std::string_view in Debian's Abseil).
void Append(std::string& out, std::string_view piece) { out.append(piece); }
template <typename T>
  requires std::is_integral_v<T>
void Append(std::string& out, T value) {
  out.append(std::to_string(value));
}
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (Append(out, pieces), ...);
  return out;
}

constexpr uint8_t kExists = 1;  // Instr::flag for kOption, kSubOption, kVendor
constexpr uint8_t kAll = 1;     // Instr::flag for kSubstring

enum Field : uint32_t {
  kFieldSrc,
  kFieldDst,
  kFieldLen,
  kFieldHlen,
  kFieldHtype,
  kFieldCiaddr,
  kFieldGiaddr,
  kFieldYiaddr,
  kFieldSiaddr,
  kFieldMsgtype,
  kFieldTransid,
};

enum TextConversion : uint32_t {
  kAddrToText,
  kInt8ToText,
  kInt16ToText,
  kInt32ToText,
  kUint8ToText,
  kUint16ToText,
  kUint32ToText,
};

// ---------------------------------------------------------------------------------
// Reading the packet as Kea does.

// Options Kea 2.2 defines as strings. Kea drops their trailing NULs when parsing and
// skips such an option altogether when nothing is left, so .hex, .text and .exists
// all see the trimmed value.
constexpr std::array<bool, 256> MakeStringOptions() {
  std::array<bool, 256> s{};
  for (int code : {12, 14, 15, 17, 18, 40, 47, 56, 60, 62, 64, 66, 67, 86, 87, 98, 100,
                   101, 113, 114}) {
    s[code] = true;
  }
  return s;
}
constexpr std::array<bool, 256> kStringOption = MakeStringOptions();

// The one string sub-option of option 82 in Kea 2.2: subscriber-id (RFC 3993).
constexpr uint8_t kSubscriberId = 6;

// A string option's value as Kea holds it: without trailing NULs; false when nothing
// is left (Kea skips the option).
bool TrimString(std::span<const uint8_t>* d) {
  size_t n = d->size();
  while (n > 0 && (*d)[n - 1] == 0) --n;
  *d = d->first(n);
  return n > 0;
}

// Option `code`'s data as Kea holds it; false when absent (or skipped by Kea).
bool FindOption(const Dhcp4Message& m, uint8_t code, std::span<const uint8_t>* out) {
  if (!m.Has(code)) return false;
  *out = m.Option(code);
  return !kStringOption[code] || TrimString(out);
}

// The first enterprise block of option 124 or 125 (RFC 3925: enterprise-id, data-len,
// data). False when absent or malformed.
bool FindVendorBlock(const Dhcp4Message& m, uint8_t code, uint32_t* enterprise,
                     std::span<const uint8_t>* data) {
  if (!m.Has(code)) return false;
  const std::span<const uint8_t> d = m.Option(code);
  if (d.size() < 5) return false;
  const size_t len = d[4];
  if (5 + len > d.size()) return false;
  *enterprise = uint32_t(d[0]) << 24 | uint32_t(d[1]) << 16 | uint32_t(d[2]) << 8 | d[3];
  *data = d.subspan(5, len);
  return true;
}

bool VendorMatches(uint32_t wanted, uint32_t got) { return wanted == 0 || wanted == got; }

void Store32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

uint32_t FieldValue(const PacketFacts& f, uint32_t field) {
  const Dhcp4Message& m = *f.msg;
  switch (field) {
    case kFieldSrc: return f.src_ip;
    case kFieldDst: return f.dst_ip;
    case kFieldLen: return f.length;
    case kFieldHlen: return m.hlen();
    case kFieldHtype: return m.htype();
    case kFieldCiaddr: return m.ciaddr();
    case kFieldGiaddr: return m.giaddr();
    case kFieldYiaddr: return m.yiaddr();
    case kFieldSiaddr: return m.siaddr();
    case kFieldMsgtype: return uint8_t(m.type());
    case kFieldTransid: return m.xid();
  }
  return 0;
}

// Decimal text of `v` into `out` (at least 20 bytes); returns the length.
size_t FormatInt(int64_t v, uint8_t* out) {
  char* p = reinterpret_cast<char*>(out);
  return size_t(std::to_chars(p, p + 20, v).ptr - p);
}

// Kea's addrtotext / [u]intNtotext. Returns false when `in` has the wrong size (Kea
// throws); an empty input stays empty. `out` has at least 46 bytes.
bool ToText(uint32_t conversion, std::span<const uint8_t> in, uint8_t* out, size_t* n) {
  const size_t size = in.size();
  auto be = [&] {
    uint32_t v = 0;
    for (uint8_t b : in) v = v << 8 | b;
    return v;
  };
  switch (conversion) {
    case kAddrToText: {
      if (size != 4 && size != 16) return false;
      char buf[INET6_ADDRSTRLEN];
      if (inet_ntop(size == 4 ? AF_INET : AF_INET6, in.data(), buf, sizeof(buf)) == nullptr) {
        return false;
      }
      *n = strlen(buf);
      memcpy(out, buf, *n);
      return true;
    }
    case kInt8ToText:
      if (size != 1) return false;
      *n = FormatInt(int8_t(in[0]), out);
      return true;
    case kInt16ToText:
      if (size != 2) return false;
      *n = FormatInt(int16_t(be()), out);
      return true;
    case kInt32ToText:
      if (size != 4) return false;
      *n = FormatInt(int32_t(be()), out);
      return true;
    case kUint8ToText:
      if (size != 1) return false;
      *n = FormatInt(in[0], out);
      return true;
    case kUint16ToText:
      if (size != 2) return false;
      *n = FormatInt(be(), out);
      return true;
    case kUint32ToText:
      if (size != 4) return false;
      *n = FormatInt(be(), out);
      return true;
  }
  return false;
}

// Kea's substring(): start counts from the end when negative; a negative length takes
// the bytes before start; a start outside the string gives "".
std::span<const uint8_t> Substring(std::span<const uint8_t> s, int64_t start, int64_t length) {
  const int64_t size = int64_t(s.size());
  if (size == 0 || start < -size || start >= size) return {};
  if (start < 0) start += size;
  if (length < 0) {
    length = -length;
    if (length <= start) {
      start -= length;
    } else {
      length = start;
      start = 0;
    }
  }
  length = std::min(length, size - start);
  return s.subspan(size_t(start), size_t(length));
}

// Kea's split(): field `field` (1-based) of `s` cut at any byte of `delims`; adjacent
// delimiters make empty fields.
std::span<const uint8_t> Split(std::span<const uint8_t> s, std::span<const uint8_t> delims,
                               int64_t field) {
  if (s.empty()) return {};
  if (delims.empty()) return s;
  if (field < 1) return {};
  int64_t index = 1;
  size_t begin = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    const bool cut = i == s.size() ||
                     std::find(delims.begin(), delims.end(), s[i]) != delims.end();
    if (!cut) continue;
    if (index == field) return s.subspan(begin, i - begin);
    ++index;
    begin = i + 1;
  }
  return {};
}

bool SameBytes(const EvalValue& x, const EvalValue& y) {
  return x.size == y.size && (x.size == 0 || memcmp(x.data, y.data, x.size) == 0);
}

// ---------------------------------------------------------------------------------
// Option names known without a resolver.

struct NamedOption {
  std::string_view name;
  uint8_t code;
};
constexpr NamedOption kBuiltinOptionNames[] = {
    {"subnet-mask", 1},
    {"time-offset", 2},
    {"routers", 3},
    {"domain-name-servers", 6},
    {"host-name", 12},
    {"domain-name", 15},
    {"vendor-encapsulated-options", 43},
    {"dhcp-requested-address", 50},
    {"dhcp-lease-time", 51},
    {"dhcp-option-overload", 52},
    {"dhcp-message-type", 53},
    {"dhcp-server-identifier", 54},
    {"dhcp-parameter-request-list", 55},
    {"dhcp-message", 56},
    {"dhcp-max-message-size", 57},
    {"vendor-class-identifier", 60},
    {"dhcp-client-identifier", 61},
    {"tftp-server-name", 66},
    {"boot-file-name", 67},
    {"user-class", 77},
    {"fqdn", 81},
    {"dhcp-agent-options", 82},
    {"client-system", 93},
    {"client-ndi", 94},
    {"uuid-guid", 97},
    {"subnet-selection", 118},
    {"domain-search", 119},
    {"vivco-suboptions", 124},
    {"vivso-suboptions", 125},
};

std::optional<uint8_t> BuiltinOptionCode(std::string_view name) {
  for (const NamedOption& o : kBuiltinOptionNames) {
    if (o.name == name) return o.code;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------
// The compiler.

class Compiler {
 public:
  Compiler(std::string_view text, ClassResolver resolve, OptionNameResolver names)
      : text_(text), resolve_(resolve), names_(names) {}

  absl::StatusOr<Expression> Compile(ResultKind want);

 private:
  enum class Type : uint8_t { kBool, kString };
  enum class Tok : uint8_t {
    kEnd, kString, kHex, kInt, kIp, kName,
    kLParen, kRParen, kLBracket, kRBracket, kDot, kComma, kStar, kPlus, kEqual,
  };
  struct Token {
    Tok kind;
    size_t col;             // 1-based
    std::string_view text;  // the source text (a string literal without its quotes)
  };
  static constexpr int kMaxNesting = 64;

  // Lexing.
  bool Lex();
  // Parsing: each returns the type of what it emitted, nullopt after Fail().
  std::optional<Type> ParseOr();
  std::optional<Type> ParseAnd();
  std::optional<Type> ParseNot();
  std::optional<Type> ParseCompare();
  std::optional<Type> ParseConcat();
  std::optional<Type> ParsePrimary();
  std::optional<Type> ParseName(const Token& name);
  std::optional<Type> ParseOption();
  std::optional<Type> ParseRelay4();
  std::optional<Type> ParseVendor(const Token& name, bool vendor_class);
  std::optional<Type> ParseMember();
  std::optional<Type> ParseFunction(const Token& name);
  // After "option[N]." or "relay4[N].": hex, text or exists; emits `op`.
  std::optional<Type> ParseRepresentation(Op op, uint8_t code, uint8_t sub, uint32_t a,
                                          std::string_view after);
  // One argument of `fn` that must have type `want`.
  bool ParseArgument(std::string_view fn, int index, Type want);
  std::optional<uint8_t> ParseOptionCode(bool allow_names);
  std::optional<uint32_t> ParseEnterprise();
  std::optional<int64_t> ParseInteger(int64_t min, int64_t max, std::string_view what);

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool PeekName(std::string_view name) const {
    return Peek().kind == Tok::kName && Peek().text == name;
  }
  bool Expect(Tok kind, std::string_view what);
  bool ExpectName(std::string_view name, std::string_view what);
  static std::string Describe(const Token& t);
  std::nullopt_t Fail(size_t col, std::string_view message);

  size_t Emit(Op op, int stack_delta, uint32_t a = 0, int32_t b = 0, uint8_t code = 0,
              uint8_t sub = 0, uint8_t flag = 0);
  void EmitConst(std::string_view bytes);
  void ReferenceClass(uint16_t index);

  std::string_view text_;
  ClassResolver resolve_;
  OptionNameResolver names_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
  int depth_ = 0;
  int max_depth_ = 0;
  std::string error_;
  Expression out_;
};

std::nullopt_t Compiler::Fail(size_t col, std::string_view message) {
  if (error_.empty()) error_ = Cat("at ", col, ": ", message);
  return std::nullopt;
}

std::string Compiler::Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "the end of the expression";
    case Tok::kString: return Cat("'", t.text, "' (a string)");
    default: return Cat("'", t.text, "'");
  }
}

bool Compiler::Expect(Tok kind, std::string_view what) {
  if (Peek().kind != kind) {
    Fail(Peek().col, Cat("expected ", what, ", got ", Describe(Peek())));
    return false;
  }
  Next();
  return true;
}

bool Compiler::ExpectName(std::string_view name, std::string_view what) {
  if (!PeekName(name)) {
    Fail(Peek().col, Cat("expected ", what, ", got ", Describe(Peek())));
    return false;
  }
  Next();
  return true;
}

size_t Compiler::Emit(Op op, int stack_delta, uint32_t a, int32_t b, uint8_t code,
                      uint8_t sub, uint8_t flag) {
  out_.code_.push_back(Instr{op, code, sub, flag, a, b});
  depth_ += stack_delta;
  max_depth_ = std::max(max_depth_, depth_);
  return out_.code_.size() - 1;
}

void Compiler::EmitConst(std::string_view bytes) {
  const uint32_t offset = uint32_t(out_.consts_.size());
  out_.consts_.insert(out_.consts_.end(), bytes.begin(), bytes.end());
  Emit(Op::kConst, +1, offset, int32_t(bytes.size()));
}

void Compiler::ReferenceClass(uint16_t index) {
  if (std::find(out_.classes_.begin(), out_.classes_.end(), index) == out_.classes_.end()) {
    out_.classes_.push_back(index);
  }
}

// ---- lexer ----

namespace {
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
}  // namespace

bool Compiler::Lex() {
  const std::string_view s = text_;
  size_t i = 0;
  auto add = [&](Tok kind, size_t begin, size_t end) {
    tokens_.push_back(Token{kind, begin + 1, s.substr(begin, end - begin)});
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const size_t begin = i;
    if (c == '\'') {
      const size_t close = s.find_first_of("'\n", i + 1);
      if (close == std::string_view::npos || s[close] != '\'') {
        Fail(begin + 1, "unterminated string literal");
        return false;
      }
      tokens_.push_back(Token{Tok::kString, begin + 1, s.substr(i + 1, close - i - 1)});
      i = close + 1;
      continue;
    }
    // An IPv6 address: a run of hex digits, ':' and '.' holding a ':'.
    if (IsHexDigit(c) || c == ':') {
      size_t j = i;
      while (j < s.size() && (IsHexDigit(s[j]) || s[j] == ':' || s[j] == '.')) ++j;
      if (s.substr(i, j - i).find(':') != std::string_view::npos) {
        add(Tok::kIp, i, j);
        i = j;
        continue;
      }
    }
    if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
      size_t j = i + 2;
      while (j < s.size() && IsHexDigit(s[j])) ++j;
      if (j == i + 2) {
        Fail(begin + 1, "expected hexadecimal digits after '0x'");
        return false;
      }
      add(Tok::kHex, i, j);
      i = j;
      continue;
    }
    if (IsDigit(c) || (c == '-' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      size_t j = i + 1;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (c != '-' && j + 1 < s.size() && s[j] == '.' && IsDigit(s[j + 1])) {
        while (j < s.size() && (IsDigit(s[j]) || s[j] == '.')) ++j;
        add(Tok::kIp, i, j);
      } else {
        add(Tok::kInt, i, j);
      }
      i = j;
      continue;
    }
    if (IsLetter(c)) {
      size_t j = i + 1;
      while (j < s.size() && (IsLetter(s[j]) || IsDigit(s[j]) || s[j] == '-' || s[j] == '_')) {
        ++j;
      }
      add(Tok::kName, i, j);
      i = j;
      continue;
    }
    if (c == '=' ) {
      if (i + 1 < s.size() && s[i + 1] == '=') {
        add(Tok::kEqual, i, i + 2);
        i += 2;
        continue;
      }
      Fail(begin + 1, "unexpected '='; equality is written '=='");
      return false;
    }
    Tok kind;
    switch (c) {
      case '(': kind = Tok::kLParen; break;
      case ')': kind = Tok::kRParen; break;
      case '[': kind = Tok::kLBracket; break;
      case ']': kind = Tok::kRBracket; break;
      case '.': kind = Tok::kDot; break;
      case ',': kind = Tok::kComma; break;
      case '*': kind = Tok::kStar; break;
      case '+': kind = Tok::kPlus; break;
      default:
        Fail(begin + 1, Cat("invalid character '", s.substr(i, 1), "'"));
        return false;
    }
    add(kind, i, i + 1);
    ++i;
  }
  tokens_.push_back(Token{Tok::kEnd, s.size() + 1, ""});
  return true;
}

// ---- parser ----

absl::StatusOr<Expression> Compiler::Compile(ResultKind want) {
  out_.text_ = std::string(text_);
  out_.kind_ = want;
  if (!Lex()) return absl::InvalidArgumentError(error_);
  if (Peek().kind == Tok::kEnd) {
    return absl::InvalidArgumentError("at 1: the expression is empty");
  }
  const std::optional<Type> type = ParseOr();
  if (!type) return absl::InvalidArgumentError(error_);
  if (Peek().kind != Tok::kEnd) {
    Fail(Peek().col, Cat("unexpected ", Describe(Peek()),
                                  " after the end of the expression"));
    return absl::InvalidArgumentError(error_);
  }
  const Type wanted = want == ResultKind::kBool ? Type::kBool : Type::kString;
  if (*type != wanted) {
    Fail(1, wanted == Type::kBool ? "expected a boolean expression, got a string"
                                  : "expected a string expression, got a boolean");
    return absl::InvalidArgumentError(error_);
  }
  if (max_depth_ > int(EvalScratch::kStackDepth)) {
    return absl::InvalidArgumentError(
        Cat("at 1: the expression needs ", max_depth_,
                     " values on the stack at once; at most ", EvalScratch::kStackDepth));
  }
  out_.selector_end_ = uint32_t(out_.SelectorEnd());
  return std::move(out_);
}

std::optional<Compiler::Type> Compiler::ParseOr() {
  const size_t col = Peek().col;
  std::optional<Type> left = ParseAnd();
  if (!left) return std::nullopt;
  while (PeekName("or")) {
    Next();
    if (*left != Type::kBool) {
      return Fail(col, "the left operand of 'or' must be a boolean, got a string");
    }
    const size_t jump = Emit(Op::kOrJump, -1);
    const size_t right_col = Peek().col;
    const std::optional<Type> right = ParseAnd();
    if (!right) return std::nullopt;
    if (*right != Type::kBool) {
      return Fail(right_col, "the right operand of 'or' must be a boolean, got a string");
    }
    out_.code_[jump].a = uint32_t(out_.code_.size());
  }
  return left;
}

std::optional<Compiler::Type> Compiler::ParseAnd() {
  const size_t col = Peek().col;
  std::optional<Type> left = ParseNot();
  if (!left) return std::nullopt;
  while (PeekName("and")) {
    Next();
    if (*left != Type::kBool) {
      return Fail(col, "the left operand of 'and' must be a boolean, got a string");
    }
    const size_t jump = Emit(Op::kAndJump, -1);
    const size_t right_col = Peek().col;
    const std::optional<Type> right = ParseNot();
    if (!right) return std::nullopt;
    if (*right != Type::kBool) {
      return Fail(right_col, "the right operand of 'and' must be a boolean, got a string");
    }
    out_.code_[jump].a = uint32_t(out_.code_.size());
  }
  return left;
}

std::optional<Compiler::Type> Compiler::ParseNot() {
  if (!PeekName("not")) return ParseCompare();
  Next();
  const size_t col = Peek().col;
  if (++nesting_ > kMaxNesting) return Fail(col, "the expression nests too deeply");
  const std::optional<Type> operand = ParseNot();
  --nesting_;
  if (!operand) return std::nullopt;
  if (*operand != Type::kBool) {
    return Fail(col, "the operand of 'not' must be a boolean, got a string");
  }
  Emit(Op::kNot, 0);
  return Type::kBool;
}

std::optional<Compiler::Type> Compiler::ParseCompare() {
  const size_t col = Peek().col;
  const std::optional<Type> left = ParseConcat();
  if (!left) return std::nullopt;
  if (Peek().kind != Tok::kEqual) return left;
  Next();
  if (*left != Type::kString) {
    return Fail(col, "the left operand of '==' must be a string, got a boolean");
  }
  const size_t right_col = Peek().col;
  const std::optional<Type> right = ParseConcat();
  if (!right) return std::nullopt;
  if (*right != Type::kString) {
    return Fail(right_col, "the right operand of '==' must be a string, got a boolean");
  }
  Emit(Op::kEqual, -1);
  return Type::kBool;
}

std::optional<Compiler::Type> Compiler::ParseConcat() {
  const size_t col = Peek().col;
  const std::optional<Type> left = ParsePrimary();
  if (!left) return std::nullopt;
  while (Peek().kind == Tok::kPlus) {
    Next();
    if (*left != Type::kString) {
      return Fail(col, "the left operand of '+' must be a string, got a boolean");
    }
    const size_t right_col = Peek().col;
    const std::optional<Type> right = ParsePrimary();
    if (!right) return std::nullopt;
    if (*right != Type::kString) {
      return Fail(right_col, "the right operand of '+' must be a string, got a boolean");
    }
    Emit(Op::kConcat, -1);
  }
  return left;
}

std::optional<Compiler::Type> Compiler::ParsePrimary() {
  const Token t = Next();
  switch (t.kind) {
    case Tok::kString:
      EmitConst(t.text);
      return Type::kString;
    case Tok::kHex: {
      // "0x" then digits; an odd count gets a leading zero.
      const std::string_view digits = t.text.substr(2);
      std::string bytes;
      size_t i = 0;
      if (digits.size() % 2 == 1) bytes.push_back(char(HexValue(digits[i++])));
      for (; i < digits.size(); i += 2) {
        bytes.push_back(char(HexValue(digits[i]) << 4 | HexValue(digits[i + 1])));
      }
      EmitConst(bytes);
      return Type::kString;
    }
    case Tok::kInt: {
      // An integer is a 4-byte big-endian unsigned value.
      --pos_;
      const std::optional<int64_t> v =
          ParseInteger(0, std::numeric_limits<uint32_t>::max(), "an integer value");
      if (!v) return std::nullopt;
      uint8_t bytes[4];
      Store32(bytes, uint32_t(*v));
      EmitConst(std::string_view(reinterpret_cast<const char*>(bytes), 4));
      return Type::kString;
    }
    case Tok::kIp: {
      const std::string text(t.text);
      uint8_t bytes[16];
      if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
        EmitConst(std::string_view(reinterpret_cast<const char*>(bytes), 4));
      } else if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
        EmitConst(std::string_view(reinterpret_cast<const char*>(bytes), 16));
      } else {
        return Fail(t.col, Cat("'", t.text, "' is not an IP address"));
      }
      return Type::kString;
    }
    case Tok::kLParen: {
      if (++nesting_ > kMaxNesting) return Fail(t.col, "the expression nests too deeply");
      const std::optional<Type> inner = ParseOr();
      --nesting_;
      if (!inner) return std::nullopt;
      if (!Expect(Tok::kRParen, "')'")) return std::nullopt;
      return inner;
    }
    case Tok::kName:
      return ParseName(t);
    default:
      return Fail(t.col, Cat("expected a value, got ", Describe(t)));
  }
}

std::optional<int64_t> Compiler::ParseInteger(int64_t min, int64_t max, std::string_view what) {
  const Token t = Next();
  if (t.kind != Tok::kInt) {
    return Fail(t.col, Cat("expected ", what, ", got ", Describe(t)));
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
  if (ec != std::errc() || end != t.text.data() + t.text.size() || v < min || v > max) {
    return Fail(t.col, Cat(what, " must be in ", min, "..", max, ", got ", t.text));
  }
  return v;
}

std::optional<Compiler::Type> Compiler::ParseName(const Token& name) {
  const std::string_view n = name.text;
  if (n == "option") return ParseOption();
  if (n == "relay4") return ParseRelay4();
  if (n == "vendor") return ParseVendor(name, false);
  if (n == "vendor-class") return ParseVendor(name, true);
  if (n == "member") return ParseMember();
  if (n == "known" || n == "unknown") {
    // known is member('KNOWN'); unknown is not member('KNOWN') (Kea's ARM).
    Emit(Op::kMember, +1, kClassKnown);
    ReferenceClass(kClassKnown);
    out_.depends_on_known_ = true;
    if (n == "unknown") Emit(Op::kNot, 0);
    return Type::kBool;
  }
  if (n == "pkt") {
    if (!Expect(Tok::kDot, "'.' after 'pkt'")) return std::nullopt;
    const Token f = Next();
    static constexpr std::pair<std::string_view, Field> kFields[] = {
        {"src", kFieldSrc}, {"dst", kFieldDst}, {"len", kFieldLen}};
    if (f.kind == Tok::kName) {
      if (f.text == "iface") {
        Emit(Op::kIface, +1);
        return Type::kString;
      }
      for (const auto& [field_name, field] : kFields) {
        if (f.text == field_name) {
          Emit(Op::kField, +1, field);
          return Type::kString;
        }
      }
    }
    return Fail(f.col, Cat("expected 'iface', 'src', 'dst' or 'len' after 'pkt.', got ",
                                    Describe(f)));
  }
  if (n == "pkt4") {
    if (!Expect(Tok::kDot, "'.' after 'pkt4'")) return std::nullopt;
    const Token f = Next();
    static constexpr std::pair<std::string_view, Field> kFields[] = {
        {"hlen", kFieldHlen},       {"htype", kFieldHtype},     {"ciaddr", kFieldCiaddr},
        {"giaddr", kFieldGiaddr},   {"yiaddr", kFieldYiaddr},   {"siaddr", kFieldSiaddr},
        {"msgtype", kFieldMsgtype}, {"transid", kFieldTransid},
    };
    if (f.kind == Tok::kName) {
      if (f.text == "mac") {
        Emit(Op::kMac, +1);
        return Type::kString;
      }
      for (const auto& [field_name, field] : kFields) {
        if (f.text == field_name) {
          Emit(Op::kField, +1, field);
          return Type::kString;
        }
      }
    }
    return Fail(f.col, Cat("expected a pkt4 field (mac, hlen, htype, ciaddr, giaddr, "
                                    "yiaddr, siaddr, msgtype, transid), got ",
                                    Describe(f)));
  }
  if (n == "pkt6" || n == "relay6") {
    return Fail(name.col, Cat("'", n, "' can only be used in DHCPv6"));
  }
  static constexpr std::string_view kFunctions[] = {
      "substring",   "split",       "concat",       "ifelse",       "hexstring",
      "addrtotext",  "int8totext",  "int16totext",  "int32totext",  "uint8totext",
      "uint16totext", "uint32totext",
  };
  if (std::find(std::begin(kFunctions), std::end(kFunctions), n) != std::end(kFunctions)) {
    return ParseFunction(name);
  }
  return Fail(name.col, Cat("unknown name '", n, "'"));
}

std::optional<uint8_t> Compiler::ParseOptionCode(bool allow_names) {
  const Token& t = Peek();
  if (t.kind == Tok::kName && allow_names) {
    Next();
    std::optional<uint8_t> code = names_ != nullptr ? names_(t.text) : std::nullopt;
    if (!code && names_ == nullptr) code = BuiltinOptionCode(t.text);
    if (!code) return Fail(t.col, Cat("unknown option name '", t.text, "'"));
    return code;
  }
  const std::optional<int64_t> v = ParseInteger(0, 255, "an option code");
  if (!v) return std::nullopt;
  return uint8_t(*v);
}

std::optional<Compiler::Type> Compiler::ParseRepresentation(Op op, uint8_t code, uint8_t sub,
                                                            uint32_t a,
                                                            std::string_view after) {
  const Token r = Next();
  if (r.kind == Tok::kName && (r.text == "hex" || r.text == "text")) {
    // .text is the same bytes as .hex: Kea's text of a string option is its value, and
    // of other options a debugging rendering nobody matches against.
    Emit(op, +1, a, 0, code, sub);
    return Type::kString;
  }
  if (r.kind == Tok::kName && r.text == "exists") {
    Emit(op, +1, a, 0, code, sub, kExists);
    return Type::kBool;
  }
  return Fail(r.col, Cat("expected 'hex', 'text' or 'exists' after '", after,
                                  "', got ", Describe(r)));
}

std::optional<Compiler::Type> Compiler::ParseOption() {
  if (!Expect(Tok::kLBracket, "'[' after 'option'")) return std::nullopt;
  const size_t code_col = Peek().col;
  const std::optional<uint8_t> code = ParseOptionCode(/*allow_names=*/true);
  if (!code) return std::nullopt;
  if (!Expect(Tok::kRBracket, "']' after the option code")) return std::nullopt;
  if (!Expect(Tok::kDot, "'.' after 'option[...]'")) return std::nullopt;
  if (!PeekName("option")) {
    return ParseRepresentation(Op::kOption, *code, 0, 0, "option[...].");
  }
  // option[N].option[M]: Kea parses sub-options of the options that encapsulate an
  // option space; for DHCPv4 those are 43 and 82 (125 is read with vendor[...]).
  Next();
  if (*code != opt::kVendorEncapsulated && *code != opt::kRelayAgentInfo) {
    return Fail(code_col, Cat("option ", int(*code),
                                       " has no sub-options (only 43 and 82 do; use "
                                       "vendor[...] for 125)"));
  }
  if (!Expect(Tok::kLBracket, "'[' after 'option'")) return std::nullopt;
  const std::optional<uint8_t> sub = ParseOptionCode(/*allow_names=*/false);
  if (!sub) return std::nullopt;
  if (!Expect(Tok::kRBracket, "']' after the sub-option code")) return std::nullopt;
  if (!Expect(Tok::kDot, "'.' after 'option[...].option[...]'")) return std::nullopt;
  return ParseRepresentation(Op::kSubOption, *code, *sub, 0, "option[...].option[...].");
}

std::optional<Compiler::Type> Compiler::ParseRelay4() {
  if (!Expect(Tok::kLBracket, "'[' after 'relay4'")) return std::nullopt;
  const std::optional<uint8_t> sub = ParseOptionCode(/*allow_names=*/false);
  if (!sub) return std::nullopt;
  if (!Expect(Tok::kRBracket, "']' after the sub-option code")) return std::nullopt;
  if (!Expect(Tok::kDot, "'.' after 'relay4[...]'")) return std::nullopt;
  return ParseRepresentation(Op::kSubOption, opt::kRelayAgentInfo, *sub, 0, "relay4[...].");
}

std::optional<uint32_t> Compiler::ParseEnterprise() {
  if (Peek().kind == Tok::kStar) {
    Next();
    return 0;
  }
  const std::optional<int64_t> v =
      ParseInteger(0, std::numeric_limits<uint32_t>::max(), "an enterprise-id or '*'");
  if (!v) return std::nullopt;
  return uint32_t(*v);
}

std::optional<Compiler::Type> Compiler::ParseVendor(const Token& name, bool vendor_class) {
  const uint8_t code = vendor_class ? 124 : 125;
  if (Peek().kind == Tok::kDot) {  // vendor.enterprise, vendor-class.enterprise
    Next();
    if (!ExpectName("enterprise", Cat("'enterprise' after '", name.text, ".'"))) {
      return std::nullopt;
    }
    Emit(Op::kEnterprise, +1, 0, 0, code);
    return Type::kString;
  }
  if (!Expect(Tok::kLBracket, Cat("'[' or '.' after '", name.text, "'"))) {
    return std::nullopt;
  }
  const std::optional<uint32_t> enterprise = ParseEnterprise();
  if (!enterprise) return std::nullopt;
  if (!Expect(Tok::kRBracket, "']' after the enterprise-id")) return std::nullopt;
  if (!Expect(Tok::kDot, Cat("'.' after '", name.text, "[...]'"))) return std::nullopt;
  const Token f = Next();
  if (f.kind == Tok::kName && f.text == "exists") {
    Emit(Op::kVendorExists, +1, *enterprise, 0, code);
    return Type::kBool;
  }
  if (!vendor_class && f.kind == Tok::kName && f.text == "option") {
    if (!Expect(Tok::kLBracket, "'[' after 'option'")) return std::nullopt;
    const std::optional<uint8_t> sub = ParseOptionCode(/*allow_names=*/false);
    if (!sub) return std::nullopt;
    if (!Expect(Tok::kRBracket, "']' after the sub-option code")) return std::nullopt;
    if (!Expect(Tok::kDot, "'.' after 'vendor[...].option[...]'")) return std::nullopt;
    return ParseRepresentation(Op::kVendor, code, *sub, *enterprise,
                               "vendor[...].option[...].");
  }
  if (vendor_class && f.kind == Tok::kName && f.text == "data") {
    int64_t index = 0;
    if (Peek().kind == Tok::kLBracket) {
      Next();
      const std::optional<int64_t> v = ParseInteger(0, 255, "a data index");
      if (!v) return std::nullopt;
      index = *v;
      if (!Expect(Tok::kRBracket, "']' after the data index")) return std::nullopt;
    }
    Emit(Op::kVendorClassData, +1, *enterprise, int32_t(index), code);
    return Type::kString;
  }
  return Fail(f.col, vendor_class
                         ? Cat("expected 'exists' or 'data' after 'vendor-class[...].', "
                                        "got ", Describe(f))
                         : Cat("expected 'exists' or 'option' after 'vendor[...].', "
                                        "got ", Describe(f)));
}

std::optional<Compiler::Type> Compiler::ParseMember() {
  if (!Expect(Tok::kLParen, "'(' after 'member'")) return std::nullopt;
  const Token c = Next();
  if (c.kind != Tok::kString) {
    return Fail(c.col, Cat("expected a class name in quotes, got ", Describe(c)));
  }
  if (!Expect(Tok::kRParen, "')' after the class name")) return std::nullopt;
  const std::string_view cls = c.text;
  constexpr std::string_view kVendorPrefix = "VENDOR_CLASS_";
  if (cls == "ALL") {
    Emit(Op::kTrue, +1);
  } else if (cls == "KNOWN" || cls == "UNKNOWN" || cls == "BOOTP") {
    const uint16_t index =
        cls == "KNOWN" ? kClassKnown : cls == "UNKNOWN" ? kClassUnknown : kClassBootp;
    if (index != kClassBootp) out_.depends_on_known_ = true;
    Emit(Op::kMember, +1, index);
    ReferenceClass(index);
  } else if (cls.substr(0, kVendorPrefix.size()) == kVendorPrefix) {
    const std::string_view vendor = cls.substr(kVendorPrefix.size());
    const uint32_t offset = uint32_t(out_.consts_.size());
    out_.consts_.insert(out_.consts_.end(), vendor.begin(), vendor.end());
    Emit(Op::kVendorClassMember, +1, offset, int32_t(vendor.size()));
  } else {
    const std::optional<uint16_t> index = resolve_(cls);
    if (!index) return Fail(c.col, Cat("not defined client class '", cls, "'"));
    if (*index >= ClassSet::kMaxClasses) {
      return Fail(c.col, Cat("client class '", cls, "' has index ", *index,
                                      ", beyond the ", ClassSet::kMaxClasses, " supported"));
    }
    Emit(Op::kMember, +1, *index);
    ReferenceClass(*index);
  }
  return Type::kBool;
}

bool Compiler::ParseArgument(std::string_view fn, int index, Type want) {
  const size_t col = Peek().col;
  if (++nesting_ > kMaxNesting) {
    Fail(col, "the expression nests too deeply");
    return false;
  }
  const std::optional<Type> t = ParseOr();
  --nesting_;
  if (!t) return false;
  if (*t != want) {
    Fail(col, Cat("argument ", index, " of ", fn, "() must be a ",
                           want == Type::kBool ? "boolean" : "string", ", got a ",
                           *t == Type::kBool ? "boolean" : "string"));
    return false;
  }
  return true;
}

std::optional<Compiler::Type> Compiler::ParseFunction(const Token& name) {
  const std::string_view fn = name.text;
  if (!Expect(Tok::kLParen, Cat("'(' after '", fn, "'"))) return std::nullopt;
  auto comma = [&] { return Expect(Tok::kComma, Cat("',' in ", fn, "()")); };
  auto close = [&] { return Expect(Tok::kRParen, Cat("')' after the arguments of ", fn, "()")); };

  if (fn == "substring") {
    if (!ParseArgument(fn, 1, Type::kString) || !comma()) return std::nullopt;
    const std::optional<int64_t> start =
        ParseInteger(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                     "the start of substring()");
    if (!start || !comma()) return std::nullopt;
    int64_t length = 0;
    uint8_t flag = 0;
    if (PeekName("all")) {
      Next();
      flag = kAll;
    } else {
      const std::optional<int64_t> v = ParseInteger(std::numeric_limits<int32_t>::min(),
                                                    std::numeric_limits<int32_t>::max(),
                                                    "the length of substring() ('all' or an integer)");
      if (!v) return std::nullopt;
      length = *v;
    }
    if (!close()) return std::nullopt;
    Emit(Op::kSubstring, 0, uint32_t(int32_t(length)), int32_t(*start), 0, 0, flag);
    return Type::kString;
  }
  if (fn == "split") {
    if (!ParseArgument(fn, 1, Type::kString) || !comma()) return std::nullopt;
    if (!ParseArgument(fn, 2, Type::kString) || !comma()) return std::nullopt;
    const std::optional<int64_t> field =
        ParseInteger(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                     "the field number of split()");
    if (!field || !close()) return std::nullopt;
    Emit(Op::kSplit, -1, 0, int32_t(*field));
    return Type::kString;
  }
  if (fn == "concat" || fn == "hexstring") {
    if (!ParseArgument(fn, 1, Type::kString) || !comma()) return std::nullopt;
    if (!ParseArgument(fn, 2, Type::kString) || !close()) return std::nullopt;
    Emit(fn == "concat" ? Op::kConcat : Op::kHexstring, -1);
    return Type::kString;
  }
  if (fn == "ifelse") {
    // cond; if false jump to else; iftrue; jump to end; else: iffalse; end.
    if (!ParseArgument(fn, 1, Type::kBool) || !comma()) return std::nullopt;
    const size_t to_else = Emit(Op::kJumpIfFalsePop, -1);
    if (!ParseArgument(fn, 2, Type::kString) || !comma()) return std::nullopt;
    const size_t to_end = Emit(Op::kJump, -1);  // the else branch starts one value lower
    out_.code_[to_else].a = uint32_t(out_.code_.size());
    if (!ParseArgument(fn, 3, Type::kString) || !close()) return std::nullopt;
    out_.code_[to_end].a = uint32_t(out_.code_.size());
    return Type::kString;
  }
  // addrtotext, [u]int{8,16,32}totext
  static constexpr std::pair<std::string_view, TextConversion> kConversions[] = {
      {"addrtotext", kAddrToText},     {"int8totext", kInt8ToText},
      {"int16totext", kInt16ToText},   {"int32totext", kInt32ToText},
      {"uint8totext", kUint8ToText},   {"uint16totext", kUint16ToText},
      {"uint32totext", kUint32ToText},
  };
  for (const auto& [conv_name, conv] : kConversions) {
    if (fn == conv_name) {
      if (!ParseArgument(fn, 1, Type::kString) || !close()) return std::nullopt;
      Emit(Op::kToText, 0, conv);
      return Type::kString;
    }
  }
  return Fail(name.col, Cat("unknown function '", fn, "'"));
}

absl::StatusOr<Expression> Expression::Compile(std::string_view text, ResultKind want,
                                               ClassResolver resolve,
                                               OptionNameResolver option_names) {
  Compiler compiler(text, resolve, option_names);
  return compiler.Compile(want);
}

// ---------------------------------------------------------------------------------
// The evaluator.

bool Expression::Run(const PacketFacts& f, EvalScratch& scratch, EvalValue* out,
                     size_t end) const {
  const Dhcp4Message& m = *f.msg;
  EvalValue* const st = scratch.stack.data();
  size_t sp = 0;    // stack size; Compile() bounded it by kStackDepth
  size_t used = 0;  // arena bytes
  auto alloc = [&](size_t n) -> uint8_t* {
    if (n > EvalScratch::kArenaSize - used) return nullptr;
    uint8_t* p = scratch.arena.data() + used;
    used += n;
    return p;
  };
  auto push_bytes = [&](std::span<const uint8_t> s) {
    st[sp++] = EvalValue{s.data(), uint32_t(s.size())};
  };
  auto push_bool = [&](bool b) { st[sp++] = EvalValue{nullptr, b ? 1u : 0u}; };
  auto view = [](const EvalValue& v) { return std::span<const uint8_t>(v.data, v.size); };

  const uint8_t* const consts = consts_.data();
  const Instr* const code = code_.data();
  const size_t n = std::min(end, code_.size());
  size_t pc = 0;
  while (pc < n) {
    const Instr& in = code[pc++];
    switch (in.op) {
      case Op::kConst:
        st[sp++] = EvalValue{consts + in.a, uint32_t(in.b)};
        break;
      case Op::kTrue:
        push_bool(true);
        break;
      case Op::kOption: {
        std::span<const uint8_t> d;
        const bool found = FindOption(m, in.code, &d);
        if (in.flag == kExists) {
          push_bool(found);
        } else {
          push_bytes(found ? d : std::span<const uint8_t>());
        }
        break;
      }
      case Op::kSubOption: {
        std::span<const uint8_t> parent;
        std::span<const uint8_t> d;
        const bool found =
            FindOption(m, in.code, &parent) && FindSubOption(parent, in.sub, &d) &&
            (in.code != opt::kRelayAgentInfo || in.sub != kSubscriberId || TrimString(&d));
        if (in.flag == kExists) {
          push_bool(found);
        } else {
          push_bytes(found ? d : std::span<const uint8_t>());
        }
        break;
      }
      case Op::kVendor: {
        uint32_t enterprise = 0;
        std::span<const uint8_t> block;
        std::span<const uint8_t> d;
        const bool found = FindVendorBlock(m, in.code, &enterprise, &block) &&
                           VendorMatches(in.a, enterprise) && FindSubOption(block, in.sub, &d);
        if (in.flag == kExists) {
          push_bool(found);
        } else {
          push_bytes(found ? d : std::span<const uint8_t>());
        }
        break;
      }
      case Op::kVendorExists: {
        uint32_t enterprise = 0;
        std::span<const uint8_t> block;
        push_bool(FindVendorBlock(m, in.code, &enterprise, &block) &&
                  VendorMatches(in.a, enterprise));
        break;
      }
      case Op::kEnterprise: {
        uint32_t enterprise = 0;
        std::span<const uint8_t> block;
        if (!FindVendorBlock(m, in.code, &enterprise, &block)) {
          push_bytes({});
          break;
        }
        uint8_t* p = alloc(4);
        if (p == nullptr) return false;
        Store32(p, enterprise);
        push_bytes({p, 4});
        break;
      }
      case Op::kVendorClassData: {
        uint32_t enterprise = 0;
        std::span<const uint8_t> block;
        std::span<const uint8_t> result;
        if (FindVendorBlock(m, in.code, &enterprise, &block) && VendorMatches(in.a, enterprise)) {
          // Tuples: length byte, then that many bytes.
          size_t i = 0;
          for (int32_t index = 0; i < block.size(); ++index) {
            const size_t len = block[i];
            if (i + 1 + len > block.size()) break;
            if (index == in.b) {
              result = block.subspan(i + 1, len);
              break;
            }
            i += 1 + len;
          }
        }
        push_bytes(result);
        break;
      }
      case Op::kField: {
        uint8_t* p = alloc(4);
        if (p == nullptr) return false;
        Store32(p, FieldValue(f, in.a));
        push_bytes({p, 4});
        break;
      }
      case Op::kIface:
        push_bytes({reinterpret_cast<const uint8_t*>(f.iface.data()), f.iface.size()});
        break;
      case Op::kMac:
        push_bytes(m.chaddr());
        break;
      case Op::kSubstring: {
        const std::span<const uint8_t> s = view(st[--sp]);
        const int64_t length = in.flag == kAll ? int64_t(s.size()) : int64_t(int32_t(in.a));
        push_bytes(Substring(s, in.b, length));
        break;
      }
      case Op::kSplit: {
        const std::span<const uint8_t> delims = view(st[--sp]);
        const std::span<const uint8_t> s = view(st[--sp]);
        push_bytes(Split(s, delims, in.b));
        break;
      }
      case Op::kConcat: {
        const EvalValue y = st[--sp];
        const EvalValue x = st[--sp];
        if (x.size == 0 || y.size == 0) {
          st[sp++] = x.size == 0 ? y : x;
          break;
        }
        uint8_t* p = alloc(size_t(x.size) + y.size);
        if (p == nullptr) return false;
        memcpy(p, x.data, x.size);
        memcpy(p + x.size, y.data, y.size);
        push_bytes({p, size_t(x.size) + y.size});
        break;
      }
      case Op::kHexstring: {
        const EvalValue sep = st[--sp];
        const EvalValue x = st[--sp];
        if (x.size == 0) {
          push_bytes({});
          break;
        }
        const size_t total = 2 * size_t(x.size) + size_t(sep.size) * (x.size - 1);
        uint8_t* p = alloc(total);
        if (p == nullptr) return false;
        static constexpr char kHex[] = "0123456789abcdef";
        uint8_t* w = p;
        for (uint32_t i = 0; i < x.size; ++i) {
          if (i > 0 && sep.size > 0) {
            memcpy(w, sep.data, sep.size);
            w += sep.size;
          }
          *w++ = uint8_t(kHex[x.data[i] >> 4]);
          *w++ = uint8_t(kHex[x.data[i] & 15]);
        }
        push_bytes({p, total});
        break;
      }
      case Op::kToText: {
        const EvalValue x = st[sp - 1];
        if (x.size == 0) break;  // Kea leaves an empty value as it is
        uint8_t* p = alloc(INET6_ADDRSTRLEN);
        if (p == nullptr) return false;
        size_t len = 0;
        if (!ToText(in.a, view(x), p, &len)) return false;
        used -= INET6_ADDRSTRLEN - len;  // give back what the text did not use
        st[sp - 1] = EvalValue{p, uint32_t(len)};
        break;
      }
      case Op::kEqual: {
        const EvalValue y = st[--sp];
        const EvalValue x = st[--sp];
        push_bool(SameBytes(x, y));
        break;
      }
      case Op::kNot:
        st[sp - 1].size ^= 1u;
        break;
      case Op::kAndJump:
        if (st[sp - 1].size == 0) {
          pc = in.a;
        } else {
          --sp;
        }
        break;
      case Op::kOrJump:
        if (st[sp - 1].size != 0) {
          pc = in.a;
        } else {
          --sp;
        }
        break;
      case Op::kJumpIfFalsePop:
        if (st[--sp].size == 0) pc = in.a;
        break;
      case Op::kJump:
        pc = in.a;
        break;
      case Op::kMember:
        push_bool(f.classes != nullptr && f.classes->Has(uint16_t(in.a)));
        break;
      case Op::kVendorClassMember: {
        std::span<const uint8_t> d;
        const bool found = FindOption(m, opt::kVendorClassId, &d);
        push_bool(found && d.size() == size_t(in.b) &&
                  (in.b == 0 || memcmp(d.data(), consts + in.a, d.size()) == 0));
        break;
      }
    }
  }
  *out = st[0];
  return true;
}

size_t Expression::SelectorEnd() const {
  // Postfix: [selector...] kConst kEqual. kConst pops nothing, so the right operand is
  // that one instruction and the left one is everything before it.
  const size_t n = code_.size();
  if (kind_ != ResultKind::kBool || n < 3 || code_[n - 1].op != Op::kEqual ||
      code_[n - 2].op != Op::kConst) {
    return 0;
  }
  for (size_t i = 0; i < n - 2; ++i) {
    switch (code_[i].op) {
      case Op::kMember:  // reads the classes assigned so far
        return 0;
      case Op::kAndJump: case Op::kOrJump: case Op::kJumpIfFalsePop: case Op::kJump:
        if (code_[i].a > n - 2) return 0;  // leaves the selector
        break;
      default:
        break;
    }
  }
  return n - 2;
}

std::optional<std::span<const uint8_t>> Expression::EqualityLiteral() const {
  if (selector_end_ == 0) return std::nullopt;
  const Instr& c = code_[code_.size() - 2];
  return std::span<const uint8_t>(consts_.data() + c.a, size_t(c.b));
}

std::string Expression::SelectorKey() const {
  const size_t end = selector_end_;
  if (end == 0) return "";
  // Instructions field by field (jump targets are absolute, so equal keys also mean
  // equal positions), with each constant's bytes in place of its offset.
  std::string key;
  auto put = [&key](const void* p, size_t len) {
    key.append(static_cast<const char*>(p), len);
  };
  for (size_t i = 0; i < end; ++i) {
    const Instr& in = code_[i];
    put(&in.op, sizeof in.op);
    put(&in.code, 1);
    put(&in.sub, 1);
    put(&in.flag, 1);
    if (in.op == Op::kConst || in.op == Op::kVendorClassMember) {
      const uint32_t len = uint32_t(in.b);
      put(&len, sizeof len);
      put(consts_.data() + in.a, len);
    } else {
      put(&in.a, sizeof in.a);
      put(&in.b, sizeof in.b);
    }
  }
  return key;
}

bool Expression::EvalSelector(const PacketFacts& facts, EvalScratch& scratch,
                              std::span<const uint8_t>* value) const {
  const size_t end = selector_end_;
  EvalValue v;
  if (end == 0 || !Run(facts, scratch, &v, end)) return false;
  *value = std::span<const uint8_t>(v.data, v.size);
  return true;
}

bool Expression::EvalBool(const PacketFacts& facts, EvalScratch& scratch) const {
  EvalValue v;
  return kind_ == ResultKind::kBool && Run(facts, scratch, &v) && v.size != 0;
}

std::span<const uint8_t> Expression::EvalString(const PacketFacts& facts,
                                                EvalScratch& scratch) const {
  EvalValue v;
  if (kind_ != ResultKind::kString || !Run(facts, scratch, &v)) return {};
  return {v.data, v.size};
}

}  // namespace fastlease::dhcp4::classify
