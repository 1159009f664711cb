// Microbenchmarks for client-classification expressions: a typical ISP class test
// evaluated against a relayed DOCSIS DISCOVER (match) and a plain one (no match), and a
// flex-id style string expression.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "dataplane/dhcp4/classify/expression.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4::classify {
namespace {

using Bytes = std::vector<uint8_t>;

void AddOpt(Bytes& b, uint8_t code, std::string_view data) {
  b.push_back(code);
  b.push_back(static_cast<uint8_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
}

// A relayed DISCOVER: 53, 61, 60 ("docsis3.0" or "MSFT 5.0"), 55, 82 (circuit-id,
// remote-id).
Bytes Discover(bool docsis) {
  Bytes b(kOptionsOffset, 0);
  b[0] = kBootRequest;
  b[1] = 1;
  b[2] = 6;
  b[3] = 1;  // hops
  const uint8_t mac[] = {0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16};
  std::copy(std::begin(mac), std::end(mac), b.begin() + 28);
  const uint8_t giaddr[] = {10, 1, 0, 1};
  std::copy(std::begin(giaddr), std::end(giaddr), b.begin() + 24);
  b[236] = 0x63;
  b[237] = 0x82;
  b[238] = 0x53;
  b[239] = 0x63;
  AddOpt(b, opt::kMessageType, "\x01");
  AddOpt(b, opt::kClientId, std::string_view("\x01\x68\x5b\x35\xaa\x29\x16", 7));
  AddOpt(b, opt::kVendorClassId, docsis ? "docsis3.0" : "MSFT 5.0");
  AddOpt(b, opt::kParameterRequestList, "\x01\x03\x06\x0f\x2b");
  AddOpt(b, opt::kRelayAgentInfo,
         std::string_view("\x01\x09" "cmts1/0/1" "\x02\x06\x68\x5b\x35\xaa\x29\x16", 19));
  b.push_back(opt::kEnd);
  b.resize(300, 0);
  return b;
}

Expression MustCompile(std::string_view text, ResultKind kind) {
  auto resolve = [](std::string_view) -> std::optional<uint16_t> { return std::nullopt; };
  auto e = Expression::Compile(text, kind, resolve);
  if (!e.ok()) std::abort();
  return *std::move(e);
}

void Run(benchmark::State& state, std::string_view text, ResultKind kind, bool docsis) {
  const Bytes bytes = Discover(docsis);
  auto msg = std::make_unique<Dhcp4Message>();
  if (Parse(bytes, *msg) != ParseError::kNone) std::abort();
  const Expression e = MustCompile(text, kind);
  auto scratch = std::make_unique<EvalScratch>();
  ClassSet classes;
  classes.Add(kClassAll);
  const PacketFacts facts{msg.get(), "port0", 0x0a010001, 0x0a000001,
                          uint32_t(bytes.size()), &classes};
  for (auto _ : state) {
    if (kind == ResultKind::kBool) {
      benchmark::DoNotOptimize(e.EvalBool(facts, *scratch));
    } else {
      benchmark::DoNotOptimize(e.EvalString(facts, *scratch).size());
    }
  }
  state.SetItemsProcessed(state.iterations());
}

constexpr std::string_view kIspClass =
    "substring(option[60].text,0,6) == 'docsis' and relay4[1].exists";

void BM_IspClassMatch(benchmark::State& state) {
  Run(state, kIspClass, ResultKind::kBool, /*docsis=*/true);
}
BENCHMARK(BM_IspClassMatch);

void BM_IspClassNoMatch(benchmark::State& state) {
  Run(state, kIspClass, ResultKind::kBool, /*docsis=*/false);
}
BENCHMARK(BM_IspClassNoMatch);

void BM_VendorClassMember(benchmark::State& state) {
  Run(state, "member('VENDOR_CLASS_docsis3.0') or option[77].exists", ResultKind::kBool,
      /*docsis=*/true);
}
BENCHMARK(BM_VendorClassMember);

// A flex-id identifier: circuit-id and MAC as text.
void BM_FlexIdString(benchmark::State& state) {
  Run(state, "concat(relay4[1].hex, hexstring(pkt4.mac, ':'))", ResultKind::kString,
      /*docsis=*/true);
}
BENCHMARK(BM_FlexIdString);

}  // namespace
}  // namespace fastlease::dhcp4::classify

BENCHMARK_MAIN();
