// Microbenchmarks for the DHCPv4 codec: parsing a typical DISCOVER and REQUEST,
// and building an OFFER with the options a server usually sends.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

#include "dataplane/dhcp4/builder.h"
#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/options.h"

namespace fastlease::dhcp4 {
namespace {

using Bytes = std::vector<uint8_t>;

void AddOpt(Bytes& b, uint8_t code, std::initializer_list<uint8_t> data) {
  b.push_back(code);
  b.push_back(static_cast<uint8_t>(data.size()));
  b.insert(b.end(), data);
}

Bytes Header() {
  Bytes b(kOptionsOffset, 0);
  b[0] = kBootRequest;
  b[1] = 1;
  b[2] = 6;
  const uint8_t fixed[] = {0x3d, 0x1d, 0x42, 0x17};
  std::copy(std::begin(fixed), std::end(fixed), b.begin() + 4);
  const uint8_t mac[] = {0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16};
  std::copy(std::begin(mac), std::end(mac), b.begin() + 28);
  b[236] = 0x63;
  b[237] = 0x82;
  b[238] = 0x53;
  b[239] = 0x63;
  return b;
}

// What dhclient / Windows clients send: 53, 61, 57, 12, 60, 55; padded to 300.
Bytes TypicalDiscover() {
  Bytes b = Header();
  AddOpt(b, opt::kMessageType, {1});
  AddOpt(b, opt::kClientId, {1, 0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16});
  AddOpt(b, opt::kMaxMessageSize, {0x05, 0xdc});
  AddOpt(b, opt::kHostName, {'f', 'e', 'a', 'n', 'o', 'r', '-', 'l', 'a', 'p'});
  AddOpt(b, opt::kVendorClassId, {'M', 'S', 'F', 'T', ' ', '5', '.', '0'});
  AddOpt(b, opt::kParameterRequestList, {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252});
  b.push_back(opt::kEnd);
  b.resize(300, 0);
  return b;
}

Bytes TypicalRequest() {
  Bytes b = Header();
  AddOpt(b, opt::kMessageType, {3});
  AddOpt(b, opt::kClientId, {1, 0x68, 0x5b, 0x35, 0xaa, 0x29, 0x16});
  AddOpt(b, opt::kRequestedAddress, {192, 168, 8, 20});
  AddOpt(b, opt::kServerId, {192, 168, 8, 1});
  AddOpt(b, opt::kMaxMessageSize, {0x05, 0xdc});
  AddOpt(b, opt::kHostName, {'f', 'e', 'a', 'n', 'o', 'r', '-', 'l', 'a', 'p'});
  AddOpt(b, opt::kClientFqdn, {0, 0, 0, 'f', 'e', 'a', 'n', 'o', 'r'});
  AddOpt(b, opt::kParameterRequestList, {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252});
  b.push_back(opt::kEnd);
  b.resize(300, 0);
  return b;
}

void ParseOrDie(const Bytes& b, Dhcp4Message& m) {
  if (Parse(b, m) != ParseError::kNone) std::abort();
}

void BM_ParseDiscover(benchmark::State& state) {
  const Bytes b = TypicalDiscover();
  auto m = std::make_unique<Dhcp4Message>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Parse(b, *m));
    benchmark::DoNotOptimize(m->type());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_ParseDiscover);

// Parse plus the lookups a DISCOVER handler makes.
void BM_ParseDiscoverAndRead(benchmark::State& state) {
  const Bytes b = TypicalDiscover();
  auto m = std::make_unique<Dhcp4Message>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Parse(b, *m));
    benchmark::DoNotOptimize(m->ClientId());
    benchmark::DoNotOptimize(m->ParameterRequestList());
    benchmark::DoNotOptimize(m->MaxMessageSize());
    benchmark::DoNotOptimize(m->RequestedAddress());
    benchmark::DoNotOptimize(m->RelayAgentInfo());
    benchmark::DoNotOptimize(m->chaddr());
  }
}
BENCHMARK(BM_ParseDiscoverAndRead);

void BM_ParseRequest(benchmark::State& state) {
  const Bytes b = TypicalRequest();
  auto m = std::make_unique<Dhcp4Message>();
  for (auto _ : state) {
    benchmark::DoNotOptimize(Parse(b, *m));
    benchmark::DoNotOptimize(m->type());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_ParseRequest);

// An OFFER with 8 options after 53: 54, 51, 58, 59, 1, 3, 6, 15.
void BM_BuildOffer(benchmark::State& state) {
  const Bytes req_bytes = TypicalDiscover();
  auto req = std::make_unique<Dhcp4Message>();
  ParseOrDie(req_bytes, *req);
  const uint8_t dns[] = {192, 168, 8, 1, 9, 9, 9, 9};
  const uint8_t domain[] = {'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't'};
  alignas(64) static uint8_t buf[1500];
  for (auto _ : state) {
    Dhcp4Builder b(buf, ReplySizeLimit(*req, sizeof buf));
    b.StartReply(*req, MessageType::kOffer, 0, 0xc0a80814, 0xc0a80801);
    b.AddAddress(opt::kServerId, 0xc0a80801);
    b.AddU32(opt::kLeaseTime, 86400);
    b.AddU32(opt::kRenewalTime, 43200);
    b.AddU32(opt::kRebindingTime, 75600);
    b.AddAddress(opt::kSubnetMask, 0xffffff00);
    b.AddAddress(opt::kRouters, 0xc0a80801);
    b.AddOption(opt::kDomainNameServers, dns);
    b.AddOption(opt::kDomainName, domain);
    benchmark::DoNotOptimize(b.Finish());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BuildOffer);

}  // namespace
}  // namespace fastlease::dhcp4

BENCHMARK_MAIN();
