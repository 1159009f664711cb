// Kea-compatible policy end to end through the config loader, the compiler and the
// server logic: client classes, reservations by every identifier, shared networks,
// subnet selection, the option inheritance order, lease policy and BOOTP. Each case
// is a Kea `Dhcp4` config and the packets a client sends; the expected results are
// the semantics Kea 2.2's ARM documents.
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "control/config/config.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/dhcp4/server_config.h"
#include "test/testing/dhcp4_packet.h"

namespace fastlease::dhcp4 {
namespace {

using leasedb::LeaseShard;
using testing::ClientPacket;
using testing::Ip;
using testing::Mac;

constexpr uint32_t kServer = Ip(192, 0, 2, 1);
constexpr uint32_t kRelay = Ip(10, 1, 0, 1);
constexpr uint32_t kNow = 1'700'000'000;

std::vector<uint8_t> Text(std::string_view s) { return {s.begin(), s.end()}; }

// Option 82 from (sub-option, bytes) pairs.
std::vector<uint8_t> RelayInfo(std::vector<std::pair<uint8_t, std::vector<uint8_t>>> subs) {
  std::vector<uint8_t> out;
  for (auto& [code, data] : subs) {
    out.push_back(code);
    out.push_back(uint8_t(data.size()));
    out.insert(out.end(), data.begin(), data.end());
  }
  return out;
}

class PolicyTest : public ::testing::Test {
 protected:
  // Loads a config whose Dhcp4 section is `dhcp4` (JSON object body) and a port
  // named veth0 with the server's address.
  void Load(const std::string& dhcp4) {
    const std::string text = R"({"Dhcp4": {)" + dhcp4 +
                             R"(}, "Dataplane": {"ports": [{"device": "net_af_packet0,iface=veth0",
                                 "address": "192.0.2.1/24"}]}})";
    absl::StatusOr<config::Config> c = config::ParseConfig(text, "policy.json");
    ASSERT_TRUE(c.ok()) << c.status().message();
    config_ = *c;
    auto compiled = CompileServerConfig(config_, *pools_);
    ASSERT_TRUE(compiled.ok()) << compiled.status().message();
    cfg_ = *compiled;
  }
  // The error a config gives, from the loader or the compiler.
  std::string LoadError(const std::string& dhcp4) {
    const std::string text = R"({"Dhcp4": {)" + dhcp4 + "}}";
    absl::StatusOr<config::Config> c = config::ParseConfig(text, "policy.json");
    if (!c.ok()) return std::string(c.status().message());
    leasedb::PoolRegistry scratch{1};
    auto compiled = CompileServerConfig(*c, scratch);
    return compiled.ok() ? "" : std::string(compiled.status().message());
  }

  HandleResult Send(const std::vector<uint8_t>& bytes, uint16_t vlan = 0) {
    request_bytes_ = bytes;
    EXPECT_EQ(Parse(request_bytes_, request_), ParseError::kNone);
    RequestContext ctx;
    ctx.local_address = kServer;
    ctx.dst_ip = 0xffffffff;
    ctx.now = now_;
    ctx.vlan = vlan;
    ctx.length = uint32_t(bytes.size());
    HandleResult r = HandleDhcp4(*cfg_, *shard_, request_, ctx, reply_buf_);
    if (r.outcome == Outcome::kSend || r.outcome == Outcome::kSendWhenDurable) {
      EXPECT_EQ(Parse({reply_buf_.data(), r.length}, reply_), ParseError::kNone);
    }
    return r;
  }
  HandleResult Send(const ClientPacket& p, uint16_t vlan = 0) { return Send(p.Bytes(), vlan); }

  // The OFFER's address for `p` (a DISCOVER), 0 when there is no offer.
  uint32_t Offer(const ClientPacket& p, uint16_t vlan = 0) {
    HandleResult r = Send(p, vlan);
    return r.reply_type == MessageType::kOffer ? reply_.yiaddr() : 0;
  }
  // DISCOVER then REQUEST of the offered address with the same extra options.
  uint32_t Dora(std::array<uint8_t, 6> mac,
                const std::vector<std::pair<uint8_t, std::vector<uint8_t>>>& opts = {},
                uint32_t giaddr = 0) {
    ClientPacket d(MessageType::kDiscover, mac);
    for (const auto& [c, v] : opts) d.Option(c, v);
    if (giaddr != 0) d.Giaddr(giaddr);
    const uint32_t a = Offer(d);
    if (a == 0) return 0;
    const uint32_t sid = reply_.ServerId().value_or(0);
    ClientPacket r(MessageType::kRequest, mac);
    for (const auto& [c, v] : opts) r.Option(c, v);
    if (giaddr != 0) r.Giaddr(giaddr);
    r.ServerId(sid).RequestedIp(a);
    HandleResult ack = Send(r);
    return ack.reply_type == MessageType::kAck ? reply_.yiaddr() : 0;
  }
  std::string OptionText(uint8_t code) {
    auto s = reply_.Option(code);
    return {s.begin(), s.end()};
  }
  size_t DrainRing() {
    leasedb::ChangeRecord out[256];
    size_t n = 0, k;
    while ((k = shard_->DrainChanges(out, 256)) > 0) n += k;
    return n;
  }

  // Forgets every lease and pool bitmap (the next Load starts from scratch).
  void Reset() {
    cfg_.reset();
    pools_ = std::make_unique<leasedb::PoolRegistry>(1);
    shard_ = std::make_unique<LeaseShard>(0, 1024, 4096);
  }

  config::Config config_;
  std::unique_ptr<leasedb::PoolRegistry> pools_ = std::make_unique<leasedb::PoolRegistry>(1);
  std::shared_ptr<const ServerConfig> cfg_;
  std::unique_ptr<LeaseShard> shard_ = std::make_unique<LeaseShard>(0, 1024, 4096);
  uint32_t now_ = kNow;
  std::vector<uint8_t> request_bytes_;
  Dhcp4Message request_;
  Dhcp4Message reply_;
  std::array<uint8_t, 1500> reply_buf_{};
};

// ------------------------------------------------------------------ classes

constexpr char kCableConfig[] = R"(
  "client-classes": [
    {"name": "cablemodem", "test": "substring(option[60].text,0,6) == 'docsis'",
     "option-data": [{"name": "domain-name", "data": "cm.example.net"}],
     "valid-lifetime": 600, "next-server": "192.0.2.50", "boot-file-name": "cm.cfg"},
    {"name": "VENDOR_CLASS_MSFT 5.0",
     "option-data": [{"name": "domain-name", "data": "windows.example.net"}]}
  ],
  "option-data": [{"name": "domain-name", "data": "example.net"}],
  "valid-lifetime": 3600,
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
               "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]
)";

TEST_F(PolicyTest, ClassByVendorClassGetsItsOptionsFieldsAndLifetime) {
  Load(kCableConfig);
  ASSERT_NE(Dora(Mac(1), {{opt::kVendorClassId, Text("docsis3.1")}}), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "cm.example.net");
  EXPECT_EQ(reply_.LeaseTime(), 600u);
  EXPECT_EQ(reply_.siaddr(), Ip(192, 0, 2, 50));
  const auto file = reply_.file_field();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(file.data())), "cm.cfg");
}

TEST_F(PolicyTest, ClientOutsideEveryClassGetsGlobalValues) {
  Load(kCableConfig);
  ASSERT_NE(Dora(Mac(2), {{opt::kVendorClassId, Text("udhcp 1.36")}}), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "example.net");
  EXPECT_EQ(reply_.LeaseTime(), 3600u);
  EXPECT_EQ(reply_.siaddr(), 0u);
}

TEST_F(PolicyTest, BuiltInVendorClassMatchesOption60Exactly) {
  Load(kCableConfig);
  ASSERT_NE(Dora(Mac(3), {{opt::kVendorClassId, Text("MSFT 5.0")}}), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "windows.example.net");
  ASSERT_NE(Dora(Mac(4), {{opt::kVendorClassId, Text("MSFT 5.01")}}), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "example.net");
}

TEST_F(PolicyTest, DropClassDropsItsClients) {
  Load(R"(
    "client-classes": [{"name": "DROP", "test": "option[60].text == 'evil'"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]
  )");
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("evil")));
  EXPECT_EQ(r.outcome, Outcome::kDrop);
  EXPECT_EQ(r.drop, DropReason::kDropClass);
  EXPECT_NE(Offer(ClientPacket(MessageType::kDiscover, Mac(2)).Option(opt::kVendorClassId, Text("good"))), 0u);
}

TEST_F(PolicyTest, PoolsGuardedByClassServeOnlyTheirClass) {
  Load(R"(
    "client-classes": [{"name": "phones", "test": "substring(option[60].hex,0,4) == 'voip'"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [
      {"pool": "192.0.2.10 - 192.0.2.19", "client-class": "phones"},
      {"pool": "192.0.2.100 - 192.0.2.109"}]}]
  )");
  const uint32_t phone = Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("voip-x")));
  EXPECT_GE(phone, Ip(192, 0, 2, 10));
  EXPECT_LE(phone, Ip(192, 0, 2, 19));
  const uint32_t pc = Offer(ClientPacket(MessageType::kDiscover, Mac(2)));
  EXPECT_GE(pc, Ip(192, 0, 2, 100));
  EXPECT_LE(pc, Ip(192, 0, 2, 109));
  // A non-phone asking for a phone address does not get it.
  const uint32_t asked = Offer(ClientPacket(MessageType::kDiscover, Mac(3)).RequestedIp(Ip(192, 0, 2, 15)));
  EXPECT_GE(asked, Ip(192, 0, 2, 100));
}

TEST_F(PolicyTest, KnownAndUnknownSplitReservedClientsFromTheRest) {
  Load(R"(
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
      "pools": [{"pool": "192.0.2.10 - 192.0.2.19", "client-class": "KNOWN"},
                {"pool": "192.0.2.100 - 192.0.2.109", "client-class": "UNKNOWN"}],
      "reservations": [{"hw-address": "02:00:00:00:00:01", "hostname": "known-host"}]}]
  )");
  const uint32_t known = Offer(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_GE(known, Ip(192, 0, 2, 10));
  EXPECT_LE(known, Ip(192, 0, 2, 19));
  const uint32_t unknown = Offer(ClientPacket(MessageType::kDiscover, Mac(2)));
  EXPECT_GE(unknown, Ip(192, 0, 2, 100));
}

TEST_F(PolicyTest, ClassTestUsingKnownIsEvaluatedAfterTheHostLookup) {
  Load(R"(
    "client-classes": [{"name": "vip", "test": "member('KNOWN') and option[60].exists",
                        "option-data": [{"name": "domain-name", "data": "vip.example.net"}]}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.109"}],
      "reservations": [{"hw-address": "02:00:00:00:00:01"}]}]
  )");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("x")));
  EXPECT_EQ(OptionText(opt::kDomainName), "vip.example.net");
  Offer(ClientPacket(MessageType::kDiscover, Mac(2)).Option(opt::kVendorClassId, Text("x")));
  EXPECT_FALSE(reply_.Has(opt::kDomainName));
}

TEST_F(PolicyTest, RequiredClassIsEvaluatedOnlyForTheRequiringPool) {
  Load(R"(
    "client-classes": [{"name": "late", "only-if-required": true, "test": "option[60].exists",
                        "option-data": [{"name": "domain-name", "data": "late.example.net"}]},
                       {"name": "guests", "test": "option[60].text == 'guest'"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [
      {"pool": "192.0.2.10 - 192.0.2.19", "client-class": "guests", "require-client-classes": ["late"]},
      {"pool": "192.0.2.100 - 192.0.2.109"}]}]
  )");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("guest")));
  EXPECT_EQ(OptionText(opt::kDomainName), "late.example.net");
  Offer(ClientPacket(MessageType::kDiscover, Mac(2)).Option(opt::kVendorClassId, Text("other")));
  EXPECT_FALSE(reply_.Has(opt::kDomainName)) << "only-if-required class assigned without being required";
}

TEST_F(PolicyTest, ReservationClassesAreAssignedToTheClient) {
  Load(R"(
    "client-classes": [{"name": "gold", "option-data": [{"name": "domain-name", "data": "gold.example.net"}]}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.109"}],
      "reservations": [{"hw-address": "02:00:00:00:00:01", "client-classes": ["gold"]}]}]
  )");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_EQ(OptionText(opt::kDomainName), "gold.example.net");
  Offer(ClientPacket(MessageType::kDiscover, Mac(2)));
  EXPECT_FALSE(reply_.Has(opt::kDomainName));
}

TEST_F(PolicyTest, BadClassTestNamesFileAndPath) {
  const std::string e = LoadError(R"(
    "client-classes": [{"name": "a", "test": "option[60].text == "},
                       {"name": "b", "test": "member('nosuch') "}],
    "subnet4": []
  )");
  EXPECT_NE(e.find("policy.json: Dhcp4/client-classes[0]/test: "), std::string::npos) << e;
  EXPECT_NE(e.find("policy.json: Dhcp4/client-classes[1]/test: "), std::string::npos) << e;
}

TEST_F(PolicyTest, BuiltInClassCannotBeRedefined) {
  const std::string e = LoadError(R"("client-classes": [{"name": "KNOWN"}], "subnet4": [])");
  EXPECT_NE(e.find("Dhcp4/client-classes[0]/name: 'KNOWN' is a built-in class"), std::string::npos) << e;
}

// ------------------------------------------------------------------ option inheritance

// Option 15 configured at some of the six levels; the most specific one present
// must win: reservation > pool > subnet > shared network > class > global.
TEST_F(PolicyTest, OptionInheritanceOrder) {
  const char* kLevels[] = {"global", "class", "network", "subnet", "pool", "reservation"};
  for (int mask = 1; mask < 64; ++mask) {
    auto od = [&](int level) {
      if (!(mask & (1 << level))) return std::string();
      return std::string(R"("option-data": [{"name": "domain-name", "data": ")") + kLevels[level] +
             R"("}],)";
    };
    Load(R"("client-classes": [{)" + od(1) + R"("name": "c", "test": "option[60].exists"}],)" + od(0) +
         R"("shared-networks": [{)" + od(2) + R"("name": "net", "subnet4": [{)" + od(3) +
         R"("id": 1, "subnet": "192.0.2.0/24", "pools": [{)" + od(4) +
         R"("pool": "192.0.2.100 - 192.0.2.109"}], "reservations": [{)" + od(5) +
         R"("hw-address": "02:00:00:00:00:01"}]}]}])");
    Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("x")));
    int winner = 5;
    while (!(mask & (1 << winner))) --winner;
    EXPECT_EQ(OptionText(opt::kDomainName), kLevels[winner]) << "levels mask " << mask;
    Reset();
  }
}

// Equality tests on one selector are decided as a group (one evaluation of
// relay4[2].hex); the answers, the order the client gets them in and member() of a
// grouped class are those of evaluating each test.
TEST_F(PolicyTest, ClassesComparingOneSelectorAreDecidedAsAGroup) {
  Load(R"json(
    "client-classes": [
      {"name": "olt-a", "test": "relay4[2].hex == 'olt-a'",
       "option-data": [{"name": "domain-name", "data": "a.example.net"}]},
      {"name": "olt-b", "test": "relay4[2].hex == 'olt-b'",
       "option-data": [{"name": "domain-name", "data": "b.example.net"}]},
      {"name": "olt-b-too", "test": "relay4[2].hex == 'olt-b'",
       "option-data": [{"name": "domain-name", "data": "never.example.net"},
                       {"name": "ntp-servers", "data": "10.9.9.9"}]},
      {"name": "b-fan", "test": "member('olt-b')",
       "option-data": [{"name": "time-offset", "data": "60"}]}
    ],
    "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10 - 10.1.0.20"}]}]
  )json");
  int grouped = 0;
  for (const CompiledClass& c : cfg_->classes()) grouped += c.grouped;
  EXPECT_EQ(grouped, 3);
  ASSERT_EQ(cfg_->class_groups().size(), 1u);

  auto prl = std::vector<uint8_t>{2, 15, 42};
  ASSERT_NE(Dora(Mac(1), {{opt::kRelayAgentInfo, RelayInfo({{2, Text("olt-b")}})},
                          {opt::kParameterRequestList, prl}}, kRelay), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "b.example.net");  // olt-b before olt-b-too
  EXPECT_TRUE(reply_.Has(opt::kNtpServers));
  EXPECT_TRUE(reply_.Has(opt::kTimeOffset));
  ASSERT_NE(Dora(Mac(2), {{opt::kRelayAgentInfo, RelayInfo({{2, Text("olt-a")}})},
                          {opt::kParameterRequestList, prl}}, kRelay), 0u);
  EXPECT_EQ(OptionText(opt::kDomainName), "a.example.net");
  EXPECT_FALSE(reply_.Has(opt::kNtpServers));
  EXPECT_FALSE(reply_.Has(opt::kTimeOffset));
  ASSERT_NE(Dora(Mac(3), {{opt::kRelayAgentInfo, RelayInfo({{2, Text("olt-c")}})},
                          {opt::kParameterRequestList, prl}}, kRelay), 0u);
  EXPECT_FALSE(reply_.Has(opt::kDomainName));
}

// ------------------------------------------------------------------ shared networks

TEST_F(PolicyTest, SharedNetworkSpillsIntoItsNextSubnetWhenOneIsFull) {
  Load(R"(
    "shared-networks": [{"name": "floor1", "relay": {"ip-addresses": ["10.1.0.1"]},
      "option-data": [{"name": "domain-name", "data": "floor1.example.net"}],
      "subnet4": [
        {"id": 1, "subnet": "10.1.0.0/24", "pools": [{"pool": "10.1.0.10 - 10.1.0.11"}]},
        {"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10 - 10.2.0.11"}],
         "option-data": [{"name": "routers", "data": "10.2.0.1"}]}]}]
  )");
  std::vector<uint32_t> got;
  for (uint32_t i = 1; i <= 5; ++i) got.push_back(Dora(Mac(i), {}, kRelay));
  EXPECT_EQ(got[0] >> 8, Ip(10, 1, 0, 0) >> 8);
  EXPECT_EQ(got[1] >> 8, Ip(10, 1, 0, 0) >> 8);
  EXPECT_EQ(got[2] >> 8, Ip(10, 2, 0, 0) >> 8) << "did not spill into the second subnet";
  EXPECT_EQ(got[3] >> 8, Ip(10, 2, 0, 0) >> 8);
  EXPECT_EQ(got[4], 0u) << "the whole network is full";
  // The spilled client gets its own subnet's mask and options plus the network's.
  Dora(Mac(3), {}, kRelay);
  EXPECT_EQ(reply_.yiaddr() >> 8, Ip(10, 2, 0, 0) >> 8);
  EXPECT_EQ(OptionText(opt::kDomainName), "floor1.example.net");
  auto routers = reply_.Option(opt::kRouters);
  EXPECT_EQ(std::vector<uint8_t>(routers.begin(), routers.end()), (std::vector<uint8_t>{10, 2, 0, 1}));
  // A renewal of the spilled address through the same relay is acknowledged.
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(3)).Ciaddr(got[2]).Giaddr(kRelay));
  EXPECT_EQ(r.reply_type, MessageType::kAck);
}

TEST_F(PolicyTest, SharedNetworkSkipsSubnetsTheClientsClassesDoNotAllow) {
  Load(R"(
    "client-classes": [{"name": "cm", "test": "option[60].text == 'docsis'"}],
    "shared-networks": [{"name": "cable", "relay": {"ip-addresses": ["10.1.0.1"]}, "subnet4": [
        {"id": 1, "subnet": "10.1.0.0/24", "client-class": "cm", "pools": [{"pool": "10.1.0.10 - 10.1.0.20"}]},
        {"id": 2, "subnet": "10.2.0.0/24", "pools": [{"pool": "10.2.0.10 - 10.2.0.20"}]}]}]
  )");
  EXPECT_EQ(Dora(Mac(1), {{opt::kVendorClassId, Text("docsis")}}, kRelay) >> 8, Ip(10, 1, 0, 0) >> 8);
  EXPECT_EQ(Dora(Mac(2), {{opt::kVendorClassId, Text("cpe")}}, kRelay) >> 8, Ip(10, 2, 0, 0) >> 8);
}

// ------------------------------------------------------------------ reservations

struct IdentifierCase {
  const char* reservation;  // the identifier key and value
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> options;
  const char* extra_config;
};

TEST_F(PolicyTest, ReservationByEachIdentifier) {
  const std::vector<uint8_t> duid_client_id = {255, 0, 0, 0, 1, 0, 3, 0, 1, 2, 0, 0, 0, 0, 9};
  const IdentifierCase cases[] = {
      {R"("hw-address": "02:00:00:00:00:09")", {}, ""},
      {R"("client-id": "01:02:00:00:00:00:09")", {{opt::kClientId, {1, 2, 0, 0, 0, 0, 9}}}, ""},
      {R"("duid": "00:03:00:01:02:00:00:00:00:09")", {{opt::kClientId, duid_client_id}}, ""},
      {R"("circuit-id": "'port-9'")", {{opt::kRelayAgentInfo, RelayInfo({{1, Text("port-9")}})}}, ""},
      {R"("flex-id": "'abc'")", {{opt::kVendorClassId, Text("xxabc")}},
       R"("hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_flex_id.so",
            "parameters": {"identifier-expression": "substring(option[60].hex,2,3) "}}],
          "host-reservation-identifiers": ["hw-address", "duid", "circuit-id", "client-id", "flex-id"],)"},
  };
  for (const IdentifierCase& c : cases) {
    SCOPED_TRACE(c.reservation);
    Load(std::string(c.extra_config) + R"(
      "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "relay": {"ip-addresses": ["10.1.0.1"]},
        "pools": [{"pool": "10.1.0.100 - 10.1.0.109"}],
        "reservations": [{)" + std::string(c.reservation) + R"(, "ip-address": "10.1.0.42"}]}]
    )");
    EXPECT_EQ(Dora(Mac(9), c.options, kRelay), Ip(10, 1, 0, 42));
    // Another client never gets the reserved address, even when it asks for it.
    EXPECT_NE(Offer(ClientPacket(MessageType::kDiscover, Mac(10)).Giaddr(kRelay).RequestedIp(Ip(10, 1, 0, 42))),
              Ip(10, 1, 0, 42));
    Reset();
  }
}

TEST_F(PolicyTest, CircuitIdFromOption82SelectsTheReservedAddressThroughARelay) {
  Load(R"(
    "host-reservation-identifiers": ["circuit-id", "hw-address"],
    "subnet4": [{"id": 1, "subnet": "10.1.0.0/24", "relay": {"ip-addresses": ["10.1.0.1"]},
      "pools": [{"pool": "10.1.0.100 - 10.1.0.109"}],
      "reservations": [{"circuit-id": "65:74:68:30:2f:31", "ip-address": "10.1.0.7",
                        "option-data": [{"name": "domain-name", "data": "line1.example.net"}]}]}]
  )");
  const auto rai = RelayInfo({{1, Text("eth0/1")}, {2, Text("remote")}});
  EXPECT_EQ(Dora(Mac(1), {{opt::kRelayAgentInfo, rai}}, kRelay), Ip(10, 1, 0, 7));
  EXPECT_EQ(OptionText(opt::kDomainName), "line1.example.net");
  // Whatever MAC sits behind the line gets the line's address.
  EXPECT_EQ(Dora(Mac(2), {{opt::kRelayAgentInfo, rai}}, kRelay), Ip(10, 1, 0, 7));
  EXPECT_GE(Dora(Mac(3), {{opt::kRelayAgentInfo, RelayInfo({{1, Text("eth0/2")}})}}, kRelay),
            Ip(10, 1, 0, 100));
}

TEST_F(PolicyTest, GlobalReservationsOnlyWhereTheSubnetAllowsThem) {
  const char* kConfig = R"(
    "reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.42",
                      "option-data": [{"name": "domain-name", "data": "global-host"}]}],
    "reservations-global": %s, "reservations-in-subnet": true,
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}]
  )";
  char buf[1024];
  std::snprintf(buf, sizeof buf, kConfig, "true");
  Load(buf);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(1))), Ip(192, 0, 2, 42));
  EXPECT_EQ(OptionText(opt::kDomainName), "global-host");
  std::snprintf(buf, sizeof buf, kConfig, "false");
  Reset();
  Load(buf);
  EXPECT_NE(Offer(ClientPacket(MessageType::kDiscover, Mac(1))), Ip(192, 0, 2, 42));
}

TEST_F(PolicyTest, ReservationFixedFieldsWinOverClassAndSubnet) {
  Load(R"(
    "client-classes": [{"name": "pxe", "test": "option[60].exists", "next-server": "192.0.2.60",
                        "server-hostname": "class-srv", "boot-file-name": "class.efi"}],
    "next-server": "192.0.2.70", "boot-file-name": "global.efi",
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}],
      "reservations": [{"hw-address": "02:00:00:00:00:01", "boot-file-name": "host.efi"}]}]
  )");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("PXE")));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(reply_.file_field().data())), "host.efi");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(reply_.sname_field().data())), "class-srv");
  EXPECT_EQ(reply_.siaddr(), Ip(192, 0, 2, 60));
  Offer(ClientPacket(MessageType::kDiscover, Mac(2)));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(reply_.file_field().data())), "global.efi");
  EXPECT_EQ(reply_.siaddr(), Ip(192, 0, 2, 70));
}

// ------------------------------------------------------------------ subnet selection

constexpr char kTwoSubnets[] = R"(
  "subnet4": [
    {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]},
    {"id": 2, "subnet": "10.5.0.0/24", "pools": [{"pool": "10.5.0.10 - 10.5.0.99"}]},
    {"id": 3, "subnet": "10.6.0.0/24", "pools": [{"pool": "10.6.0.10 - 10.6.0.99"}],
     "relay": {"ip-addresses": ["172.16.0.1"]}},
    {"id": 4, "subnet": "10.7.0.0/24", "pools": [{"pool": "10.7.0.10 - 10.7.0.99"}],
     "interface": "veth0.100"}]
)";

TEST_F(PolicyTest, SubnetSelectionOptionWins) {
  Load(kTwoSubnets);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(1)).AddressOption(opt::kSubnetSelection, Ip(10, 5, 0, 0))) >> 8,
            Ip(10, 5, 0, 0) >> 8);
}

TEST_F(PolicyTest, LinkSelectionSubOptionOverridesGiaddr) {
  Load(kTwoSubnets);
  const auto rai = RelayInfo({{5, {10, 5, 0, 0}}});
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Giaddr(Ip(192, 0, 2, 254))
                      .Option(opt::kRelayAgentInfo, rai)) >> 8,
            Ip(10, 5, 0, 0) >> 8);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(2)).Giaddr(Ip(192, 0, 2, 254))) >> 8,
            Ip(192, 0, 2, 0) >> 8);
}

TEST_F(PolicyTest, RelayIpAddressesSelectASubnetNotContainingGiaddr) {
  Load(kTwoSubnets);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Giaddr(Ip(172, 16, 0, 1))) >> 8,
            Ip(10, 6, 0, 0) >> 8);
}

TEST_F(PolicyTest, InterfaceAndVlanSelectTheSubnetOfDirectClients) {
  Load(kTwoSubnets);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(1)), /*vlan=*/100) >> 8, Ip(10, 7, 0, 0) >> 8);
  EXPECT_EQ(Offer(ClientPacket(MessageType::kDiscover, Mac(2)), /*vlan=*/0) >> 8, Ip(192, 0, 2, 0) >> 8);
}

TEST_F(PolicyTest, PktIfaceSeesThePortAndVlanName) {
  Load(R"(
    "client-classes": [{"name": "v100", "test": "pkt.iface == 'veth0.100'",
                        "option-data": [{"name": "domain-name", "data": "vlan100"}]}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}]
  )");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)), 100);
  EXPECT_EQ(OptionText(opt::kDomainName), "vlan100");
  Offer(ClientPacket(MessageType::kDiscover, Mac(2)), 0);
  EXPECT_FALSE(reply_.Has(opt::kDomainName));
}

// ------------------------------------------------------------------ lease policy

TEST_F(PolicyTest, ClientRequestedLifetimeIsClampedToMinAndMax) {
  Load(R"("valid-lifetime": 3600, "min-valid-lifetime": 1800, "max-valid-lifetime": 7200,
          "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}])");
  auto ask = [&](uint32_t t) {
    Offer(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kLeaseTime, {uint8_t(t >> 24), uint8_t(t >> 16), uint8_t(t >> 8), uint8_t(t)}));
    return reply_.LeaseTime().value_or(0);
  };
  EXPECT_EQ(ask(60), 1800u);
  EXPECT_EQ(ask(5000), 5000u);
  EXPECT_EQ(ask(100000), 7200u);
}

TEST_F(PolicyTest, CalculatedTeeTimesUseThePercentages) {
  Load(R"("valid-lifetime": 1000, "calculate-tee-times": true, "t1-percent": 0.4, "t2-percent": 0.8,
          "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}])");
  Offer(ClientPacket(MessageType::kDiscover, Mac(1)));
  auto u32 = [&](uint8_t code) {
    auto s = reply_.Option(code);
    return s.size() == 4 ? uint32_t(s[0]) << 24 | s[1] << 16 | s[2] << 8 | s[3] : 0u;
  };
  EXPECT_EQ(u32(opt::kRenewalTime), 400u);
  EXPECT_EQ(u32(opt::kRebindingTime), 800u);
}

TEST_F(PolicyTest, RenewalWithinCacheThresholdWritesNothingAndSendsTheRemainingLifetime) {
  Load(R"("valid-lifetime": 1000, "cache-threshold": 0.25,
          "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}])");
  const uint32_t a = Dora(Mac(1));
  ASSERT_NE(a, 0u);
  DrainRing();
  now_ += 100;  // 10% of the lifetime: cached
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).Ciaddr(a));
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  EXPECT_EQ(r.outcome, Outcome::kSend) << "a cached renewal waits for nothing";
  EXPECT_EQ(reply_.LeaseTime(), 900u);
  EXPECT_EQ(DrainRing(), 0u) << "a cached renewal wrote a record";
  now_ += 200;  // 30% of the lifetime: past the threshold, a real renewal
  r = Send(ClientPacket(MessageType::kRequest, Mac(1)).Ciaddr(a));
  EXPECT_EQ(r.outcome, Outcome::kSendWhenDurable);
  EXPECT_EQ(reply_.LeaseTime(), 1000u);
  EXPECT_EQ(DrainRing(), 1u);
}

TEST_F(PolicyTest, RateLimitOfAClassDropsAClientsExcessPackets) {
  Load(R"(
    "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_limits.so"}],
    "client-classes": [{"name": "limited", "test": "option[60].text == 'chatty'",
                        "user-context": {"limits": {"rate-limit": "2 packets per second"}}}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}]
  )");
  auto discover = [&](uint32_t n, const char* vc) {
    return Send(ClientPacket(MessageType::kDiscover, Mac(n)).Option(opt::kVendorClassId, Text(vc))).outcome;
  };
  EXPECT_EQ(discover(1, "chatty"), Outcome::kSend);
  EXPECT_EQ(discover(1, "chatty"), Outcome::kSend);
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kVendorClassId, Text("chatty")));
  EXPECT_EQ(r.drop, DropReason::kRateLimited);
  EXPECT_EQ(discover(2, "chatty"), Outcome::kSend) << "limits are per client";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(discover(3, "quiet"), Outcome::kSend);
  now_ += 1;
  EXPECT_EQ(discover(1, "chatty"), Outcome::kSend) << "a new window";
}

// ------------------------------------------------------------------ BOOTP

std::vector<uint8_t> BootpRequest(std::array<uint8_t, 6> mac) {
  std::vector<uint8_t> b = ClientPacket(MessageType::kDiscover, mac).Bytes();
  b[240] = b[241] = b[242] = 0;  // option 53 becomes pads: a BOOTP request
  return b;
}

TEST_F(PolicyTest, BootpClientGetsAnInfiniteLeaseWhenBootpIsEnabled) {
  Load(R"(
    "hooks-libraries": [{"library": "libdhcp_bootp.so"}],
    "client-classes": [{"name": "bootp-only", "test": "member('BOOTP') ", "boot-file-name": "boot.img"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}]
  )");
  HandleResult r = Send(BootpRequest(Mac(1)));
  ASSERT_EQ(r.outcome, Outcome::kSendWhenDurable);
  EXPECT_EQ(reply_.type(), MessageType::kNone) << "a BOOTP reply has no option 53";
  EXPECT_GE(reply_.yiaddr(), Ip(192, 0, 2, 10));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(reply_.file_field().data())), "boot.img");
  EXPECT_GE(r.length, 300u);
  const leasedb::Lease* l = shard_->Find(leasedb::ClientKey::Make(1, Mac(1), {}, true));
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->state, leasedb::LeaseState::kBound);
  EXPECT_EQ(l->valid, 0xffffffffu);
}

TEST_F(PolicyTest, BootpIsDroppedWithoutTheBootpHook) {
  Load(R"("subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}])");
  EXPECT_EQ(Send(BootpRequest(Mac(1))).drop, DropReason::kBootpDisabled);
}

}  // namespace
}  // namespace fastlease::dhcp4
