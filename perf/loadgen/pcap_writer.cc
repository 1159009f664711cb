#include "perf/loadgen/pcap_writer.h"

namespace fastlease::perf {

namespace {

void PutLe32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutLe16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

}  // namespace

std::optional<PcapKind> ParsePcapKind(std::string_view name) {
  if (name == "discover") return PcapKind::kDiscover;
  if (name == "request") return PcapKind::kRequest;
  if (name == "renew") return PcapKind::kRenew;
  if (name == "init-reboot") return PcapKind::kInitReboot;
  if (name == "release") return PcapKind::kRelease;
  if (name == "mixed") return PcapKind::kMixed;
  if (name == "solicit") return PcapKind::kSolicit;
  if (name == "request6") return PcapKind::kRequest6;
  if (name == "renew6") return PcapKind::kRenew6;
  return std::nullopt;
}

std::string_view PcapKindName(PcapKind kind) {
  switch (kind) {
    case PcapKind::kDiscover: return "discover";
    case PcapKind::kRequest: return "request";
    case PcapKind::kRenew: return "renew";
    case PcapKind::kInitReboot: return "init-reboot";
    case PcapKind::kRelease: return "release";
    case PcapKind::kMixed: return "mixed";
    case PcapKind::kSolicit: return "solicit";
    case PcapKind::kRequest6: return "request6";
    case PcapKind::kRenew6: return "renew6";
  }
  return "?";
}

bool PcapKindNeedsServer(PcapKind kind, bool relayed) {
  if (PcapKindIsDhcp6(kind)) return kind != PcapKind::kSolicit;  // its DUID; always multicast
  if (relayed) return true;  // relayed frames go to the server's address
  return kind != PcapKind::kDiscover && kind != PcapKind::kInitReboot;
}

bool PcapKindIsDhcp6(PcapKind kind) { return kind >= PcapKind::kSolicit; }

MacAddress PcapClientMac(uint8_t prefix, uint32_t i) {
  return {prefix, 0x50, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
          static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
}

RequestKind PcapRequestKind(PcapKind kind, uint32_t i) {
  switch (kind) {
    case PcapKind::kDiscover: return RequestKind::kDiscover;
    case PcapKind::kRequest: return RequestKind::kRequestSelecting;
    case PcapKind::kRenew: return RequestKind::kRequestRenewing;
    case PcapKind::kInitReboot: return RequestKind::kRequestInitReboot;
    case PcapKind::kRelease: return RequestKind::kRelease;
    case PcapKind::kSolicit: return RequestKind::kSolicit;
    case PcapKind::kRequest6: return RequestKind::kRequest6;
    case PcapKind::kRenew6: return RequestKind::kRenew6;
    case PcapKind::kMixed: break;
  }
  const uint32_t r = i % 10;
  if (r < 4) return RequestKind::kDiscover;
  if (r < 7) return RequestKind::kRequestSelecting;
  if (r < 9) return RequestKind::kRequestRenewing;
  return RequestKind::kRelease;
}

std::vector<RequestSpec> PlanRequests(const PcapPlan& plan) {
  std::vector<RequestSpec> out;
  out.reserve(plan.clients);
  for (uint32_t i = 0; i < plan.clients; ++i) {
    RequestSpec s;
    s.kind = PcapRequestKind(plan.kind, i);
    s.client_mac = PcapClientMac(plan.mac_prefix, i);
    s.xid = i + 1;
    s.circuit_id = i;
    if (IsDhcp6(s.kind)) {
      s.xid &= 0xffffff;
      if (s.kind != RequestKind::kSolicit) {
        s.address6 = Ipv6Offset(plan.address6_base, i);
        s.prefix6 = Ipv6Offset(plan.prefix6_base, i, 128u - plan.prefix6_len);
        s.prefix6_len = plan.prefix6_len;
      }
      out.push_back(s);
      continue;
    }
    if (s.kind != RequestKind::kDiscover) s.client_ip = plan.subnet_base + i;
    if (s.kind == RequestKind::kRequestSelecting || s.kind == RequestKind::kRelease ||
        s.kind == RequestKind::kRequestRenewing) {
      s.server_id = plan.path.server_ip;
    }
    out.push_back(s);
  }
  return out;
}

void AppendPcapHeader(std::vector<uint8_t>& out) {
  PutLe32(out, kPcapMagic);
  PutLe16(out, 2);  // version 2.4
  PutLe16(out, 4);
  PutLe32(out, 0);  // thiszone
  PutLe32(out, 0);  // sigfigs
  PutLe32(out, kPcapSnaplen);
  PutLe32(out, kPcapLinktypeEthernet);
}

void AppendPcapRecord(std::vector<uint8_t>& out, const uint8_t* frame, size_t len,
                      uint32_t ts_sec, uint32_t ts_usec) {
  PutLe32(out, ts_sec);
  PutLe32(out, ts_usec);
  PutLe32(out, static_cast<uint32_t>(len));
  PutLe32(out, static_cast<uint32_t>(len));
  out.insert(out.end(), frame, frame + len);
}

std::vector<uint8_t> BuildPcap(const PcapPlan& plan) {
  std::vector<uint8_t> out;
  AppendPcapHeader(out);
  uint8_t buf[kMaxRequestFrame];
  uint64_t t_us = 0;
  for (const RequestSpec& spec : PlanRequests(plan)) {
    const size_t len = BuildRequest(plan.path, spec, buf);
    if (len == 0) continue;
    AppendPcapRecord(out, buf, len, static_cast<uint32_t>(t_us / 1000000),
                     static_cast<uint32_t>(t_us % 1000000));
    ++t_us;
  }
  return out;
}

}  // namespace fastlease::perf
