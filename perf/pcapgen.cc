// fastlease-pcapgen: writes a classic libpcap file of DHCPv4 or DHCPv6 requests
// from N emulated clients, for replay through the dataplane with net_pcap
// (perf/pcap_replay.sh) or any other tool that reads captures.
//
//   fastlease-pcapgen --kind discover --clients 10000 --out discover.pcap
//   fastlease-pcapgen --mixed --relay 10.0.0.2 --clients 10000 --out mixed.pcap
//   fastlease-pcapgen --kind solicit --relay6 2001:db8:2::1 --clients 10000 --out sol.pcap
//
// One frame per client; the frames and client identities are fastlease-perf's
// (perf/loadgen/frames.h, pcap_writer.h). Exit status 0, 1 on I/O errors, 2 on
// usage errors.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "perf/loadgen/pcap_writer.h"

namespace fastlease::perf {
namespace {

constexpr const char* kUsage = R"(usage: fastlease-pcapgen [options] --out FILE
  --kind K               DHCPv4: discover | request | renew | init-reboot | release | mixed
                         DHCPv6: solicit | request6 | renew6
                         (default discover)
  --mixed                relayed mix: per ten clients 4 DISCOVER, 3 REQUEST (selecting),
                         2 renew, 1 RELEASE; relayed via 10.0.0.2 unless --relay is given
  --clients N            frames/clients in the file (default 1000)
  --out FILE             the pcap to write (required)
  --relay GIADDR         send as a relay agent with this giaddr (option 82 added)
  --relay-mac MAC        the relay's MAC, source of relayed frames (default 02:aa:00:00:00:01)
  --server IP            the server's address: option 54, unicast destination
                         (default 10.0.0.1)
  --server-mac MAC       the server's MAC for unicast frames (default 02:70:63:61:70:00,
                         the MAC DPDK's net_pcap gives its first port)
  --vlan ID              one 802.1Q tag with this VLAN id (default untagged)
  --subnet-base IP       client i's address (request, renew, init-reboot, release) is
                         IP + i (default 10.0.1.0)
  --mac-prefix HH        first byte of client MACs: client i is HH:50:<i, 4 bytes> (default 02)
DHCPv6 (client i's DUID is DUID-LL of its MAC; IA_NA IAID 1, IA_PD IAID 2):
  --relay6 ADDR          wrap each message in a Relay-Forw from this relay address
                         (link-address and IPv6 source; Interface-Id "perf-<i>")
  --server-duid HEX      Server Identifier of request6/renew6 (default 00030001 + the
                         --server-mac, the DUID-LL perf/pcap_replay.sh pins)
  --address6-base ADDR   client i's IA_NA address is ADDR + i (default 2001:db8:1::100:0)
  --prefix6-base ADDR    client i's IA_PD prefix is ADDR + (i << (128 - LEN)) (default
                         2001:db8:8000::)
  --prefix6-len LEN      its length (default 64)
)";

// Hex bytes, optionally separated by ':' ("000300010270..." or "00:03:00:01:...").
bool ParseHex(const std::string& text, std::array<uint8_t, kMaxDuidSize>* out, uint8_t* len) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ':' && i > 0) {
      ++i;
      continue;
    }
    if (i + 2 > text.size() || n == out->size() || !std::isxdigit(uint8_t(text[i])) ||
        !std::isxdigit(uint8_t(text[i + 1]))) {
      return false;
    }
    (*out)[n++] = static_cast<uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16));
    i += 2;
  }
  *len = static_cast<uint8_t>(n);
  return n > 0;
}

bool ParseUnsigned(const std::string& text, unsigned long max, unsigned long* out, int base = 10) {
  if (text.empty()) return false;
  char* end = nullptr;
  const unsigned long v = std::strtoul(text.c_str(), &end, base);
  if (*end != '\0' || v > max || text[0] == '-') return false;
  *out = v;
  return true;
}

int Usage(const std::string& problem) {
  std::fprintf(stderr, "fastlease-pcapgen: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

int Main(int argc, char** argv) {
  PcapPlan plan;
  plan.path.src_mac = {0x02, 0xaa, 0, 0, 0, 1};
  plan.path.server_mac = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
  plan.path.server_ip = 0x0a000001;  // 10.0.0.1
  plan.subnet_base = 0x0a000100;     // 10.0.1.0
  ParseIpv6("2001:db8:1::100:0", &plan.address6_base);
  ParseIpv6("2001:db8:8000::", &plan.prefix6_base);
  bool relay4 = false;
  bool relay6 = false;
  bool server_duid = false;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (flag == "--mixed") {
      plan.kind = PcapKind::kMixed;
      continue;
    }
    if (i + 1 >= argc) return Usage(flag + " needs a value (or is unknown)");
    const std::string v = argv[++i];
    unsigned long n = 0;
    if (flag == "--kind") {
      auto k = ParsePcapKind(v);
      if (!k) return Usage("--kind: unknown kind '" + v + "'");
      plan.kind = *k;
    } else if (flag == "--clients") {
      if (!ParseUnsigned(v, 0xffffffffUL, &n) || n == 0) return Usage("--clients: '" + v + "'");
      plan.clients = static_cast<uint32_t>(n);
    } else if (flag == "--out") {
      out = v;
    } else if (flag == "--relay") {
      if (!ParseIpv4(v, &plan.path.giaddr)) return Usage("--relay: '" + v + "' is not an IPv4 address");
      plan.path.relayed = relay4 = true;
    } else if (flag == "--relay6") {
      if (!ParseIpv6(v, &plan.path.relay6)) return Usage("--relay6: '" + v + "' is not an IPv6 address");
      plan.path.relayed = relay6 = true;
    } else if (flag == "--server-duid") {
      if (!ParseHex(v, &plan.path.server_duid, &plan.path.server_duid_len)) {
        return Usage("--server-duid: '" + v + "' is not 1.." + std::to_string(kMaxDuidSize) +
                     " bytes in hex");
      }
      server_duid = true;
    } else if (flag == "--address6-base") {
      if (!ParseIpv6(v, &plan.address6_base)) return Usage("--address6-base: '" + v + "'");
    } else if (flag == "--prefix6-base") {
      if (!ParseIpv6(v, &plan.prefix6_base)) return Usage("--prefix6-base: '" + v + "'");
    } else if (flag == "--prefix6-len") {
      if (!ParseUnsigned(v, 128, &n) || n == 0) return Usage("--prefix6-len: '" + v + "' (1..128)");
      plan.prefix6_len = static_cast<uint8_t>(n);
    } else if (flag == "--relay-mac") {
      if (!ParseMac(v, &plan.path.src_mac)) return Usage("--relay-mac: '" + v + "'");
    } else if (flag == "--server") {
      if (!ParseIpv4(v, &plan.path.server_ip)) return Usage("--server: '" + v + "' is not an IPv4 address");
    } else if (flag == "--server-mac") {
      if (!ParseMac(v, &plan.path.server_mac)) return Usage("--server-mac: '" + v + "'");
    } else if (flag == "--vlan") {
      if (!ParseUnsigned(v, 4094, &n) || n == 0) return Usage("--vlan: '" + v + "' (1..4094)");
      plan.path.vlan = static_cast<uint16_t>(n);
    } else if (flag == "--subnet-base") {
      if (!ParseIpv4(v, &plan.subnet_base)) return Usage("--subnet-base: '" + v + "'");
    } else if (flag == "--mac-prefix") {
      if (!ParseUnsigned(v, 255, &n, 16) || (n & 1)) {
        return Usage("--mac-prefix: '" + v + "' is not a unicast byte in hex");
      }
      plan.mac_prefix = static_cast<uint8_t>(n);
    } else {
      return Usage("unknown option " + flag);
    }
  }
  if (out.empty()) return Usage("--out FILE is required");
  const bool v6 = PcapKindIsDhcp6(plan.kind);
  if (v6 && relay4) return Usage("--relay is DHCPv4's; a DHCPv6 kind is relayed with --relay6");
  if (!v6 && (relay6 || server_duid)) {
    return Usage("--relay6 and --server-duid are for the DHCPv6 kinds (solicit, request6, renew6)");
  }
  if (v6 && !server_duid) {  // DUID-LL (type 3, hardware type 1) of the server's MAC
    const uint8_t head[4] = {0, 3, 0, 1};
    std::copy(std::begin(head), std::end(head), plan.path.server_duid.begin());
    std::copy(plan.path.server_mac.begin(), plan.path.server_mac.end(),
              plan.path.server_duid.begin() + 4);
    plan.path.server_duid_len = 10;
  }
  if (plan.kind == PcapKind::kMixed && !plan.path.relayed) {
    plan.path.relayed = true;
    plan.path.giaddr = 0x0a000002;  // 10.0.0.2
  }
  if (!v6 && uint64_t{plan.subnet_base} + plan.clients - 1 > 0xffffffffULL) {
    return Usage("--subnet-base + --clients runs past 255.255.255.255");
  }

  const std::vector<uint8_t> file = BuildPcap(plan);
  FILE* f = std::fopen(out.c_str(), "wb");
  if (f == nullptr) {
    std::perror(("fastlease-pcapgen: " + out).c_str());
    return 1;
  }
  const bool ok = std::fwrite(file.data(), 1, file.size(), f) == file.size();
  if (std::fclose(f) != 0 || !ok) {
    std::perror(("fastlease-pcapgen: writing " + out).c_str());
    return 1;
  }
  fmt::print("{}: {} {} frames ({}{}), {} bytes\n", out, plan.clients, PcapKindName(plan.kind),
             plan.path.relayed ? "relayed" : "direct",
             plan.path.vlan ? fmt::format(", vlan {}", plan.path.vlan) : std::string(),
             file.size());
  return 0;
}

}  // namespace
}  // namespace fastlease::perf

int main(int argc, char** argv) { return fastlease::perf::Main(argc, argv); }
