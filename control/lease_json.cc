#include "control/lease_json.h"

#include <algorithm>

#include <fmt/format.h>

namespace fastlease::control {
namespace {

void AppendHex(std::string& out, const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
}

}  // namespace

int KeaLeaseState(leasedb::LeaseState state) {
  switch (state) {
    case leasedb::LeaseState::kDeclined: return 1;
    case leasedb::LeaseState::kExpired:
    case leasedb::LeaseState::kReleased: return 2;
    case leasedb::LeaseState::kFree:
    case leasedb::LeaseState::kOffered:
    case leasedb::LeaseState::kBound: break;
  }
  return 0;
}

void AppendLeaseJson(std::string& out, const leasedb::Lease& l) {
  const uint32_t a = l.address;
  fmt::format_to(std::back_inserter(out), R"({{"ip-address":"{}.{}.{}.{}","hw-address":")",
                 a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
  AppendHex(out, l.hw, std::min<size_t>(l.hlen, leasedb::kMaxHwAddressSize));
  out.push_back('"');
  if (l.client_id_len != 0) {
    out.append(R"(,"client-id":")");
    AppendHex(out, l.client_id, std::min<size_t>(l.client_id_len, leasedb::kInlineClientIdSize));
    if (l.client_id_len > leasedb::kInlineClientIdSize) out.append("...");
    out.push_back('"');
  }
  fmt::format_to(std::back_inserter(out),
                 R"(,"subnet-id":{},"valid-lft":{},"cltt":{},"fqdn-fwd":false,"fqdn-rev":false,)"
                 R"("hostname":"","state":{})",
                 l.subnet_id, l.valid, l.cltt(), KeaLeaseState(l.state));
  if (l.state == leasedb::LeaseState::kReleased) out.append(R"(,"released":true)");
  out.push_back('}');
}

}  // namespace fastlease::control
