// The DHCPv6 server logic against RFC 8415 §18.3 (what the server answers) and
// §16 (which messages it discards), one test per rule.
//
// Requests are written as bytes by the small writer below and parsed with
// dhcp6::Parse, exactly as the worker does; replies are walked back with a
// test-side reader (dhcp6::Parse refuses server messages).
#include "dataplane/dhcp6/server6.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "dataplane/dhcp6/builder6.h"
#include "leasedb/lease_store.h"

namespace fastlease::dhcp6 {
namespace {

using leasedb::ChangeOp;
using leasedb::ChangeRecord6;
using leasedb::ClientKey6;
using leasedb::Lease6;
using leasedb::Lease6Shard;
using leasedb::Lease6Type;
using leasedb::LeaseState;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kNow = 1'700'000'000;

Ip6 A(const char* text) {
  Ip6 a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, a.data()), 1) << text;
  return a;
}

std::string Text(const Ip6& a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
  return buf;
}

// ---------------------------------------------------------------- request writer

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes Be16(uint16_t v) { return {uint8_t(v >> 8), uint8_t(v)}; }
Bytes Be32(uint32_t v) { return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}; }
Bytes B(const Ip6& a) { return Bytes(a.begin(), a.end()); }
Bytes S(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes Opt(uint16_t code, const Bytes& data) {
  return Cat({Be16(code), Be16(uint16_t(data.size())), data});
}

Bytes IaAddr(const Ip6& a, uint32_t preferred = 0, uint32_t valid = 0) {
  return Opt(opt::kIaAddr, Cat({B(a), Be32(preferred), Be32(valid)}));
}
Bytes IaPrefix(const Ip6& p, uint8_t len, uint32_t preferred = 0, uint32_t valid = 0) {
  return Opt(opt::kIaPrefix, Cat({Be32(preferred), Be32(valid), {len}, B(p)}));
}
Bytes IaNa(uint32_t iaid, const Bytes& sub = {}) {
  return Opt(opt::kIaNa, Cat({Be32(iaid), Be32(0), Be32(0), sub}));
}
Bytes IaTa(uint32_t iaid, const Bytes& sub = {}) { return Opt(opt::kIaTa, Cat({Be32(iaid), sub})); }
Bytes IaPd(uint32_t iaid, const Bytes& sub = {}) {
  return Opt(opt::kIaPd, Cat({Be32(iaid), Be32(0), Be32(0), sub}));
}
Bytes Oro(std::initializer_list<uint16_t> codes) {
  Bytes d;
  for (uint16_t c : codes) {
    d.push_back(uint8_t(c >> 8));
    d.push_back(uint8_t(c));
  }
  return Opt(opt::kOro, d);
}
Bytes ClientIdOpt(const Bytes& duid) { return Opt(opt::kClientId, duid); }
Bytes ServerIdOpt(const Bytes& duid) { return Opt(opt::kServerId, duid); }
Bytes InterfaceIdOpt(std::string_view id) { return Opt(opt::kInterfaceId, S(id)); }
Bytes RapidCommitOpt() { return Opt(opt::kRapidCommit, {}); }

Bytes Message(MessageType type, const Bytes& options, uint32_t xid = 0xabcdef) {
  return Cat({{uint8_t(type), uint8_t(xid >> 16), uint8_t(xid >> 8), uint8_t(xid)}, options});
}

// A Relay-Forw around `inner`: header, `options`, then the Relay-Message option.
Bytes RelayForw(uint8_t hop, const Ip6& link, const Ip6& peer, const Bytes& inner,
                const Bytes& options = {}) {
  return Cat({{uint8_t(MessageType::kRelayForw), hop}, B(link), B(peer), options,
              Opt(opt::kRelayMsg, inner)});
}

// Client DUIDs: DUID-LLT (time 0x2c9bf600) and DUID-LL of MAC 02:00:00:00:01:nn.
Bytes DuidLlt(uint8_t n) { return {0, 1, 0, 1, 0x2c, 0x9b, 0xf6, 0x00, 2, 0, 0, 0, 1, n}; }
Bytes DuidLlOf(const Bytes& mac) { return Cat({{0, 3, 0, 1}, mac}); }
Bytes DuidLltOf(const Bytes& mac) { return Cat({{0, 1, 0, 1, 0x11, 0x22, 0x33, 0x44}, mac}); }

const Bytes kServerDuid = {0, 1, 0, 1, 0x2c, 0x9b, 0xf6, 0x00, 2, 0, 0, 0, 0, 1};
const Bytes kReservedDuid = {0, 2, 0, 0, 0x09, 0xbf, 'r', 'e', 's', 'v'};  // DUID-EN
const Bytes kReservedMac = {2, 0, 0, 0, 0, 0x77};

// ---------------------------------------------------------------- reply walker

template <class F>
bool ForEachTlv(std::span<const uint8_t> run, F&& f) {
  size_t pos = 0;
  while (pos < run.size()) {
    if (run.size() - pos < 4) return false;
    const uint16_t code = LoadBe16(run.data() + pos);
    const size_t len = LoadBe16(run.data() + pos + 2);
    if (run.size() - pos - 4 < len) return false;
    f(code, run.subspan(pos + 4, len));
    pos += 4 + len;
  }
  return true;
}

std::optional<uint16_t> StatusIn(std::span<const uint8_t> tlvs) {
  std::span<const uint8_t> s;
  if (!FindOption(tlvs, opt::kStatusCode, &s) || s.size() < 2) return std::nullopt;
  return LoadBe16(s.data());
}

struct Entry {
  Ip6 address{};
  uint8_t prefix_len = 128;
  uint32_t preferred = 0;
  uint32_t valid = 0;
  std::optional<Bytes> pd_exclude;
  std::optional<uint16_t> status;
};

struct IaReply {
  uint16_t code = 0;
  uint32_t iaid = 0;
  uint32_t t1 = 0;
  uint32_t t2 = 0;
  std::vector<Entry> entries;
  std::optional<uint16_t> status;
};

struct RelayReply {
  uint8_t hop = 0;
  Ip6 link{};
  Ip6 peer{};
  std::optional<Bytes> interface_id;
};

struct Reply {
  bool ok = false;
  std::vector<RelayReply> relays;  // outermost first
  uint8_t type = 0;
  uint32_t xid = 0;
  Bytes options;                // the client message's option TLVs
  std::vector<uint16_t> codes;  // top-level option codes, in order
  std::vector<IaReply> ias;

  std::optional<Bytes> Option(uint16_t code) const {
    std::span<const uint8_t> s;
    if (!FindOption(options, code, &s)) return std::nullopt;
    return Bytes(s.begin(), s.end());
  }
  bool Has(uint16_t code) const { return Option(code).has_value(); }
  std::optional<uint16_t> Status() const { return StatusIn(options); }
  const IaReply* Ia(uint16_t code, uint32_t iaid) const {
    for (const IaReply& ia : ias) {
      if (ia.code == code && ia.iaid == iaid) return &ia;
    }
    return nullptr;
  }
};

Entry ReadEntry(uint16_t code, std::span<const uint8_t> d, bool* ok) {
  Entry e;
  std::span<const uint8_t> sub;
  if (code == opt::kIaAddr) {
    if (d.size() < 24) return *ok = false, e;
    std::copy(d.begin(), d.begin() + 16, e.address.begin());
    e.preferred = LoadBe32(d.data() + 16);
    e.valid = LoadBe32(d.data() + 20);
    sub = d.subspan(24);
  } else {
    if (d.size() < 25) return *ok = false, e;
    e.preferred = LoadBe32(d.data());
    e.valid = LoadBe32(d.data() + 4);
    e.prefix_len = d[8];
    std::copy(d.begin() + 9, d.begin() + 25, e.address.begin());
    sub = d.subspan(25);
  }
  *ok &= ForEachTlv(sub, [](uint16_t, std::span<const uint8_t>) {});
  std::span<const uint8_t> x;
  if (FindOption(sub, opt::kPdExclude, &x)) e.pd_exclude = Bytes(x.begin(), x.end());
  e.status = StatusIn(sub);
  return e;
}

Reply ReadReply(std::span<const uint8_t> b) {
  Reply r;
  while (!b.empty() && b[0] == uint8_t(MessageType::kRelayRepl)) {
    if (b.size() < kRelayHeaderSize) return r;
    RelayReply rr;
    rr.hop = b[1];
    std::copy(b.begin() + 2, b.begin() + 18, rr.link.begin());
    std::copy(b.begin() + 18, b.begin() + 34, rr.peer.begin());
    const std::span<const uint8_t> opts = b.subspan(kRelayHeaderSize);
    if (!ForEachTlv(opts, [](uint16_t, std::span<const uint8_t>) {})) return r;
    std::span<const uint8_t> s;
    if (FindOption(opts, opt::kInterfaceId, &s)) rr.interface_id = Bytes(s.begin(), s.end());
    r.relays.push_back(rr);
    if (!FindOption(opts, opt::kRelayMsg, &s)) return r;
    b = s;
  }
  if (b.size() < kClientHeaderSize) return r;
  r.type = b[0];
  r.xid = uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  r.options.assign(b.begin() + 4, b.end());
  bool ok = true;
  ok &= ForEachTlv(r.options, [&](uint16_t code, std::span<const uint8_t> d) {
    r.codes.push_back(code);
    if (code != opt::kIaNa && code != opt::kIaTa && code != opt::kIaPd) return;
    IaReply ia;
    ia.code = code;
    const size_t fixed = code == opt::kIaTa ? 4 : 12;
    if (d.size() < fixed) {
      ok = false;
      return;
    }
    ia.iaid = LoadBe32(d.data());
    if (code != opt::kIaTa) {
      ia.t1 = LoadBe32(d.data() + 4);
      ia.t2 = LoadBe32(d.data() + 8);
    }
    ok &= ForEachTlv(d.subspan(fixed), [&](uint16_t c, std::span<const uint8_t> s) {
      if (c == opt::kIaAddr || c == opt::kIaPrefix) ia.entries.push_back(ReadEntry(c, s, &ok));
      if (c == opt::kStatusCode) ia.status = s.size() >= 2 ? std::optional(LoadBe16(s.data())) : std::nullopt;
    });
    r.ias.push_back(ia);
  });
  r.ok = ok;
  return r;
}

// ---------------------------------------------------------------- configuration

config::Pool6 Pool(const char* first, const char* last, uint64_t size) {
  config::Pool6 p;
  p.first = A(first);
  p.last = A(last);
  p.size = size;
  return p;
}

config::Subnet6 Subnet(uint32_t id, const char* prefix) {
  config::Subnet6 s;
  s.id = id;
  s.prefix = A(prefix);
  s.prefix_len = 64;
  return s;
}

// Ports: veth0 (2001:db8:1::1/64), veth1 (2001:db8:9::1/64), veth2 (no address).
// Subnets and how each is reached:
//   1  2001:db8:1::/64   interface veth0; pool ::100-::1ff, pd-pool 2001:db8:100::/48
//                        delegating /56 excluding 2001:db8:100:ac::/62; lifetimes
//                        3000/4000 (1000..5000, 2000..8000), T1/T2 calculated 0.5/0.8;
//                        reservations by DUID (::150 + 2001:db8:100:ee00::/56, in the
//                        pools) and by hw-address (::abcd, out of pool)
//   2  2001:db8:2::/64   relay interface-id "ifid-2"; T1/T2 explicit 1000/2000
//   3  2001:db8:3::/64   relay ip-address 2001:db8:ffff::3
//   4  2001:db8:4::/64   relay link-address inside the prefix
//   5  2001:db8:9::/64   direct on veth1 through the port's address6
//   6  2001:db8:6::/64   interface veth1.100
//  10  2001:db8:10::/64  shared network "sn" with 11; a pool of one (::5)
//  11  2001:db8:11::/64  shared network "sn"; pool ::5-::6
config::Config BaseConfig() {
  config::Config c;
  c.source = "test.json";
  c.dhcp6.enabled = true;
  config::Port p0, p1, p2;
  p0.device = "net_af_packet0,iface=veth0";
  p0.addresses6 = {{A("2001:db8:1::1"), 64}};
  p1.device = "net_af_packet1,iface=veth1";
  p1.addresses6 = {{A("2001:db8:9::1"), 64}};
  p2.device = "net_af_packet2,iface=veth2";
  c.dataplane.ports = {p0, p1, p2};

  config::Subnet6 s1 = Subnet(1, "2001:db8:1::");
  s1.interface = "veth0";
  s1.pools.push_back(Pool("2001:db8:1::100", "2001:db8:1::1ff", 256));
  config::PdPool pd;
  pd.prefix = A("2001:db8:100::");
  pd.prefix_len = 48;
  pd.delegated_len = 56;
  pd.size = 256;
  pd.excluded_prefix = A("2001:db8:100:ac::");
  pd.excluded_prefix_len = 62;
  s1.pd_pools.push_back(pd);
  s1.preferred_lifetime = 3000;
  s1.min_preferred_lifetime = 1000;
  s1.max_preferred_lifetime = 5000;
  s1.valid_lifetime = 4000;
  s1.min_valid_lifetime = 2000;
  s1.max_valid_lifetime = 8000;
  s1.options.push_back({opt::kDnsServers, B(A("2001:db8:1::53")), false});
  s1.options.push_back({opt::kInformationRefreshTime, Be32(3600), false});
  config::Reservation6 by_duid;
  by_duid.identifier_type = config::HostIdentifier::kDuid;
  by_duid.identifier = kReservedDuid;
  by_duid.ip_addresses = {A("2001:db8:1::150")};
  by_duid.prefixes = {{A("2001:db8:100:ee00::"), 56}};
  by_duid.options.push_back({opt::kDnsServers, B(A("2001:db8:1::99")), false});
  s1.reservations.push_back(by_duid);
  config::Reservation6 by_hw;
  by_hw.identifier_type = config::HostIdentifier::kHwAddress;
  by_hw.identifier = kReservedMac;
  by_hw.ip_addresses = {A("2001:db8:1::abcd")};
  s1.reservations.push_back(by_hw);
  c.dhcp6.subnets.push_back(s1);

  config::Subnet6 s2 = Subnet(2, "2001:db8:2::");
  s2.interface_id = S("ifid-2");
  s2.pools.push_back(Pool("2001:db8:2::10", "2001:db8:2::1f", 16));
  s2.renew_timer = 1000;
  s2.rebind_timer = 2000;
  c.dhcp6.subnets.push_back(s2);

  config::Subnet6 s3 = Subnet(3, "2001:db8:3::");
  s3.relay_addresses = {A("2001:db8:ffff::3")};
  s3.pools.push_back(Pool("2001:db8:3::10", "2001:db8:3::1f", 16));
  c.dhcp6.subnets.push_back(s3);

  config::Subnet6 s4 = Subnet(4, "2001:db8:4::");
  s4.pools.push_back(Pool("2001:db8:4::10", "2001:db8:4::1f", 16));
  c.dhcp6.subnets.push_back(s4);

  config::Subnet6 s5 = Subnet(5, "2001:db8:9::");
  s5.pools.push_back(Pool("2001:db8:9::10", "2001:db8:9::1f", 16));
  c.dhcp6.subnets.push_back(s5);

  config::Subnet6 s6 = Subnet(6, "2001:db8:6::");
  s6.interface = "veth1.100";
  s6.pools.push_back(Pool("2001:db8:6::10", "2001:db8:6::1f", 16));
  c.dhcp6.subnets.push_back(s6);

  config::SharedNetwork6 sn;
  sn.name = "sn";
  c.dhcp6.shared_networks.push_back(sn);
  config::Subnet6 s10 = Subnet(10, "2001:db8:10::");
  s10.pools.push_back(Pool("2001:db8:10::5", "2001:db8:10::5", 1));
  s10.shared_network = 0;
  c.dhcp6.subnets.push_back(s10);
  config::Subnet6 s11 = Subnet(11, "2001:db8:11::");
  s11.pools.push_back(Pool("2001:db8:11::5", "2001:db8:11::6", 2));
  s11.shared_network = 0;
  c.dhcp6.subnets.push_back(s11);

  c.dhcp6.options.push_back({opt::kDnsServers, B(A("2001:db8::53")), false});
  c.dhcp6.options.push_back({opt::kDomainSearch, {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}, false});
  c.dhcp6.options.push_back({opt::kSntpServers, B(A("2001:db8::123")), true});
  c.dhcp6.options.push_back({opt::kInformationRefreshTime, Be32(86400), true});
  return c;
}

config::Subnet6& SubnetIn(config::Config& c, uint32_t id) {
  for (config::Subnet6& s : c.dhcp6.subnets) {
    if (s.id == id) return s;
  }
  ADD_FAILURE() << "no subnet " << id;
  return c.dhcp6.subnets[0];
}

// ---------------------------------------------------------------- fixture

struct Result {
  HandleResult6 r;
  Reply reply;
};

class Server6Test : public ::testing::Test {
 protected:
  Server6Test() { Compile(BaseConfig()); }

  void Compile(const config::Config& c, uint32_t shards = 1) {
    pools_ = std::make_unique<leasedb::PoolRegistry>(shards);
    auto r = CompileServerConfig6(c, *pools_, kServerDuid);
    ASSERT_TRUE(r.ok()) << r.status();
    cfg_ = *r;
    shard_ = std::make_unique<Lease6Shard>(0, 64, 4096);
  }

  RequestContext6 Direct(uint16_t port = 0, uint16_t vlan = 0) const {
    RequestContext6 ctx;
    ctx.now = now_;
    ctx.port = port;
    ctx.vlan = vlan;
    ctx.src = A("fe80::2:ff:fe00:1");
    return ctx;
  }
  RequestContext6 FromRelay() const {
    RequestContext6 ctx = Direct();
    ctx.src = A("2001:db8:ffff::1");
    return ctx;
  }

  Result Send(const Bytes& bytes, const RequestContext6& ctx) {
    request_ = bytes;
    msg_ = std::make_unique<Dhcp6Message>();
    const ParseError e = Parse(request_, *msg_);
    EXPECT_EQ(e, ParseError::kNone) << ParseErrorName(e);
    Result out;
    out.r = HandleDhcp6(*cfg_, *shard_, *msg_, ctx, reply_buf_);
    if (out.r.outcome != Outcome6::kDrop) {
      out.reply = ReadReply({reply_buf_.data(), out.r.length});
      EXPECT_TRUE(out.reply.ok);
      EXPECT_EQ(out.reply.type, uint8_t(out.r.reply_type));
      EXPECT_EQ(out.reply.xid, msg_->xid());
    }
    return out;
  }
  Result Send(const Bytes& bytes) { return Send(bytes, Direct()); }

  // Client messages: Solicit/Confirm/Rebind carry no Server ID; the others carry ours.
  Bytes Client(MessageType type, const Bytes& duid, const Bytes& body) const {
    const bool with_server = type == MessageType::kRequest || type == MessageType::kRenew ||
                             type == MessageType::kRelease || type == MessageType::kDecline;
    return Message(type, Cat({ClientIdOpt(duid), with_server ? ServerIdOpt(kServerDuid) : Bytes{},
                              Opt(opt::kElapsedTime, Be16(0)), body}));
  }

  // Solicit then Request for IA_NA `iaid` (and IA_PD `iaid` when `pd`); the reply.
  Reply Bind(const Bytes& duid, uint32_t iaid = 1, bool pd = false) {
    const Bytes ias = Cat({IaNa(iaid), pd ? IaPd(iaid) : Bytes{}});
    Result adv = Send(Client(MessageType::kSolicit, duid, ias));
    EXPECT_EQ(adv.r.outcome, Outcome6::kSend);
    Result rep = Send(Client(MessageType::kRequest, duid, ias));
    EXPECT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
    EXPECT_EQ(rep.r.reply_type, MessageType::kReply);
    return rep.reply;
  }

  static Ip6 AddressOf(const Reply& r, uint32_t iaid = 1) {
    const IaReply* ia = r.Ia(opt::kIaNa, iaid);
    EXPECT_NE(ia, nullptr);
    if (ia == nullptr || ia->entries.empty()) {
      ADD_FAILURE() << "IA_NA " << iaid << " has no address";
      return {};
    }
    return ia->entries[0].address;
  }
  static Ip6 PrefixOf(const Reply& r, uint32_t iaid = 1) {
    const IaReply* ia = r.Ia(opt::kIaPd, iaid);
    EXPECT_NE(ia, nullptr);
    if (ia == nullptr || ia->entries.empty()) {
      ADD_FAILURE() << "IA_PD " << iaid << " has no prefix";
      return {};
    }
    return ia->entries[0].address;
  }

  Lease6* Find(const Bytes& duid, uint32_t iaid, Lease6Type type = Lease6Type::kNa) {
    return shard_->Find(ClientKey6::Make(duid, iaid, type));
  }

  // The free bit of `a` (an address, or a prefix of `len`) in subnet `id`'s pools.
  bool IsFree(uint32_t id, const Ip6& a, uint8_t len = 128) const {
    const CompiledSubnet6* s = cfg_->SubnetById(id);
    EXPECT_NE(s, nullptr);
    int64_t slot = -1;
    const CompiledPool6* p = s != nullptr ? cfg_->PoolOf(*s, a, len, &slot) : nullptr;
    EXPECT_NE(p, nullptr) << Text(a) << "/" << int(len) << " is in no pool of subnet " << id;
    return p != nullptr && p->pool->IsFree(uint32_t(slot + 1));
  }

  std::vector<ChangeRecord6> Drain() {
    std::vector<ChangeRecord6> out(8192);
    out.resize(shard_->DrainChanges(out.data(), out.size()));
    return out;
  }

  uint32_t now_ = kNow;
  std::unique_ptr<leasedb::PoolRegistry> pools_;
  std::shared_ptr<const ServerConfig6> cfg_;
  std::unique_ptr<Lease6Shard> shard_;
  Bytes request_;
  std::unique_ptr<Dhcp6Message> msg_;
  std::array<uint8_t, 1500> reply_buf_{};
};

bool InRange(const Ip6& a, const char* first, const char* last) {
  return ToU128(a) >= ToU128(A(first)) && ToU128(a) <= ToU128(A(last));
}

// ---------------------------------------------------------------- Solicit / Request

TEST_F(Server6Test, SolicitAdvertisesAnAddressAndAPrefixWithoutWritingTheStore) {
  const Bytes duid = DuidLlt(1);
  Result adv = Send(Client(MessageType::kSolicit, duid, Cat({IaNa(7), IaPd(8)})));
  ASSERT_EQ(adv.r.outcome, Outcome6::kSend);
  EXPECT_EQ(adv.r.reply_type, MessageType::kAdvertise);
  EXPECT_EQ(adv.r.durable_seq, 0u);
  EXPECT_EQ(adv.r.addresses, 1);
  EXPECT_EQ(adv.r.prefixes, 1);
  const Reply& r = adv.reply;
  EXPECT_EQ(r.type, uint8_t(MessageType::kAdvertise));
  EXPECT_EQ(r.xid, 0xabcdefu);
  EXPECT_EQ(r.Option(opt::kServerId), kServerDuid);
  EXPECT_EQ(r.Option(opt::kClientId), duid);
  EXPECT_FALSE(r.Has(opt::kPreference));  // preference 0: not sent
  EXPECT_FALSE(r.Has(opt::kRapidCommit));
  EXPECT_FALSE(r.Status().has_value());

  const IaReply* na = r.Ia(opt::kIaNa, 7);
  ASSERT_NE(na, nullptr);
  EXPECT_FALSE(na->status.has_value());
  EXPECT_EQ(na->t1, 1500u);  // 0.5 × preferred 3000
  EXPECT_EQ(na->t2, 2400u);  // 0.8 × preferred 3000
  ASSERT_EQ(na->entries.size(), 1u);
  const Ip6 address = na->entries[0].address;
  EXPECT_TRUE(InRange(address, "2001:db8:1::100", "2001:db8:1::1ff")) << Text(address);
  EXPECT_EQ(na->entries[0].preferred, 3000u);
  EXPECT_EQ(na->entries[0].valid, 4000u);

  const IaReply* pd = r.Ia(opt::kIaPd, 8);
  ASSERT_NE(pd, nullptr);
  EXPECT_EQ(pd->t1, 1500u);
  EXPECT_EQ(pd->t2, 2400u);
  ASSERT_EQ(pd->entries.size(), 1u);
  const Ip6 prefix = pd->entries[0].address;
  EXPECT_EQ(pd->entries[0].prefix_len, 56);
  EXPECT_TRUE(InPrefix(prefix, A("2001:db8:100::"), 48)) << Text(prefix);
  EXPECT_EQ(ToU128(prefix) & ((U128(1) << 72) - 1), 0u) << "not a /56 boundary";
  EXPECT_EQ(pd->entries[0].preferred, 3000u);
  EXPECT_EQ(pd->entries[0].valid, 4000u);

  // Held, not written: the pool bits are taken, the shard's ring is untouched.
  EXPECT_EQ(shard_->last_seq(), 0u);
  EXPECT_FALSE(shard_->HasPendingChanges());
  EXPECT_FALSE(IsFree(1, address));
  EXPECT_FALSE(IsFree(1, prefix, 56));
  Lease6* l = Find(duid, 7);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->state, LeaseState::kOffered);
  EXPECT_EQ(l->expire, kNow + 10);  // offer-lifetime

  // The Request gets the same address and prefix, and is written.
  now_ += 2;
  Result rep = Send(Client(MessageType::kRequest, duid, Cat({IaNa(7), IaPd(8)})));
  ASSERT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(rep.r.reply_type, MessageType::kReply);
  EXPECT_GT(rep.r.durable_seq, 0u);
  EXPECT_EQ(rep.r.durable_seq, shard_->last_seq());
  EXPECT_EQ(shard_->last_seq(), 2u);  // one record per IA
  EXPECT_EQ(AddressOf(rep.reply, 7), address);
  EXPECT_EQ(PrefixOf(rep.reply, 8), prefix);
  EXPECT_EQ(rep.reply.Option(opt::kServerId), kServerDuid);
  EXPECT_EQ(rep.reply.Option(opt::kClientId), duid);
  EXPECT_FALSE(rep.reply.Has(opt::kPreference));
  l = Find(duid, 7);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->state, LeaseState::kBound);
  EXPECT_EQ(l->expire, now_ + 4000);
  EXPECT_EQ(l->valid, 4000u);
  EXPECT_EQ(l->preferred, 3000u);
  EXPECT_EQ(l->subnet_id, 1u);
  Lease6* lp = Find(duid, 8, Lease6Type::kPd);
  ASSERT_NE(lp, nullptr);
  EXPECT_EQ(lp->state, LeaseState::kBound);
  EXPECT_EQ(lp->prefix_len, 56);
  EXPECT_EQ(lp->address, prefix);
  const std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 2u);
  for (const ChangeRecord6& c : recs) {
    EXPECT_EQ(c.op, ChangeOp::kPut);
    EXPECT_EQ(c.lease.state, LeaseState::kBound);
  }
}

TEST_F(Server6Test, PreferenceIsSentInAdvertiseOnly) {
  config::Config c = BaseConfig();
  c.dhcp6.preference = 200;
  Compile(c);
  const Bytes duid = DuidLlt(1);
  Result adv = Send(Client(MessageType::kSolicit, duid, IaNa(1)));
  ASSERT_EQ(adv.r.reply_type, MessageType::kAdvertise);
  EXPECT_EQ(adv.reply.Option(opt::kPreference), Bytes{200});
  Result rep = Send(Client(MessageType::kRequest, duid, IaNa(1)));
  ASSERT_EQ(rep.r.reply_type, MessageType::kReply);
  EXPECT_FALSE(rep.reply.Has(opt::kPreference));
}

TEST_F(Server6Test, ExplicitRenewAndRebindTimers) {
  // Subnet 2 (relay interface-id): renew-timer 1000, rebind-timer 2000.
  const Bytes inner = Client(MessageType::kSolicit, DuidLlt(1), IaNa(1));
  Result adv = Send(RelayForw(0, A("::"), A("fe80::1"), inner, InterfaceIdOpt("ifid-2")),
                    FromRelay());
  ASSERT_EQ(adv.r.reply_type, MessageType::kAdvertise);
  const IaReply* na = adv.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->t1, 1000u);
  EXPECT_EQ(na->t2, 2000u);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].preferred, 3600u);
  EXPECT_EQ(na->entries[0].valid, 7200u);
}

TEST_F(Server6Test, HintedLifetimesAreClampedToTheSubnetBounds) {
  const Ip6 any = A("::");
  Result big = Send(Client(MessageType::kSolicit, DuidLlt(1), IaNa(1, IaAddr(any, 100000, 100000))));
  const IaReply* na = big.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].preferred, 5000u);  // max-preferred-lifetime
  EXPECT_EQ(na->entries[0].valid, 8000u);      // max-valid-lifetime
  EXPECT_EQ(na->t1, 2500u);
  EXPECT_EQ(na->t2, 4000u);
  Result small = Send(Client(MessageType::kSolicit, DuidLlt(2), IaNa(1, IaAddr(any, 10, 20))));
  na = small.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].preferred, 1000u);
  EXPECT_EQ(na->entries[0].valid, 2000u);
}

TEST_F(Server6Test, AHintInThePoolIsHonoured) {
  const Ip6 want = A("2001:db8:1::1a0");
  Result adv = Send(Client(MessageType::kSolicit, DuidLlt(1), IaNa(1, IaAddr(want))));
  EXPECT_EQ(AddressOf(adv.reply), want);
  // Taken now: a second client hinting it gets another one.
  Result other = Send(Client(MessageType::kSolicit, DuidLlt(2), IaNa(1, IaAddr(want))));
  EXPECT_NE(AddressOf(other.reply), want);
}

TEST_F(Server6Test, RapidCommitSolicitIsAnsweredWithACommittedReply) {
  config::Config c = BaseConfig();
  SubnetIn(c, 1).rapid_commit = true;
  Compile(c);
  const Bytes duid = DuidLlt(1);
  Result rep = Send(Client(MessageType::kSolicit, duid, Cat({IaNa(1), IaPd(2), RapidCommitOpt()})));
  ASSERT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(rep.r.reply_type, MessageType::kReply);
  EXPECT_EQ(rep.reply.type, uint8_t(MessageType::kReply));
  EXPECT_EQ(rep.reply.Option(opt::kRapidCommit), Bytes{});
  EXPECT_EQ(rep.r.durable_seq, 2u);
  EXPECT_EQ(shard_->last_seq(), 2u);
  Lease6* l = Find(duid, 1);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->state, LeaseState::kBound);
  EXPECT_EQ(l->address, AddressOf(rep.reply));
  Lease6* lp = Find(duid, 2, Lease6Type::kPd);
  ASSERT_NE(lp, nullptr);
  EXPECT_EQ(lp->state, LeaseState::kBound);
  EXPECT_EQ(lp->address, PrefixOf(rep.reply, 2));
}

TEST_F(Server6Test, RapidCommitWithoutTheSubnetAllowingItIsAnAdvertise) {
  const Bytes duid = DuidLlt(1);
  Result adv = Send(Client(MessageType::kSolicit, duid, Cat({IaNa(1), RapidCommitOpt()})));
  ASSERT_EQ(adv.r.outcome, Outcome6::kSend);
  EXPECT_EQ(adv.r.reply_type, MessageType::kAdvertise);
  EXPECT_FALSE(adv.reply.Has(opt::kRapidCommit));
  EXPECT_EQ(shard_->last_seq(), 0u);
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kOffered);
}

TEST_F(Server6Test, EveryIaGetsItsOwnLeaseAndIaTaGetsNoAddrsAvail) {
  const Bytes duid = DuidLlt(1);
  const Bytes ias = Cat({IaNa(1), IaNa(2), IaPd(3), IaTa(4)});
  Result adv = Send(Client(MessageType::kSolicit, duid, ias));
  ASSERT_EQ(adv.r.reply_type, MessageType::kAdvertise);
  EXPECT_EQ(adv.r.addresses, 2);
  EXPECT_EQ(adv.r.prefixes, 1);
  ASSERT_EQ(adv.reply.ias.size(), 4u);
  const Ip6 a1 = AddressOf(adv.reply, 1);
  const Ip6 a2 = AddressOf(adv.reply, 2);
  EXPECT_NE(a1, a2);
  EXPECT_EQ(adv.reply.Ia(opt::kIaPd, 3)->entries.size(), 1u);
  const IaReply* ta = adv.reply.Ia(opt::kIaTa, 4);
  ASSERT_NE(ta, nullptr);
  EXPECT_TRUE(ta->entries.empty());
  EXPECT_EQ(ta->status, uint16_t(StatusCode::kNoAddrsAvail));
  EXPECT_EQ(shard_->size(), 3u);  // nothing kept for the IA_TA

  Result rep = Send(Client(MessageType::kRequest, duid, ias));
  ASSERT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(rep.reply, 1), a1);
  EXPECT_EQ(AddressOf(rep.reply, 2), a2);
  EXPECT_EQ(rep.reply.Ia(opt::kIaTa, 4)->status, uint16_t(StatusCode::kNoAddrsAvail));
  EXPECT_EQ(shard_->last_seq(), 3u);
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kBound);
  EXPECT_EQ(Find(duid, 2)->state, LeaseState::kBound);
  EXPECT_EQ(Find(duid, 3, Lease6Type::kPd)->state, LeaseState::kBound);
}

TEST_F(Server6Test, ExhaustedPoolsGiveNoAddrsAvailAndNoPrefixAvailInsideTheIa) {
  config::Config c = BaseConfig();
  config::Subnet6& s = SubnetIn(c, 1);
  s.pools = {Pool("2001:db8:1::100", "2001:db8:1::100", 1)};
  s.pd_pools[0].size = 1;
  s.reservations.clear();
  Compile(c);
  Reply first = Bind(DuidLlt(1), 1, true);
  EXPECT_EQ(AddressOf(first), A("2001:db8:1::100"));
  EXPECT_EQ(PrefixOf(first), A("2001:db8:100::"));

  for (MessageType t : {MessageType::kSolicit, MessageType::kRequest}) {
    const uint64_t seq = shard_->last_seq();
    Result r = Send(Client(t, DuidLlt(2), Cat({IaNa(1), IaPd(1)})));
    ASSERT_NE(r.r.outcome, Outcome6::kDrop) << MessageTypeName(t);
    EXPECT_EQ(r.r.outcome, Outcome6::kSend) << "nothing to write";
    EXPECT_EQ(shard_->last_seq(), seq);
    EXPECT_EQ(r.r.addresses, 0);
    EXPECT_EQ(r.r.prefixes, 0);
    EXPECT_FALSE(r.reply.Status().has_value()) << "the status is inside the IAs";
    const IaReply* na = r.reply.Ia(opt::kIaNa, 1);
    ASSERT_NE(na, nullptr);
    EXPECT_TRUE(na->entries.empty());
    EXPECT_EQ(na->status, uint16_t(StatusCode::kNoAddrsAvail));
    EXPECT_EQ(na->t1, 0u);
    EXPECT_EQ(na->t2, 0u);
    const IaReply* pd = r.reply.Ia(opt::kIaPd, 1);
    ASSERT_NE(pd, nullptr);
    EXPECT_TRUE(pd->entries.empty());
    EXPECT_EQ(pd->status, uint16_t(StatusCode::kNoPrefixAvail));
  }
}

TEST_F(Server6Test, SharedNetworkSpillsIntoItsNextSubnet) {
  auto solicit = [&](uint8_t n) {
    const Bytes inner = Client(MessageType::kSolicit, DuidLlt(n), IaNa(1));
    return RelayForw(0, A("2001:db8:10::1"), A("fe80::1"), inner);
  };
  Result a = Send(solicit(1), FromRelay());
  EXPECT_EQ(AddressOf(a.reply), A("2001:db8:10::5"));
  Result b = Send(solicit(2), FromRelay());
  EXPECT_EQ(AddressOf(b.reply), A("2001:db8:11::5"));
  Lease6* l = Find(DuidLlt(2), 1);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->subnet_id, 11u);
  // The Request, through the same relay, keeps it (the lease is on the link).
  const Bytes request = RelayForw(0, A("2001:db8:10::1"), A("fe80::1"),
                                  Client(MessageType::kRequest, DuidLlt(2), IaNa(1)));
  Result rep = Send(request, FromRelay());
  ASSERT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(rep.reply), A("2001:db8:11::5"));
}

// ---------------------------------------------------------------- Renew / Rebind

TEST_F(Server6Test, RenewExtendsABoundLeaseAndWritesIt) {
  const Bytes duid = DuidLlt(1);
  Reply bound = Bind(duid, 1, true);
  const Ip6 address = AddressOf(bound);
  const Ip6 prefix = PrefixOf(bound);
  const uint64_t seq = shard_->last_seq();
  now_ += 1500;
  Result r = Send(Client(MessageType::kRenew, duid,
                         Cat({IaNa(1, IaAddr(address)), IaPd(1, IaPrefix(prefix, 56))})));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(r.r.reply_type, MessageType::kReply);
  EXPECT_EQ(r.r.durable_seq, seq + 2);
  EXPECT_EQ(shard_->last_seq(), seq + 2);
  const IaReply* na = r.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  EXPECT_FALSE(na->status.has_value());
  EXPECT_EQ(na->t1, 1500u);
  EXPECT_EQ(na->t2, 2400u);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].address, address);
  EXPECT_EQ(na->entries[0].preferred, 3000u);
  EXPECT_EQ(na->entries[0].valid, 4000u);
  EXPECT_EQ(PrefixOf(r.reply), prefix);
  EXPECT_EQ(Find(duid, 1)->expire, now_ + 4000);
  EXPECT_EQ(Find(duid, 1, Lease6Type::kPd)->expire, now_ + 4000);
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kBound);
}

TEST_F(Server6Test, RenewOfAnUnknownIaIsNoBinding) {
  const Bytes duid = DuidLlt(1);
  Bind(duid, 1);
  const uint64_t seq = shard_->last_seq();
  Result r = Send(Client(MessageType::kRenew, duid,
                         Cat({IaNa(99, IaAddr(A("2001:db8:1::1fe"))), IaPd(98)})));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(shard_->last_seq(), seq);
  for (auto [code, iaid] : {std::pair<uint16_t, uint32_t>{opt::kIaNa, 99}, {opt::kIaPd, 98}}) {
    const IaReply* ia = r.reply.Ia(code, iaid);
    ASSERT_NE(ia, nullptr);
    EXPECT_TRUE(ia->entries.empty());
    EXPECT_EQ(ia->status, uint16_t(StatusCode::kNoBinding));
  }
  EXPECT_EQ(Find(duid, 99), nullptr);
}

TEST_F(Server6Test, RenewFromAnotherLinkGetsItsAddressWithZeroLifetimes) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  // The same client renews through a relay whose interface-id selects subnet 2.
  Result r = Send(RelayForw(0, A("::"), A("fe80::9"),
                            Client(MessageType::kRenew, duid, IaNa(1, IaAddr(address))),
                            InterfaceIdOpt("ifid-2")),
                  FromRelay());
  ASSERT_NE(r.r.outcome, Outcome6::kDrop);
  const IaReply* ia = r.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(ia, nullptr);
  EXPECT_FALSE(ia->status.has_value() && *ia->status == uint16_t(StatusCode::kNoBinding))
      << "a binding exists: not NoBinding";
  ASSERT_EQ(ia->entries.size(), 1u);
  EXPECT_EQ(ia->entries[0].address, address);
  EXPECT_EQ(ia->entries[0].valid, 0u);
  EXPECT_EQ(ia->entries[0].preferred, 0u);
}

TEST_F(Server6Test, RenewWithdrawsAnAddressThatIsNotTheClients) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  const Ip6 stray = A("2001:db8:77::1");
  Result r = Send(Client(MessageType::kRenew, duid, IaNa(1, Cat({IaAddr(address), IaAddr(stray)}))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  const IaReply* na = r.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  ASSERT_EQ(na->entries.size(), 2u);
  EXPECT_EQ(na->entries[0].address, address);
  EXPECT_EQ(na->entries[0].valid, 4000u);
  EXPECT_EQ(na->entries[1].address, stray);
  EXPECT_EQ(na->entries[1].preferred, 0u);
  EXPECT_EQ(na->entries[1].valid, 0u);
}

TEST_F(Server6Test, RebindOfAnUnknownIaBindsAnOnLinkFreeHint) {
  const Bytes duid = DuidLlt(1);
  const Ip6 hint = A("2001:db8:1::1c0");
  Result r = Send(Client(MessageType::kRebind, duid, IaNa(1, IaAddr(hint))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  const IaReply* na = r.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].address, hint);
  EXPECT_EQ(na->entries[0].valid, 4000u);
  EXPECT_EQ(na->t1, 1500u);
  Lease6* l = Find(duid, 1);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->state, LeaseState::kBound);
  EXPECT_EQ(l->address, hint);
  EXPECT_FALSE(IsFree(1, hint));
}

TEST_F(Server6Test, RebindOfAnUnknownIaWithAnOffLinkHintWithdrawsIt) {
  const Bytes duid = DuidLlt(1);
  const Ip6 hint = A("2001:db8:77::1");
  Result r = Send(Client(MessageType::kRebind, duid, IaNa(1, IaAddr(hint, 100, 200))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  const IaReply* na = r.reply.Ia(opt::kIaNa, 1);
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->t1, 0u);
  EXPECT_EQ(na->t2, 0u);
  ASSERT_EQ(na->entries.size(), 1u);
  EXPECT_EQ(na->entries[0].address, hint);
  EXPECT_EQ(na->entries[0].preferred, 0u);
  EXPECT_EQ(na->entries[0].valid, 0u);
  EXPECT_EQ(shard_->size(), 0u);
  EXPECT_EQ(shard_->last_seq(), 0u);
}

TEST_F(Server6Test, RebindOfUnknownIasWithoutEntriesIsDropped) {
  Result r = Send(Client(MessageType::kRebind, DuidLlt(1), Cat({IaNa(1), IaPd(2)})));
  EXPECT_EQ(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.r.drop, DropReason6::kRebindUnknown);
  EXPECT_EQ(shard_->size(), 0u);
}

TEST_F(Server6Test, RebindOfABoundLeaseExtendsIt) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  now_ += 3000;
  Result r = Send(Client(MessageType::kRebind, duid, IaNa(1, IaAddr(address))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(r.reply), address);
  EXPECT_EQ(Find(duid, 1)->expire, now_ + 4000);
}

// ---------------------------------------------------------------- Release / Decline

TEST_F(Server6Test, ReleaseFreesTheAddressAndAnswersSuccess) {
  const Bytes duid = DuidLlt(1);
  Reply bound = Bind(duid, 1, true);
  const Ip6 address = AddressOf(bound);
  const Ip6 prefix = PrefixOf(bound);
  ASSERT_FALSE(IsFree(1, address));
  const uint64_t seq = shard_->last_seq();
  Result r = Send(Client(MessageType::kRelease, duid,
                         Cat({IaNa(1, IaAddr(address)), IaPd(1, IaPrefix(prefix, 56))})));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(r.r.reply_type, MessageType::kReply);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kSuccess));
  EXPECT_TRUE(r.reply.ias.empty()) << "IAs only for those without a binding";
  EXPECT_EQ(r.reply.Option(opt::kServerId), kServerDuid);
  EXPECT_EQ(r.reply.Option(opt::kClientId), duid);
  EXPECT_EQ(shard_->last_seq(), seq + 2);
  EXPECT_TRUE(IsFree(1, address));
  EXPECT_TRUE(IsFree(1, prefix, 56));
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kReleased);
  EXPECT_EQ(Find(duid, 1, Lease6Type::kPd)->state, LeaseState::kReleased);
  // Affinity: the client asking again gets the same address back.
  Result again = Send(Client(MessageType::kSolicit, duid, IaNa(1)));
  EXPECT_EQ(AddressOf(again.reply), address);
}

TEST_F(Server6Test, ReleaseOfAnUnknownIaIsNoBinding) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  Result r = Send(Client(MessageType::kRelease, duid,
                         Cat({IaNa(2, IaAddr(address)), IaNa(1, IaAddr(A("2001:db8:1::1ee")))})));
  ASSERT_NE(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kSuccess));
  ASSERT_EQ(r.reply.ias.size(), 2u);
  EXPECT_EQ(r.reply.Ia(opt::kIaNa, 2)->status, uint16_t(StatusCode::kNoBinding));
  // IA 1 exists but does not hold the listed address: no binding for it either.
  EXPECT_EQ(r.reply.Ia(opt::kIaNa, 1)->status, uint16_t(StatusCode::kNoBinding));
  EXPECT_FALSE(IsFree(1, address));
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kBound);
}

TEST_F(Server6Test, DeclineQuarantinesTheAddressUntilProbationEnds) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  Drain();
  Result r = Send(Client(MessageType::kDecline, duid, IaNa(1, IaAddr(address))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kSuccess));
  EXPECT_TRUE(r.reply.ias.empty());
  EXPECT_EQ(Find(duid, 1), nullptr) << "the client's IA forgets the address";
  EXPECT_FALSE(IsFree(1, address)) << "quarantined";
  // One quarantine lease put, the client's record deleted.
  const std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].op, ChangeOp::kPut);
  EXPECT_EQ(recs[0].lease.state, LeaseState::kDeclined);
  EXPECT_EQ(recs[0].lease.address, address);
  EXPECT_EQ(recs[0].lease.expire, now_ + 86400);
  EXPECT_EQ(recs[1].op, ChangeOp::kDelete);
  EXPECT_EQ(recs[1].lease.address, address);
  EXPECT_EQ(shard_->size(), 1u);

  // The client starts over and gets another address.
  Result adv = Send(Client(MessageType::kSolicit, duid, IaNa(1)));
  EXPECT_NE(AddressOf(adv.reply), address);

  ExpireSlice6(*cfg_, *shard_, now_ + 86399, 1000);
  EXPECT_FALSE(IsFree(1, address));
  ExpireSlice6(*cfg_, *shard_, now_ + 86400, 1000);
  EXPECT_TRUE(IsFree(1, address));
}

TEST_F(Server6Test, DeclineOfAnAddressTheClientDoesNotHoldIsNoBinding) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  Result r = Send(Client(MessageType::kDecline, duid, IaNa(1, IaAddr(A("2001:db8:1::1ee")))));
  ASSERT_NE(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kSuccess));
  EXPECT_EQ(r.reply.Ia(opt::kIaNa, 1)->status, uint16_t(StatusCode::kNoBinding));
  EXPECT_EQ(Find(duid, 1)->address, address);
}

// ---------------------------------------------------------------- Confirm

TEST_F(Server6Test, ConfirmOfOnLinkAddressesIsSuccess) {
  Result r = Send(Client(MessageType::kConfirm, DuidLlt(1),
                         IaNa(1, Cat({IaAddr(A("2001:db8:1::1234")), IaAddr(A("2001:db8:1::5"))}))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(r.r.reply_type, MessageType::kReply);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kSuccess));
  EXPECT_TRUE(r.reply.ias.empty());
  EXPECT_EQ(r.reply.Option(opt::kServerId), kServerDuid);
  EXPECT_EQ(shard_->size(), 0u);
}

TEST_F(Server6Test, ConfirmOfAnOffLinkAddressIsNotOnLink) {
  Result r = Send(Client(MessageType::kConfirm, DuidLlt(1),
                         IaNa(1, Cat({IaAddr(A("2001:db8:1::1234")), IaAddr(A("2001:db8:2::5"))}))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kNotOnLink));
}

TEST_F(Server6Test, ConfirmWithoutAddressesIsDropped) {
  Result r = Send(Client(MessageType::kConfirm, DuidLlt(1), Cat({IaNa(1), IaPd(2)})));
  EXPECT_EQ(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.r.drop, DropReason6::kConfirmNothing);
}

// ---------------------------------------------------------------- options

TEST_F(Server6Test, InformationRequestGetsRequestedAndAlwaysSendOptionsOnly) {
  const Bytes duid = DuidLlt(1);
  Result r = Send(Message(MessageType::kInformationRequest,
                          Cat({ClientIdOpt(duid), Oro({opt::kDnsServers})})));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(r.r.reply_type, MessageType::kReply);
  EXPECT_EQ(r.reply.Option(opt::kServerId), kServerDuid);
  EXPECT_EQ(r.reply.Option(opt::kClientId), duid);
  EXPECT_EQ(r.reply.Option(opt::kDnsServers), B(A("2001:db8:1::53"))) << "the subnet's";
  EXPECT_EQ(r.reply.Option(opt::kSntpServers), B(A("2001:db8::123"))) << "always-send";
  EXPECT_FALSE(r.reply.Has(opt::kDomainSearch)) << "not requested";
  EXPECT_TRUE(r.reply.ias.empty());
  EXPECT_FALSE(r.reply.Status().has_value());
  EXPECT_EQ(shard_->size(), 0u);
  // Each code once.
  int dns = 0;
  for (uint16_t c : r.reply.codes) dns += c == opt::kDnsServers;
  EXPECT_EQ(dns, 1);

  // Without a Client Identifier (allowed for Information-Request): none echoed.
  Result anon = Send(Message(MessageType::kInformationRequest,
                             Oro({opt::kDnsServers, opt::kDomainSearch})));
  ASSERT_EQ(anon.r.outcome, Outcome6::kSend);
  EXPECT_FALSE(anon.reply.Has(opt::kClientId));
  EXPECT_EQ(anon.reply.Option(opt::kDomainSearch),
            (Bytes{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}));
  // On a link without a subnet the global options answer.
  Result global = Send(Message(MessageType::kInformationRequest, Oro({opt::kDnsServers})),
                       Direct(2));
  ASSERT_EQ(global.r.outcome, Outcome6::kSend);
  EXPECT_EQ(global.reply.Option(opt::kDnsServers), B(A("2001:db8::53")));
}

TEST_F(Server6Test, OptionPrecedenceIsReservationThenSubnetThenGlobal) {
  const Bytes oro = Oro({opt::kDnsServers, opt::kDomainSearch});
  // Reserved client: the reservation's DNS, the global domain search.
  Result res = Send(Client(MessageType::kSolicit, kReservedDuid, Cat({IaNa(1), oro})));
  EXPECT_EQ(res.reply.Option(opt::kDnsServers), B(A("2001:db8:1::99")));
  EXPECT_TRUE(res.reply.Has(opt::kDomainSearch));
  // Another client on the subnet: the subnet's.
  Result sub = Send(Client(MessageType::kSolicit, DuidLlt(1), Cat({IaNa(1), oro})));
  EXPECT_EQ(sub.reply.Option(opt::kDnsServers), B(A("2001:db8:1::53")));
  // A subnet without its own: the global one.
  const Bytes inner = Client(MessageType::kSolicit, DuidLlt(2), Cat({IaNa(1), oro}));
  Result glob = Send(RelayForw(0, A("2001:db8:4::1"), A("fe80::1"), inner), FromRelay());
  EXPECT_EQ(glob.reply.Option(opt::kDnsServers), B(A("2001:db8::53")));
  // The reservation applies to an Information-Request too.
  Result info = Send(Message(MessageType::kInformationRequest,
                             Cat({ClientIdOpt(kReservedDuid), oro})));
  EXPECT_EQ(info.reply.Option(opt::kDnsServers), B(A("2001:db8:1::99")));
}

TEST_F(Server6Test, AlwaysSendAtOneLevelSendsTheMostSpecificValue) {
  // information-refresh-time (32) is always-send globally (86400); subnet 1 defines
  // 3600 without always-send. As in Kea, the code is sent unrequested and the
  // subnet's value wins.
  Result r = Send(Message(MessageType::kInformationRequest, ClientIdOpt(DuidLlt(1))));
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(r.reply.Option(opt::kInformationRefreshTime), Be32(3600));
  Result g = Send(Message(MessageType::kInformationRequest, ClientIdOpt(DuidLlt(1))), Direct(2));
  EXPECT_EQ(g.reply.Option(opt::kInformationRefreshTime), Be32(86400));
}

// ---------------------------------------------------------------- validation (§16)

TEST_F(Server6Test, MessagesThatBreakTheValidationRulesAreDropped) {
  const Bytes duid = DuidLlt(1);
  const Bytes ours = ServerIdOpt(kServerDuid);
  const Bytes theirs = ServerIdOpt({0, 3, 0, 1, 2, 0, 0, 0, 0, 0x99});
  struct Case {
    const char* name;
    Bytes bytes;
    DropReason6 why;
  } cases[] = {
      {"Solicit with a Server ID", Message(MessageType::kSolicit, Cat({ClientIdOpt(duid), ours, IaNa(1)})),
       DropReason6::kServerIdInSolicit},
      {"Confirm with a Server ID",
       Message(MessageType::kConfirm, Cat({ClientIdOpt(duid), ours, IaNa(1, IaAddr(A("2001:db8:1::5")))})),
       DropReason6::kServerIdInSolicit},
      {"Rebind with a Server ID", Message(MessageType::kRebind, Cat({ClientIdOpt(duid), ours, IaNa(1)})),
       DropReason6::kServerIdInSolicit},
      {"Solicit without a Client ID", Message(MessageType::kSolicit, IaNa(1)), DropReason6::kNoClientId},
      {"Request without a Client ID", Message(MessageType::kRequest, Cat({ours, IaNa(1)})),
       DropReason6::kNoClientId},
      {"Request without a Server ID", Message(MessageType::kRequest, Cat({ClientIdOpt(duid), IaNa(1)})),
       DropReason6::kNoServerId},
      {"Renew without a Server ID", Message(MessageType::kRenew, Cat({ClientIdOpt(duid), IaNa(1)})),
       DropReason6::kNoServerId},
      {"Release without a Server ID", Message(MessageType::kRelease, Cat({ClientIdOpt(duid), IaNa(1)})),
       DropReason6::kNoServerId},
      {"Decline without a Server ID", Message(MessageType::kDecline, Cat({ClientIdOpt(duid), IaNa(1)})),
       DropReason6::kNoServerId},
      {"Request for another server", Message(MessageType::kRequest, Cat({ClientIdOpt(duid), theirs, IaNa(1)})),
       DropReason6::kOtherServer},
      {"Renew for another server", Message(MessageType::kRenew, Cat({ClientIdOpt(duid), theirs, IaNa(1)})),
       DropReason6::kOtherServer},
      {"Information-Request for another server",
       Message(MessageType::kInformationRequest, Cat({ClientIdOpt(duid), theirs})), DropReason6::kOtherServer},
  };
  for (const Case& c : cases) {
    Result r = Send(c.bytes);
    EXPECT_EQ(r.r.outcome, Outcome6::kDrop) << c.name;
    EXPECT_EQ(r.r.drop, c.why) << c.name << ": " << DropReason6Name(r.r.drop);
  }
  EXPECT_EQ(shard_->size(), 0u);
  EXPECT_EQ(shard_->last_seq(), 0u);
}

TEST_F(Server6Test, UnicastRequestIsToldToUseMulticast) {
  const Bytes duid = DuidLlt(1);
  RequestContext6 ctx = Direct();
  ctx.unicast = true;
  ctx.src = A("2001:db8:1::1c0");
  for (MessageType t : {MessageType::kRequest, MessageType::kRenew, MessageType::kRelease,
                        MessageType::kDecline}) {
    Result r = Send(Client(t, duid, IaNa(1, IaAddr(A("2001:db8:1::1c0")))), ctx);
    ASSERT_EQ(r.r.outcome, Outcome6::kSend) << MessageTypeName(t);
    EXPECT_EQ(r.r.reply_type, MessageType::kReply);
    EXPECT_EQ(r.reply.Status(), uint16_t(StatusCode::kUseMulticast)) << MessageTypeName(t);
    EXPECT_TRUE(r.reply.ias.empty());
    // Server ID, Client ID and the status, nothing else.
    EXPECT_EQ(r.reply.codes, (std::vector<uint16_t>{opt::kServerId, opt::kClientId, opt::kStatusCode}));
    EXPECT_EQ(r.reply.Option(opt::kServerId), kServerDuid);
    EXPECT_EQ(r.reply.Option(opt::kClientId), duid);
  }
  EXPECT_EQ(shard_->size(), 0u);
  // Through a relay the destination is the relay's business: answered normally.
  const Bytes relayed = RelayForw(0, A("2001:db8:4::1"), A("fe80::1"),
                                  Client(MessageType::kRequest, duid, IaNa(1)));
  Result r = Send(relayed, [&] {
    RequestContext6 c = FromRelay();
    c.unicast = true;
    return c;
  }());
  ASSERT_EQ(r.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(r.reply.relays.size(), 1u);
  EXPECT_EQ(r.reply.Ia(opt::kIaNa, 1)->entries.size(), 1u);
}

TEST_F(Server6Test, UnicastSolicitConfirmRebindAndInformationRequestAreDropped) {
  // RFC 8415 §16: a server MUST discard Solicit, Confirm, Rebind and
  // Information-request messages received at a unicast address.
  const Bytes duid = DuidLlt(1);
  RequestContext6 ctx = Direct();
  ctx.unicast = true;
  const Bytes ia = IaNa(1, IaAddr(A("2001:db8:1::1c0")));
  for (const Bytes& m : {Client(MessageType::kSolicit, duid, ia), Client(MessageType::kConfirm, duid, ia),
                         Client(MessageType::kRebind, duid, ia),
                         Message(MessageType::kInformationRequest, ClientIdOpt(duid))}) {
    Result r = Send(m, ctx);
    EXPECT_EQ(r.r.outcome, Outcome6::kDrop) << MessageTypeName(MessageType(m[0]));
    EXPECT_EQ(r.r.drop, DropReason6::kUnicast) << MessageTypeName(MessageType(m[0]));
  }
  EXPECT_EQ(shard_->size(), 0u);
}

TEST_F(Server6Test, InformationRequestWithAnIaIsDropped) {
  // RFC 8415 §16.12: an Information-request that includes an IA option is discarded.
  Result r = Send(Message(MessageType::kInformationRequest, Cat({ClientIdOpt(DuidLlt(1)), IaNa(1)})));
  EXPECT_EQ(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.r.drop, DropReason6::kIaInInformationRequest);
}

// ---------------------------------------------------------------- subnet selection

TEST_F(Server6Test, SubnetSelection) {
  const Bytes inner = Client(MessageType::kSolicit, DuidLlt(1), IaNa(1));
  auto relayed = [&](const char* link, const Bytes& options = {}) {
    return Send(RelayForw(0, A(link), A("fe80::1"), inner, options), FromRelay());
  };
  auto subnet_of = [&](const Result& r) -> uint32_t {
    if (r.r.outcome == Outcome6::kDrop) return 0;
    const Lease6* l = shard_->Find(ClientKey6::Make(DuidLlt(1), 1, Lease6Type::kNa));
    return l != nullptr ? l->subnet_id : 0;
  };
  auto fresh = [&] { shard_ = std::make_unique<Lease6Shard>(0, 64, 4096); };

  // Relayed: the interface-id first (even with a link-address in another subnet).
  Result r = relayed("2001:db8:4::1", InterfaceIdOpt("ifid-2"));
  EXPECT_EQ(subnet_of(r), 2u);
  EXPECT_TRUE(InRange(AddressOf(r.reply), "2001:db8:2::10", "2001:db8:2::1f"));
  fresh();
  // An unknown interface-id falls back to the link-address.
  EXPECT_EQ(subnet_of(relayed("2001:db8:4::1", InterfaceIdOpt("other"))), 4u);
  fresh();
  EXPECT_EQ(subnet_of(relayed("2001:db8:4::1")), 4u);
  fresh();
  EXPECT_EQ(subnet_of(relayed("2001:db8:ffff::3")), 3u);  // relay ip-addresses
  fresh();
  r = relayed("2001:db8:77::1");
  EXPECT_EQ(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.r.drop, DropReason6::kNoSubnet);
  r = relayed("::");  // no link-address, no interface-id
  EXPECT_EQ(r.r.drop, DropReason6::kNoSubnet);

  // Direct: the port's name (veth0 → subnet 1), a VLAN of a port (veth1.100 → 6),
  // the port's own address6 prefix (veth1 → subnet 5).
  EXPECT_EQ(subnet_of(Send(inner, Direct(0))), 1u);
  fresh();
  EXPECT_EQ(subnet_of(Send(inner, Direct(1, 100))), 6u);
  fresh();
  EXPECT_EQ(subnet_of(Send(inner, Direct(1))), 5u);
  fresh();
  // veth2 has no subnet and no address: the client's global source decides, else none.
  RequestContext6 global = Direct(2);
  global.src = A("2001:db8:4::99");
  EXPECT_EQ(subnet_of(Send(inner, global)), 4u);
  fresh();
  r = Send(inner, Direct(2));
  EXPECT_EQ(r.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(r.r.drop, DropReason6::kNoSubnet);
}


TEST_F(Server6Test, RelayedSolicitIsAnsweredThroughEveryRelay) {
  const Bytes duid = DuidLlt(1);
  auto wrap = [&](const Bytes& client) {
    const Bytes inner = RelayForw(0, A("::"), A("fe80::2:ff:fe00:1"), client, InterfaceIdOpt("ifid-2"));
    return RelayForw(1, A("2001:db8:ffff::1"), A("fe80::aa"), inner,
                     Cat({InterfaceIdOpt("outer"), Opt(opt::kRemoteId, {0, 0, 9, 0xbf, 1})}));
  };
  Result r = Send(wrap(Client(MessageType::kSolicit, duid, IaNa(1))), FromRelay());
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_EQ(r.r.reply_type, MessageType::kAdvertise);
  EXPECT_EQ(reply_buf_[0], uint8_t(MessageType::kRelayRepl));
  ASSERT_EQ(r.reply.relays.size(), 2u);
  const RelayReply& outer = r.reply.relays[0];
  EXPECT_EQ(outer.hop, 1);
  EXPECT_EQ(outer.link, A("2001:db8:ffff::1"));
  EXPECT_EQ(outer.peer, A("fe80::aa"));
  EXPECT_EQ(outer.interface_id, S("outer"));
  const RelayReply& inner = r.reply.relays[1];
  EXPECT_EQ(inner.hop, 0);
  EXPECT_EQ(inner.link, A("::"));
  EXPECT_EQ(inner.peer, A("fe80::2:ff:fe00:1"));
  EXPECT_EQ(inner.interface_id, S("ifid-2"));
  EXPECT_EQ(r.reply.type, uint8_t(MessageType::kAdvertise));
  EXPECT_EQ(r.reply.Option(opt::kClientId), duid);
  EXPECT_EQ(r.reply.Option(opt::kServerId), kServerDuid);
  // Selected by the inner relay's interface-id: subnet 2.
  const Ip6 address = AddressOf(r.reply);
  EXPECT_TRUE(InRange(address, "2001:db8:2::10", "2001:db8:2::1f")) << Text(address);
  EXPECT_EQ(r.reply.Ia(opt::kIaNa, 1)->t1, 1000u);

  Result rep = Send(wrap(Client(MessageType::kRequest, duid, IaNa(1))), FromRelay());
  ASSERT_EQ(rep.r.outcome, Outcome6::kSendWhenDurable);
  ASSERT_EQ(rep.reply.relays.size(), 2u);
  EXPECT_EQ(rep.reply.relays[0].interface_id, S("outer"));
  EXPECT_EQ(rep.reply.relays[1].interface_id, S("ifid-2"));
  EXPECT_EQ(rep.reply.type, uint8_t(MessageType::kReply));
  EXPECT_EQ(AddressOf(rep.reply), address);
}

// ---------------------------------------------------------------- reservations

TEST_F(Server6Test, ReservationByDuidGivesItsAddressAndPrefixExactly) {
  const Ip6 address = A("2001:db8:1::150");
  const Ip6 prefix = A("2001:db8:100:ee00::");
  EXPECT_FALSE(IsFree(1, address)) << "kept out of the pool from the start";
  EXPECT_FALSE(IsFree(1, prefix, 56));
  Reply r = Bind(kReservedDuid, 1, true);
  EXPECT_EQ(AddressOf(r), address);
  EXPECT_EQ(PrefixOf(r), prefix);
  EXPECT_EQ(r.Ia(opt::kIaPd, 1)->entries[0].prefix_len, 56);
  Result renew = Send(Client(MessageType::kRenew, kReservedDuid,
                             Cat({IaNa(1, IaAddr(address)), IaPd(1, IaPrefix(prefix, 56))})));
  ASSERT_EQ(renew.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(renew.reply), address);
  EXPECT_EQ(PrefixOf(renew.reply), prefix);
  // Released, a reserved address does not go back to the pool.
  Result rel = Send(Client(MessageType::kRelease, kReservedDuid, IaNa(1, IaAddr(address))));
  EXPECT_EQ(rel.reply.Status(), uint16_t(StatusCode::kSuccess));
  EXPECT_FALSE(IsFree(1, address));
  // Another client asking for them by hint gets others.
  Result other = Send(Client(MessageType::kSolicit, DuidLlt(1),
                             Cat({IaNa(1, IaAddr(address)), IaPd(1, IaPrefix(prefix, 56))})));
  EXPECT_NE(AddressOf(other.reply), address);
  EXPECT_NE(PrefixOf(other.reply), prefix);
}

TEST_F(Server6Test, ReservedAddressesAreNeverHandedToOthersFromThePool) {
  config::Config c = BaseConfig();
  config::Subnet6& s = SubnetIn(c, 1);
  s.pools = {Pool("2001:db8:1::150", "2001:db8:1::151", 2)};
  s.pd_pools[0].prefix = A("2001:db8:100:ee00::");
  s.pd_pools[0].prefix_len = 55;
  s.pd_pools[0].size = 2;
  s.pd_pools[0].excluded_prefix_len = 0;
  Compile(c);
  Reply first = Bind(DuidLlt(1), 1, true);
  EXPECT_EQ(AddressOf(first), A("2001:db8:1::151"));
  EXPECT_EQ(PrefixOf(first), A("2001:db8:100:ef00::"));
  EXPECT_FALSE(first.Ia(opt::kIaPd, 1)->entries[0].pd_exclude.has_value()) << "no exclusion here";
  const Bytes hints = Cat({IaNa(1, IaAddr(A("2001:db8:1::150"))),
                          IaPd(1, IaPrefix(A("2001:db8:100:ee00::"), 56))});
  Result second = Send(Client(MessageType::kSolicit, DuidLlt(2), hints));
  EXPECT_EQ(second.reply.Ia(opt::kIaNa, 1)->status, uint16_t(StatusCode::kNoAddrsAvail));
  EXPECT_EQ(second.reply.Ia(opt::kIaPd, 1)->status, uint16_t(StatusCode::kNoPrefixAvail));
  // The owner still gets them.
  Reply owner = Bind(kReservedDuid, 1, true);
  EXPECT_EQ(AddressOf(owner), A("2001:db8:1::150"));
  EXPECT_EQ(PrefixOf(owner), A("2001:db8:100:ee00::"));
}

TEST_F(Server6Test, ReservationByHwAddressMatchesTheLinkLayerPartOfTheDuid) {
  const Ip6 reserved = A("2001:db8:1::abcd");  // out of the pool
  const Bytes ll = DuidLlOf(kReservedMac);
  Reply r = Bind(ll, 1);
  EXPECT_EQ(AddressOf(r), reserved);
  EXPECT_EQ(Find(ll, 1)->state, LeaseState::kBound);
  now_ += 100;
  Result renew = Send(Client(MessageType::kRenew, ll, IaNa(1, IaAddr(reserved))));
  ASSERT_EQ(renew.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(renew.reply), reserved);
  EXPECT_EQ(renew.reply.Ia(opt::kIaNa, 1)->entries[0].valid, 4000u);
  EXPECT_EQ(Find(ll, 1)->expire, now_ + 4000);
  Result rel = Send(Client(MessageType::kRelease, ll, IaNa(1, IaAddr(reserved))));
  EXPECT_EQ(rel.reply.Status(), uint16_t(StatusCode::kSuccess));
  // The same MAC in a DUID-LLT.
  EXPECT_EQ(AddressOf(Bind(DuidLltOf(kReservedMac), 5), 5), reserved);
  // Another MAC: from the pool.
  EXPECT_TRUE(InRange(AddressOf(Bind(DuidLltOf({2, 0, 0, 0, 0, 0x78}), 5), 5), "2001:db8:1::100",
                      "2001:db8:1::1ff"));
}

// ---------------------------------------------------------------- PD exclude

TEST_F(Server6Test, DelegatedPrefixesCarryTheirPdExclude) {
  Result a = Send(Client(MessageType::kSolicit, DuidLlt(1), Cat({IaPd(1), Oro({opt::kPdExclude})})));
  ASSERT_EQ(a.r.prefixes, 1);
  const Entry& e = a.reply.Ia(opt::kIaPd, 1)->entries[0];
  ASSERT_TRUE(e.pd_exclude.has_value());
  // 2001:db8:100:ac::/62 inside the pool's first /56: the same offset in each.
  EXPECT_EQ(*e.pd_exclude, (Bytes{62, 0xac}));
  Ip6 excluded = e.address;
  excluded[7] = 0xac;
  std::array<uint8_t, 17> enc{};
  const size_t n = EncodePdExclude(excluded, 62, 56, enc);
  EXPECT_EQ(*e.pd_exclude, Bytes(enc.begin(), enc.begin() + n));

  Result b = Send(Client(MessageType::kSolicit, DuidLlt(2), Cat({IaPd(1), Oro({opt::kPdExclude})})));
  const Entry& e2 = b.reply.Ia(opt::kIaPd, 1)->entries[0];
  EXPECT_NE(e2.address, e.address);
  EXPECT_EQ(e2.pd_exclude, (Bytes{62, 0xac}));

  Result rep = Send(Client(MessageType::kRequest, DuidLlt(1), Cat({IaPd(1), Oro({opt::kPdExclude})})));
  EXPECT_EQ(rep.reply.Ia(opt::kIaPd, 1)->entries[0].pd_exclude, (Bytes{62, 0xac}));
  Result renew = Send(Client(MessageType::kRenew, DuidLlt(1),
                             Cat({IaPd(1, IaPrefix(e.address, 56)), Oro({opt::kPdExclude})})));
  ASSERT_EQ(renew.r.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(renew.reply.Ia(opt::kIaPd, 1)->entries[0].pd_exclude, (Bytes{62, 0xac}));
  // A reserved prefix inside the pool gets the pool's exclusion too, in every reply.
  for (MessageType t : {MessageType::kSolicit, MessageType::kRequest}) {
    Result res = Send(Client(t, kReservedDuid, Cat({IaPd(1), Oro({opt::kPdExclude})})));
    const Entry& er = res.reply.Ia(opt::kIaPd, 1)->entries[0];
    EXPECT_EQ(er.address, A("2001:db8:100:ee00::"));
    EXPECT_EQ(er.pd_exclude, (Bytes{62, 0xac})) << MessageTypeName(t);
  }
  Result res = Send(Client(MessageType::kRenew, kReservedDuid,
                           Cat({IaPd(1, IaPrefix(A("2001:db8:100:ee00::"), 56)),
                                Oro({opt::kPdExclude})})));
  EXPECT_EQ(res.reply.Ia(opt::kIaPd, 1)->entries[0].pd_exclude, (Bytes{62, 0xac}));
  // A client that does not ask for PD_EXCLUDE in its ORO is not sent one (RFC 6603 §4.2).
  Result plain = Send(Client(MessageType::kSolicit, DuidLlt(3), IaPd(1)));
  ASSERT_EQ(plain.r.prefixes, 1);
  EXPECT_FALSE(plain.reply.Ia(opt::kIaPd, 1)->entries[0].pd_exclude.has_value());
  Result renew_plain = Send(Client(MessageType::kRenew, DuidLlt(1), IaPd(1, IaPrefix(e.address, 56))));
  EXPECT_FALSE(renew_plain.reply.Ia(opt::kIaPd, 1)->entries[0].pd_exclude.has_value());
}

TEST_F(Server6Test, AnInfiniteValidLifetimeNeverExpires) {
  config::Config c = BaseConfig();
  config::Subnet6& s = SubnetIn(c, 1);
  s.valid_lifetime = s.min_valid_lifetime = s.max_valid_lifetime = UINT32_MAX;
  s.preferred_lifetime = s.min_preferred_lifetime = s.max_preferred_lifetime = UINT32_MAX;
  Compile(c);
  const Reply r = Bind(DuidLlt(1));
  EXPECT_EQ(r.Ia(opt::kIaNa, 1)->entries[0].valid, UINT32_MAX);
  const Lease6* l = Find(DuidLlt(1), 1);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->expire, UINT32_MAX) << "not now + 0xffffffff wrapped into the past";
  ExpireSlice6(*cfg_, *shard_, now_ + 400'000'000, 1000);
  EXPECT_EQ(Find(DuidLlt(1), 1)->state, LeaseState::kBound);
}

// ---------------------------------------------------------------- expiry

TEST_F(Server6Test, OffersPastTheOfferLifetimeAreDroppedAndTheirSlotsFreed) {
  Result adv = Send(Client(MessageType::kSolicit, DuidLlt(1), Cat({IaNa(1), IaPd(1)})));
  const Ip6 address = AddressOf(adv.reply);
  const Ip6 prefix = PrefixOf(adv.reply);
  ASSERT_EQ(shard_->size(), 2u);
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, kNow + 9, 100), 0u);
  EXPECT_FALSE(IsFree(1, address));
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, kNow + 10, 100), 2u);
  EXPECT_TRUE(IsFree(1, address));
  EXPECT_TRUE(IsFree(1, prefix, 56));
  EXPECT_EQ(shard_->size(), 0u);
  EXPECT_EQ(shard_->last_seq(), 0u) << "never written, nothing to delete";
}

TEST_F(Server6Test, BoundLeasesPastTheirValidLifetimeAreReclaimed) {
  const Bytes duid = DuidLlt(1);
  Reply r = Bind(duid, 1, true);
  const Ip6 address = AddressOf(r);
  const Ip6 prefix = PrefixOf(r);
  Drain();
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, now_ + 3999, 100), 0u);
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, now_ + 4000, 100), 2u);
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kExpired);
  EXPECT_EQ(Find(duid, 1, Lease6Type::kPd)->state, LeaseState::kExpired);
  EXPECT_TRUE(IsFree(1, address));
  EXPECT_TRUE(IsFree(1, prefix, 56));
  std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 2u);
  for (const ChangeRecord6& c : recs) {
    EXPECT_EQ(c.op, ChangeOp::kPut);
    EXPECT_EQ(c.lease.state, LeaseState::kExpired);
  }
  // A Renew of the expired lease: no binding.
  now_ += 4001;
  Result renew = Send(Client(MessageType::kRenew, duid, IaNa(1, IaAddr(address))));
  EXPECT_EQ(renew.reply.Ia(opt::kIaNa, 1)->status, uint16_t(StatusCode::kNoBinding));
  // Forgotten after hold-reclaimed-time (3600).
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, kNow + 4000 + 3599, 100), 0u);
  EXPECT_EQ(ExpireSlice6(*cfg_, *shard_, kNow + 4000 + 3600, 100), 2u);
  EXPECT_EQ(shard_->size(), 0u);
  recs = Drain();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].op, ChangeOp::kDelete);
  EXPECT_EQ(recs[1].op, ChangeOp::kDelete);
}

TEST_F(Server6Test, AnExpiredClientGetsItsAddressBack) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  ExpireSlice6(*cfg_, *shard_, now_ + 4000, 100);
  ASSERT_TRUE(IsFree(1, address));
  now_ += 5000;
  Reply again = Bind(duid, 1);
  EXPECT_EQ(AddressOf(again), address);
  EXPECT_FALSE(IsFree(1, address));
  EXPECT_EQ(Find(duid, 1)->state, LeaseState::kBound);
}

// ---------------------------------------------------------------- recovery

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/fastlease-server6-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(Server6Test, RecoveryRebuildsShardsAndPoolsFromTheStore) {
  TempDir dir;
  std::vector<std::pair<Bytes, Reply>> bound;
  for (uint8_t n = 1; n <= 4; ++n) bound.emplace_back(DuidLlt(n), Bind(DuidLlt(n), 1, true));
  bound.emplace_back(kReservedDuid, Bind(kReservedDuid, 1, true));  // reserved, in the pools
  const Bytes gone = DuidLlt(9);
  const Ip6 released = AddressOf(Bind(gone, 1));
  Send(Client(MessageType::kRelease, gone, IaNa(1, IaAddr(released))));
  Send(Client(MessageType::kSolicit, DuidLlt(10), IaNa(1)));  // an offer: never written
  {
    auto store = leasedb::LeaseStore::Open(dir.path() + "/db", {});
    ASSERT_TRUE(store.ok()) << store.status();
    const std::vector<ChangeRecord6> recs = Drain();
    ASSERT_TRUE((*store)->Write({}, 0, 0, recs).ok());
  }
  // A new process: fresh pools, two shards.
  leasedb::PoolRegistry pools(2);
  auto cfg = CompileServerConfig6(BaseConfig(), pools, kServerDuid);
  ASSERT_TRUE(cfg.ok());
  Lease6Shard s0(0, 64, 256), s1(1, 64, 256);
  Lease6Shard* shards[] = {&s0, &s1};
  auto store = leasedb::LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok());
  auto stats = RecoverLeases6(**cfg, **store, shards, now_ + 10);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->records, 11u);
  EXPECT_EQ(stats->bound, 10u);
  EXPECT_EQ(stats->dropped, 0u);
  EXPECT_EQ(s0.size() + s1.size(), 11u);
  auto held = [&](const Ip6& a, uint8_t len) {
    int64_t slot = -1;
    const CompiledPool6* p = (*cfg)->PoolOf(*(*cfg)->SubnetById(1), a, len, &slot);
    return p != nullptr && !p->pool->IsFree(uint32_t(slot + 1));
  };
  for (const auto& [duid, reply] : bound) {
    // Each lease in the shard its DUID picks (ShardOf6), as the workers will look.
    Bytes msg_bytes = Client(MessageType::kRenew, duid, IaNa(1));
    Dhcp6Message m;
    ASSERT_EQ(Parse(msg_bytes, m), ParseError::kNone);
    Lease6Shard& owner = *shards[ShardOf6(m, 2)];
    EXPECT_EQ(&owner, shards[leasedb::DuidHash(duid) % 2]);
    const Lease6* na = owner.Find(ClientKey6::Make(duid, 1, Lease6Type::kNa));
    const Lease6* pd = owner.Find(ClientKey6::Make(duid, 1, Lease6Type::kPd));
    ASSERT_NE(na, nullptr);
    ASSERT_NE(pd, nullptr);
    EXPECT_EQ(na->state, LeaseState::kBound);
    EXPECT_EQ(na->address, AddressOf(reply));
    EXPECT_EQ(pd->state, LeaseState::kBound);
    EXPECT_EQ(pd->address, PrefixOf(reply));
    EXPECT_EQ(pd->prefix_len, 56);
    EXPECT_TRUE(held(na->address, 128)) << Text(na->address);
    EXPECT_TRUE(held(pd->address, 56)) << Text(pd->address);
  }
  const Lease6* r = shards[leasedb::DuidHash(gone) % 2]->Find(ClientKey6::Make(gone, 1, Lease6Type::kNa));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->state, LeaseState::kReleased);
  EXPECT_FALSE(held(released, 128));
  // The recovered server answers a Renew of a recovered lease.
  Bytes renew = Client(MessageType::kRenew, bound[0].first, IaNa(1, IaAddr(AddressOf(bound[0].second))));
  Dhcp6Message m;
  ASSERT_EQ(Parse(renew, m), ParseError::kNone);
  std::array<uint8_t, 1500> out{};
  RequestContext6 ctx = Direct();
  ctx.now = now_ + 20;
  const HandleResult6 h = HandleDhcp6(**cfg, *shards[ShardOf6(m, 2)], m, ctx, out);
  ASSERT_EQ(h.outcome, Outcome6::kSendWhenDurable);
  EXPECT_EQ(AddressOf(ReadReply({out.data(), h.length})), AddressOf(bound[0].second));
}

TEST_F(Server6Test, AClientMovedToAnotherAddressLeavesNoStaleRecord) {
  TempDir dir;
  const Bytes c1 = DuidLlt(1), c2 = DuidLlt(2);
  const Ip6 first = AddressOf(Bind(c1, 1));
  Send(Client(MessageType::kRelease, c1, IaNa(1, IaAddr(first))));
  // Client 2 asks for exactly that address and gets it.
  Send(Client(MessageType::kSolicit, c2, IaNa(1, IaAddr(first))));
  Result r2 = Send(Client(MessageType::kRequest, c2, IaNa(1, IaAddr(first))));
  ASSERT_EQ(AddressOf(r2.reply), first);
  // Client 1 comes back: its old address is taken, it gets another one, and its
  // record at the old address is deleted.
  const Ip6 second = AddressOf(Bind(c1, 1));
  ASSERT_NE(second, first);
  const std::vector<ChangeRecord6> recs = Drain();
  bool deleted = false;
  for (const ChangeRecord6& c : recs) {
    if (c.op == ChangeOp::kDelete && c.lease.address == first &&
        c.lease.Matches(ClientKey6::Make(c1, 1, Lease6Type::kNa))) {
      deleted = true;
    }
  }
  EXPECT_TRUE(deleted);
  {
    auto store = leasedb::LeaseStore::Open(dir.path() + "/db", {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Write({}, 0, 0, recs).ok());
  }
  leasedb::PoolRegistry pools(1);
  auto cfg = CompileServerConfig6(BaseConfig(), pools, kServerDuid);
  ASSERT_TRUE(cfg.ok());
  Lease6Shard s(0, 64, 256);
  Lease6Shard* shards[] = {&s};
  auto store = leasedb::LeaseStore::Open(dir.path() + "/db", {});
  ASSERT_TRUE(store.ok());
  auto stats = RecoverLeases6(**cfg, **store, shards, now_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->records, 2u);
  EXPECT_EQ(stats->dropped, 0u);
  const Lease6* l1 = s.Find(ClientKey6::Make(c1, 1, Lease6Type::kNa));
  ASSERT_NE(l1, nullptr);
  EXPECT_EQ(l1->state, LeaseState::kBound);
  EXPECT_EQ(l1->address, second);
  const Lease6* l2 = s.Find(ClientKey6::Make(c2, 1, Lease6Type::kNa));
  ASSERT_NE(l2, nullptr);
  EXPECT_EQ(l2->address, first);
}

TEST_F(Server6Test, ASubnetNamingAMissingSharedNetworkStandsAlone) {
  config::Config c = BaseConfig();
  SubnetIn(c, 4).shared_network = 5;  // no such network
  Compile(c);
  const Bytes inner = Client(MessageType::kSolicit, DuidLlt(1), IaNa(1));
  Result r = Send(RelayForw(0, A("2001:db8:4::1"), A("fe80::1"), inner), FromRelay());
  ASSERT_EQ(r.r.outcome, Outcome6::kSend);
  EXPECT_TRUE(InRange(AddressOf(r.reply), "2001:db8:4::10", "2001:db8:4::1f"));
}

TEST_F(Server6Test, ClientsWithoutAClientIdGoToShardZero) {
  Dhcp6Message m;
  const Bytes info = Message(MessageType::kInformationRequest, Oro({opt::kDnsServers}));
  ASSERT_EQ(Parse(info, m), ParseError::kNone);
  EXPECT_EQ(ShardOf6(m, 4), 0u);
}

// ---------------------------------------------------------------- server DUID

// ---------------------------------------------------------------- lease commands

Lease6 Wanted(const Bytes& duid, uint32_t iaid, const char* address, uint32_t subnet,
              Lease6Type type = Lease6Type::kNa, uint8_t len = 128) {
  Lease6 l;
  l.SetIdentity(ClientKey6::Make(duid, iaid, type));
  l.address = A(address);
  l.prefix_len = len;
  l.subnet_id = subnet;
  l.valid = 5000;
  l.preferred = 4000;
  l.expire = kNow + 5000;
  return l;
}

TEST_F(Server6Test, LeaseAddTakesThePoolSlotSoClientsNeverGetIt) {
  const Lease6 wanted = Wanted(DuidLlt(9), 7, "2001:db8:2::10", 2);
  const LeaseCommandResult r = AddLease6(*cfg_, *shard_, wanted);
  ASSERT_EQ(r.result, 0) << r.text;
  EXPECT_FALSE(IsFree(2, A("2001:db8:2::10")));
  const std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].seq, r.seq);
  EXPECT_EQ(recs[0].op, ChangeOp::kPut);
  EXPECT_TRUE(recs[0].by_command);
  EXPECT_EQ(recs[0].lease.state, LeaseState::kBound);
  EXPECT_EQ(recs[0].lease.preferred, 4000u);
  // A client of subnet 2 (selected by its relay's interface-id) gets the next one.
  Result adv = Send(RelayForw(0, A("::"), A("fe80::9"), Client(MessageType::kSolicit, DuidLlt(1), IaNa(1)),
                              InterfaceIdOpt("ifid-2")),
                    FromRelay());
  ASSERT_NE(adv.r.outcome, Outcome6::kDrop);
  EXPECT_NE(AddressOf(adv.reply), A("2001:db8:2::10"));
  // Another IA cannot take it; a reserved address cannot be added.
  EXPECT_EQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(8), 1, "2001:db8:2::10", 2)).result, 1);
  EXPECT_STREQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(8), 1, "2001:db8:1::150", 1)).text,
               "the address is reserved for a host");
  // The same IA again: already exists.
  EXPECT_EQ(AddLease6(*cfg_, *shard_, wanted).result, 1);
  // Outside the subnet, or no such subnet.
  EXPECT_EQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(8), 1, "2001:db8:3::10", 2)).result, 1);
  EXPECT_EQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(8), 1, "2001:db8:2::10", 77)).result, 1);
  // Outside every pool but inside the subnet: accepted, no pool slot involved.
  EXPECT_EQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(8), 1, "2001:db8:2::9999", 2)).result, 0);
}

TEST_F(Server6Test, LeaseAddOfAPrefixAndUpdate) {
  const Lease6 pd = Wanted(DuidLlt(9), 3, "2001:db8:100:500::", 1, Lease6Type::kPd, 56);
  ASSERT_EQ(AddLease6(*cfg_, *shard_, pd).result, 0);
  EXPECT_FALSE(IsFree(1, A("2001:db8:100:500::"), 56));
  // The client's Renew finds it, with the pool's PD_EXCLUDE.
  Result renew = Send(Client(MessageType::kRenew, DuidLlt(9),
                             IaPd(3, IaPrefix(A("2001:db8:100:500::"), 56))));
  ASSERT_NE(renew.r.outcome, Outcome6::kDrop);
  EXPECT_EQ(PrefixOf(renew.reply, 3), A("2001:db8:100:500::"));

  Lease6 longer = pd;
  longer.valid = 7000;
  longer.expire = kNow + 7000;
  Drain();
  ASSERT_EQ(UpdateLease6(*cfg_, *shard_, longer).result, 0);
  EXPECT_EQ(Find(DuidLlt(9), 3, Lease6Type::kPd)->valid, 7000u);
  const std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].lease.valid, 7000u);
  // An IA with no lease there: nothing to do.
  EXPECT_EQ(UpdateLease6(*cfg_, *shard_, Wanted(DuidLlt(9), 4, "2001:db8:1::120", 1)).result, 3);
}

TEST_F(Server6Test, LeaseDeleteFreesTheSlotAndRemovesTheRecord) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  Drain();
  Lease6 stored = *Find(duid, 1);
  const LeaseCommandResult r = DeleteLease6(*cfg_, *shard_, stored);
  ASSERT_EQ(r.result, 0);
  EXPECT_TRUE(IsFree(1, address));
  EXPECT_EQ(Find(duid, 1), nullptr);
  std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].op, ChangeOp::kDelete);
  EXPECT_EQ(recs[0].prev_state, LeaseState::kBound);
  // A record the shard does not track (say, another shard's): only the record goes.
  Lease6 other = Wanted(DuidLlt(5), 1, "2001:db8:1::1f0", 1);
  other.state = LeaseState::kBound;
  ASSERT_EQ(DeleteLease6(*cfg_, *shard_, other).result, 0);
  recs = Drain();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].op, ChangeOp::kDelete);
  EXPECT_EQ(recs[0].lease.address, other.address);
}

TEST_F(Server6Test, AQuarantineIsDeletedOnlyByTheShardThatHoldsIt) {
  const Bytes duid = DuidLlt(1);
  const Ip6 address = AddressOf(Bind(duid, 1));
  Send(Client(MessageType::kDecline, duid, IaNa(1, IaAddr(address))));
  Drain();
  Lease6 quarantine;
  for (uint32_t i = 0; i < shard_->slot_count(); ++i) {
    if (shard_->slot(i).state == LeaseState::kDeclined) quarantine = shard_->slot(i);
  }
  ASSERT_TRUE(IsQuarantine(quarantine));
  // Another shard (the one its record's DUID hash names, say) does not hold it.
  Lease6Shard other(1, 16, 64);
  const LeaseCommandResult miss = DeleteLease6(*cfg_, other, quarantine, /*if_held=*/true);
  EXPECT_EQ(miss.result, 3);
  std::vector<ChangeRecord6> none(4);
  EXPECT_EQ(other.DrainChanges(none.data(), none.size()), 0u) << "no record-only delete";
  EXPECT_FALSE(IsFree(1, address));
  const LeaseCommandResult hit = DeleteLease6(*cfg_, *shard_, quarantine, /*if_held=*/true);
  EXPECT_EQ(hit.result, 0);
  EXPECT_TRUE(IsFree(1, address)) << "the quarantine is over";
  const std::vector<ChangeRecord6> recs = Drain();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].prev_state, LeaseState::kDeclined);
}

TEST_F(Server6Test, LeaseWipeRemovesOneSubnetsLeasesAcrossTurns) {
  for (uint8_t i = 0; i < 5; ++i) Bind(DuidLlt(i), 1, true);  // subnet 1: NA + PD each
  ASSERT_EQ(AddLease6(*cfg_, *shard_, Wanted(DuidLlt(50), 1, "2001:db8:2::11", 2)).result, 0);
  Drain();
  uint32_t cursor = 0;
  uint64_t deleted = 0;
  uint64_t seq = 0;
  int turns = 0;
  while (cursor < shard_->slot_count()) {
    WipeLeases6(*cfg_, *shard_, 1, 3, cursor, deleted, seq);
    ++turns;
  }
  EXPECT_GT(turns, 1);
  EXPECT_EQ(deleted, 10u);
  EXPECT_EQ(seq, shard_->last_seq());
  EXPECT_EQ(Drain().size(), 10u);
  EXPECT_EQ(shard_->size(), 1u) << "subnet 2's lease stays";
  for (uint8_t i = 0; i < 5; ++i) EXPECT_EQ(Find(DuidLlt(i), 1), nullptr);
  Result adv = Send(Client(MessageType::kSolicit, DuidLlt(60), IaNa(1)));
  EXPECT_EQ(AddressOf(adv.reply), A("2001:db8:1::100")) << "the pool is free again";
}

TEST(ServerDuid, AGeneratedDuidLltIsPersistedAndReadBack) {
  TempDir dir;
  config::Dhcp6Config c;  // server-id: DUID-LLT, persisted
  const std::array<uint8_t, 6> mac = {2, 0, 0, 0, 0, 1};
  auto d = LoadOrCreateServerDuid(c, dir.path(), mac, kNow);
  ASSERT_TRUE(d.ok()) << d.status();
  const Bytes want = Cat({{0, 1, 0, 1}, Be32(kNow - 946684800u), {2, 0, 0, 0, 0, 1}});
  EXPECT_EQ(*d, want);
  std::ifstream in(dir.path() + "/server-duid");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  std::string hex;
  for (uint8_t b : want) {
    const char* digits = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  EXPECT_EQ(line, hex);
  // The next start (another MAC, later): the same DUID.
  const std::array<uint8_t, 6> other = {2, 0, 0, 0, 0, 9};
  auto again = LoadOrCreateServerDuid(c, dir.path(), other, kNow + 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, want);
}

TEST(ServerDuid, AServerIdGivenInFullIsUsedAsIs) {
  TempDir dir;
  const std::array<uint8_t, 6> mac = {2, 0, 0, 0, 0, 1};
  config::Dhcp6Config en;
  en.server_id.type = config::DuidType6::kEn;
  en.server_id.enterprise_id = 2495;
  en.server_id.identifier = {1, 2, 3, 4};
  auto d = LoadOrCreateServerDuid(en, dir.path(), mac, kNow);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Bytes{0, 2, 0, 0, 0x09, 0xbf, 1, 2, 3, 4}));
  config::Dhcp6Config ll;
  ll.server_id.type = config::DuidType6::kLl;
  ll.server_id.identifier = {2, 0, 0, 0, 0, 5};
  d = LoadOrCreateServerDuid(ll, dir.path(), mac, kNow);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Bytes{0, 3, 0, 1, 2, 0, 0, 0, 0, 5}));
  config::Dhcp6Config llt;
  llt.server_id.identifier = {2, 0, 0, 0, 0, 6};
  llt.server_id.time = 12345;
  d = LoadOrCreateServerDuid(llt, dir.path(), mac, kNow);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, Cat({{0, 1, 0, 1}, Be32(12345), {2, 0, 0, 0, 0, 6}}));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/server-duid"));
}

TEST(ServerDuid, NotWrittenWithoutPersistAndACorruptFileIsAnError) {
  TempDir dir;
  const std::array<uint8_t, 6> mac = {2, 0, 0, 0, 0, 1};
  config::Dhcp6Config c;
  c.server_id.persist = false;
  auto d = LoadOrCreateServerDuid(c, dir.path(), mac, kNow);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size(), 14u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/server-duid"));
  std::ofstream(dir.path() + "/server-duid") << "not hex\n";
  c.server_id.persist = true;
  d = LoadOrCreateServerDuid(c, dir.path(), mac, kNow);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace fastlease::dhcp6
