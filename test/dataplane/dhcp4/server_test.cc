// The DHCPv4 server logic against RFC 2131 §4.3, one test per rule.
#include "dataplane/dhcp4/server.h"

#include <array>
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "dataplane/dhcp4/server_config.h"
#include "leasedb/persister.h"
#include "test/testing/dhcp4_packet.h"

namespace fastlease::dhcp4 {
namespace {

using leasedb::LeaseShard;
using leasedb::LeaseState;
using testing::ClientPacket;
using testing::Ip;
using testing::Mac;

constexpr uint32_t kServer = Ip(192, 0, 2, 1);
constexpr uint32_t kNow = 1'700'000'000;

config::Config BaseConfig() {
  config::Config c;
  c.source = "test.json";
  config::Subnet4 s;
  s.id = 1;
  s.prefix = Ip(192, 0, 2, 0);
  s.prefix_len = 24;
  s.mask = 0xffffff00;
  s.pools.push_back({Ip(192, 0, 2, 100), Ip(192, 0, 2, 109), {}});
  s.valid_lifetime = s.min_valid_lifetime = 3600;
  s.max_valid_lifetime = 7200;
  s.renew_timer = 900;
  s.rebind_timer = 1800;
  s.options.push_back({opt::kRouters, {192, 0, 2, 1}, false});
  s.options.push_back({opt::kDomainNameServers, {192, 0, 2, 53, 192, 0, 2, 54}, false});
  s.options.push_back({opt::kNtpServers, {192, 0, 2, 123}, false});
  s.options.push_back({opt::kInterfaceMtu, {0x05, 0xdc}, true});
  config::Reservation r;
  r.identifier_type = config::HostIdentifier::kHwAddress;
  r.identifier = {0x02, 0x00, 0xee, 0xee, 0xee, 0xee};
  r.ip_address = Ip(192, 0, 2, 105);  // inside the pool
  r.hostname = "printer";
  s.reservations.push_back(r);
  config::Reservation rc;
  rc.identifier_type = config::HostIdentifier::kClientId;
  rc.identifier = {0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  rc.ip_address = Ip(192, 0, 2, 20);  // outside the pool
  s.reservations.push_back(rc);
  c.dhcp4.subnets.push_back(s);
  config::Subnet4 relayed = s;
  relayed.id = 2;
  relayed.prefix = Ip(10, 1, 0, 0);
  relayed.pools = {{Ip(10, 1, 0, 10), Ip(10, 1, 0, 19), {}}};
  relayed.reservations.clear();
  c.dhcp4.subnets.push_back(relayed);
  c.dhcp4.offer_lifetime = 10;
  c.dhcp4.decline_probation_period = 600;
  c.dhcp4.hold_reclaimed_time = 300;
  c.dhcp4.lease_database.durability = config::Durability::kFsync;
  return c;
}

class ServerTest : public ::testing::Test {
 protected:
  void Compile(const config::Config& c) {
    auto compiled = CompileServerConfig(c, pools_);
    ASSERT_TRUE(compiled.ok());
    cfg_ = *compiled;
  }
  void SetUp() override { Compile(BaseConfig()); }

  // Sends one request; parses the reply into reply_ when there is one.
  HandleResult Send(const ClientPacket& p, uint32_t dst_ip = 0xffffffff) {
    request_bytes_ = p.Bytes();
    EXPECT_EQ(Parse(request_bytes_, request_), ParseError::kNone);
    RequestContext ctx{kServer, 0, dst_ip, now_};
    HandleResult r = HandleDhcp4(*cfg_, shard_, request_, ctx, reply_buf_);
    if (r.outcome == Outcome::kSend || r.outcome == Outcome::kSendWhenDurable) {
      EXPECT_EQ(Parse({reply_buf_.data(), r.length}, reply_), ParseError::kNone);
      EXPECT_EQ(reply_.op(), kBootReply);
      EXPECT_EQ(reply_.xid(), request_.xid());
    }
    return r;
  }
  // DISCOVER → OFFER → REQUEST → ACK; returns the address.
  uint32_t Dora(std::array<uint8_t, 6> mac) {
    HandleResult o = Send(ClientPacket(MessageType::kDiscover, mac));
    EXPECT_EQ(o.reply_type, MessageType::kOffer);
    const uint32_t a = reply_.yiaddr();
    HandleResult ack = Send(ClientPacket(MessageType::kRequest, mac).ServerId(kServer).RequestedIp(a));
    EXPECT_EQ(ack.reply_type, MessageType::kAck);
    return a;
  }
  std::vector<uint8_t> OptionOf(uint8_t code) {
    auto s = reply_.Option(code);
    return {s.begin(), s.end()};
  }
  leasedb::Lease* LeaseOf(std::array<uint8_t, 6> mac) {
    return shard_.Find(leasedb::ClientKey::Make(1, mac, {}, true));
  }
  void DrainRing() {
    leasedb::ChangeRecord out[256];
    while (shard_.DrainChanges(out, 256) > 0) {
    }
  }

  leasedb::PoolRegistry pools_{1};
  std::shared_ptr<const ServerConfig> cfg_;
  LeaseShard shard_{0, 1024, 4096};
  uint32_t now_ = kNow;
  std::vector<uint8_t> request_bytes_;
  Dhcp4Message request_;
  Dhcp4Message reply_;
  std::array<uint8_t, 1500> reply_buf_{};
};

TEST_F(ServerTest, DiscoverGetsAnOfferWithManagedOptionsThenPrlOrder) {
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1))
                            .Option(opt::kParameterRequestList,
                                    {opt::kNtpServers, opt::kSubnetMask, opt::kRouters, 200}));
  ASSERT_EQ(r.outcome, Outcome::kSend);  // offers are not persisted: not gated
  EXPECT_EQ(r.reply_type, MessageType::kOffer);
  EXPECT_EQ(reply_.type(), MessageType::kOffer);
  const uint32_t a = reply_.yiaddr();
  EXPECT_GE(a, Ip(192, 0, 2, 100));
  EXPECT_LE(a, Ip(192, 0, 2, 109));
  EXPECT_NE(a, Ip(192, 0, 2, 105)) << "reserved address offered to another client";
  EXPECT_EQ(reply_.ServerId(), kServer);
  EXPECT_EQ(reply_.LeaseTime(), 3600u);
  EXPECT_EQ(OptionOf(opt::kRenewalTime), (std::vector<uint8_t>{0, 0, 0x03, 0x84}));
  EXPECT_EQ(OptionOf(opt::kRebindingTime), (std::vector<uint8_t>{0, 0, 0x07, 0x08}));
  EXPECT_EQ(OptionOf(opt::kSubnetMask), (std::vector<uint8_t>{255, 255, 255, 0}));
  EXPECT_TRUE(reply_.Has(opt::kDomainNameServers)) << "basic option sent unasked";
  EXPECT_TRUE(reply_.Has(opt::kInterfaceMtu)) << "always-send option";
  // Order on the wire: 53, 54, 51, 58, 59, 1, then PRL order (42 before 3).
  std::vector<uint8_t> codes;
  const auto bytes = reply_.bytes();
  for (size_t i = kOptionsOffset; i < bytes.size() && bytes[i] != opt::kEnd;) {
    if (bytes[i] == opt::kPad) { ++i; continue; }
    codes.push_back(bytes[i]);
    i += 2 + bytes[i + 1];
  }
  ASSERT_GE(codes.size(), 8u);
  EXPECT_EQ((std::vector<uint8_t>(codes.begin(), codes.begin() + 8)),
            (std::vector<uint8_t>{53, 54, 51, 58, 59, 1, 42, 3}));
  // §4.1: no giaddr, no ciaddr, broadcast flag clear → unicast to yiaddr/chaddr.
  EXPECT_EQ(r.to.dst_ip, a);
  EXPECT_EQ(r.to.l2, ReplyAddress::L2::kChaddr);
  EXPECT_EQ(r.to.dst_port, kClientPort);
  EXPECT_EQ(LeaseOf(Mac(1))->state, LeaseState::kOffered);
}

TEST_F(ServerTest, BroadcastFlagMakesTheOfferBroadcast) {
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Broadcast());
  EXPECT_EQ(r.to.dst_ip, 0xffffffffu);
  EXPECT_EQ(r.to.l2, ReplyAddress::L2::kBroadcast);
  EXPECT_TRUE(reply_.broadcast_flag());
}

TEST_F(ServerTest, RepeatedDiscoverIsOfferedTheSameAddress) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  const uint32_t first = reply_.yiaddr();
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_EQ(reply_.yiaddr(), first);
  Send(ClientPacket(MessageType::kDiscover, Mac(2)));
  EXPECT_NE(reply_.yiaddr(), first);
}

TEST_F(ServerTest, DiscoverHonoursAFreeRequestedAddress) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1)).RequestedIp(Ip(192, 0, 2, 107)));
  EXPECT_EQ(reply_.yiaddr(), Ip(192, 0, 2, 107));
  // Taken now: another client asking for it gets a different one.
  Send(ClientPacket(MessageType::kDiscover, Mac(2)).RequestedIp(Ip(192, 0, 2, 107)));
  EXPECT_NE(reply_.yiaddr(), Ip(192, 0, 2, 107));
}

TEST_F(ServerTest, SelectingRequestIsAckedOnceDurable) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  const uint32_t a = reply_.yiaddr();
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).ServerId(kServer).RequestedIp(a));
  EXPECT_EQ(r.outcome, Outcome::kSendWhenDurable);
  EXPECT_EQ(r.durable_seq, shard_.last_seq());
  EXPECT_EQ(reply_.type(), MessageType::kAck);
  EXPECT_EQ(reply_.yiaddr(), a);
  EXPECT_EQ(LeaseOf(Mac(1))->state, LeaseState::kBound);
  EXPECT_EQ(LeaseOf(Mac(1))->expire, kNow + 3600);
}

TEST_F(ServerTest, DurabilityNoneSendsAcksAtOnce) {
  config::Config c = BaseConfig();
  c.dhcp4.lease_database.durability = config::Durability::kNone;
  Compile(c);
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).ServerId(kServer).RequestedIp(reply_.yiaddr()));
  EXPECT_EQ(r.outcome, Outcome::kSend);
}

TEST_F(ServerTest, RequestForAnotherServerIsSilentAndFreesOurOffer) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  const uint32_t a = reply_.yiaddr();
  EXPECT_FALSE(cfg_->PoolFor(a)->pool->IsFree(a));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).ServerId(Ip(192, 0, 2, 2)).RequestedIp(a));
  EXPECT_EQ(r.outcome, Outcome::kDrop);
  EXPECT_EQ(r.drop, DropReason::kOtherServer);
  EXPECT_TRUE(cfg_->PoolFor(a)->pool->IsFree(a));
  EXPECT_EQ(LeaseOf(Mac(1)), nullptr);
}

TEST_F(ServerTest, SelectingAnAddressHeldByAnotherClientIsNaked) {
  const uint32_t taken = Dora(Mac(1));
  Send(ClientPacket(MessageType::kDiscover, Mac(2)));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(2)).ServerId(kServer).RequestedIp(taken));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
  EXPECT_EQ(reply_.yiaddr(), 0u);
  EXPECT_FALSE(reply_.Has(opt::kLeaseTime));
  EXPECT_EQ(r.to.dst_ip, 0xffffffffu) << "a NAK without giaddr is broadcast";
  EXPECT_EQ(r.to.l2, ReplyAddress::L2::kBroadcast);
}

TEST_F(ServerTest, InitRebootKnownClientWithRightAddressIsAcked) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).RequestedIp(a));
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  EXPECT_EQ(reply_.yiaddr(), a);
}

TEST_F(ServerTest, InitRebootWithWrongAddressIsNaked) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).RequestedIp(a == Ip(192, 0, 2, 101) ? Ip(192, 0, 2, 102) : Ip(192, 0, 2, 101)));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
}

TEST_F(ServerTest, InitRebootOnTheWrongNetworkIsNaked) {
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).RequestedIp(Ip(172, 16, 0, 5)));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
}

TEST_F(ServerTest, InitRebootUnknownClientIsIgnoredUnlessAuthoritative) {
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).RequestedIp(Ip(192, 0, 2, 103)));
  EXPECT_EQ(r.outcome, Outcome::kDrop);
  EXPECT_EQ(r.drop, DropReason::kUnknownClient);
  config::Config c = BaseConfig();
  c.dhcp4.subnets[0].authoritative = true;
  Compile(c);
  r = Send(ClientPacket(MessageType::kRequest, Mac(1)).RequestedIp(Ip(192, 0, 2, 103)));
  EXPECT_EQ(r.reply_type, MessageType::kAck) << "authoritative: a free address is granted";
  r = Send(ClientPacket(MessageType::kRequest, Mac(2)).RequestedIp(Ip(192, 0, 2, 103)));
  EXPECT_EQ(r.reply_type, MessageType::kNak) << "authoritative: a taken address is refused";
}

TEST_F(ServerTest, RenewingIsAckedByUnicastToCiaddr) {
  const uint32_t a = Dora(Mac(1));
  now_ += 1000;
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).Ciaddr(a), kServer);
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  EXPECT_EQ(reply_.ciaddr(), a);
  EXPECT_EQ(reply_.yiaddr(), a);
  EXPECT_EQ(r.to.dst_ip, a);
  EXPECT_EQ(r.to.dst_port, kClientPort);
  EXPECT_EQ(r.to.l2, ReplyAddress::L2::kFrameSource);
  EXPECT_EQ(LeaseOf(Mac(1))->expire, now_ + 3600) << "lease extended";
}

TEST_F(ServerTest, RebindingWithAnAddressHeldByAnotherClientIsNaked) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(2)).Ciaddr(a));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
}

TEST_F(ServerTest, RebindingUnknownClientWithFreeAddressIsAcked) {
  // The server lost the lease (e.g. it was never persisted): a free address is
  // confirmed rather than forcing the client back to INIT.
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).Ciaddr(Ip(192, 0, 2, 108)));
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  EXPECT_FALSE(cfg_->PoolFor(Ip(192, 0, 2, 108))->pool->IsFree(Ip(192, 0, 2, 108)));
}

TEST_F(ServerTest, RequestWithoutAnyStateIsDropped) {
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)));
  EXPECT_EQ(r.drop, DropReason::kBadRequest);
}

TEST_F(ServerTest, DeclineQuarantinesTheAddressForTheProbationPeriod) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kDecline, Mac(1)).ServerId(kServer).RequestedIp(a));
  EXPECT_EQ(r.outcome, Outcome::kConsumed);
  EXPECT_EQ(LeaseOf(Mac(1)), nullptr) << "the client is free to ask again";
  // Exhaust the rest of the pool: the declined address is never handed out.
  for (uint32_t i = 10; i < 30; ++i) {
    Send(ClientPacket(MessageType::kDiscover, Mac(i)));
    if (reply_.type() == MessageType::kOffer) {
      EXPECT_NE(reply_.yiaddr(), a);
    }
  }
  now_ += 601;
  for (int i = 0; i < 10; ++i) ExpireSlice(*cfg_, shard_, now_);
  EXPECT_TRUE(cfg_->PoolFor(a)->pool->IsFree(a)) << "probation over";
}

TEST_F(ServerTest, ReleaseFreesTheAddressAndKeepsAffinity) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kRelease, Mac(1)).ServerId(kServer).Ciaddr(a), kServer);
  EXPECT_EQ(r.outcome, Outcome::kConsumed);
  EXPECT_TRUE(cfg_->PoolFor(a)->pool->IsFree(a));
  EXPECT_EQ(LeaseOf(Mac(1))->state, LeaseState::kReleased);
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_EQ(reply_.yiaddr(), a) << "a returning client gets its address back";
}

TEST_F(ServerTest, ReleaseOfAnAddressNotHeldChangesNothing) {
  const uint32_t a = Dora(Mac(1));
  HandleResult r = Send(ClientPacket(MessageType::kRelease, Mac(2)).ServerId(kServer).Ciaddr(a));
  EXPECT_EQ(r.drop, DropReason::kNoLease);
  EXPECT_FALSE(cfg_->PoolFor(a)->pool->IsFree(a));
}

TEST_F(ServerTest, InformGetsOptionsWithoutAnAddressOrLeaseTime) {
  HandleResult r = Send(ClientPacket(MessageType::kInform, Mac(1)).Ciaddr(Ip(192, 0, 2, 50))
                            .Option(opt::kParameterRequestList, {opt::kRouters}), kServer);
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  EXPECT_EQ(reply_.yiaddr(), 0u);
  EXPECT_EQ(reply_.ciaddr(), Ip(192, 0, 2, 50));
  EXPECT_FALSE(reply_.Has(opt::kLeaseTime));
  EXPECT_TRUE(reply_.Has(opt::kRouters));
  EXPECT_EQ(r.to.dst_ip, Ip(192, 0, 2, 50));
  EXPECT_EQ(r.outcome, Outcome::kSend);
}

TEST_F(ServerTest, RelayedRequestGoesBackToTheRelayWithOption82Echoed) {
  const std::vector<uint8_t> agent = {1, 4, 'e', 't', 'h', '0', 2, 3, 0xde, 0xad, 0xbe};
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1))
                            .Giaddr(Ip(10, 1, 0, 1))
                            .Option(opt::kRelayAgentInfo, agent));
  ASSERT_EQ(r.reply_type, MessageType::kOffer);
  EXPECT_GE(reply_.yiaddr(), Ip(10, 1, 0, 10)) << "subnet chosen by giaddr";
  EXPECT_LE(reply_.yiaddr(), Ip(10, 1, 0, 19));
  EXPECT_EQ(reply_.giaddr(), Ip(10, 1, 0, 1));
  EXPECT_EQ(r.to.dst_ip, Ip(10, 1, 0, 1));
  EXPECT_EQ(r.to.dst_port, kServerPort);
  EXPECT_EQ(r.to.l2, ReplyAddress::L2::kFrameSource);
  EXPECT_EQ(OptionOf(opt::kRelayAgentInfo), agent);
  // RFC 3046: option 82 is the last option before End.
  const auto bytes = reply_.bytes();
  size_t last = 0;
  for (size_t i = kOptionsOffset; i < bytes.size() && bytes[i] != opt::kEnd;) {
    if (bytes[i] == opt::kPad) { ++i; continue; }
    last = bytes[i];
    i += 2 + bytes[i + 1];
  }
  EXPECT_EQ(last, opt::kRelayAgentInfo);
}

TEST_F(ServerTest, NakThroughARelaySetsTheBroadcastBit) {
  HandleResult r = Send(ClientPacket(MessageType::kRequest, Mac(1)).Giaddr(Ip(10, 1, 0, 1)).RequestedIp(Ip(192, 0, 2, 100)));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
  EXPECT_EQ(r.to.dst_ip, Ip(10, 1, 0, 1));
  EXPECT_TRUE(reply_.broadcast_flag());
}

TEST_F(ServerTest, UnknownRelayHasNoSubnet) {
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Giaddr(Ip(172, 16, 0, 1)));
  EXPECT_EQ(r.drop, DropReason::kNoSubnet);
}

TEST_F(ServerTest, ExhaustedPoolDropsTheDiscover) {
  // 10 addresses, one reserved: 9 dynamic.
  for (uint32_t i = 1; i <= 9; ++i) {
    Send(ClientPacket(MessageType::kDiscover, Mac(i)));
    EXPECT_EQ(reply_.type(), MessageType::kOffer) << i;
  }
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(100)));
  EXPECT_EQ(r.outcome, Outcome::kDrop);
  EXPECT_EQ(r.drop, DropReason::kPoolExhausted);
  // Offers lapse after offer-lifetime and the addresses come back.
  now_ += 11;
  for (int i = 0; i < 20; ++i) ExpireSlice(*cfg_, shard_, now_);
  r = Send(ClientPacket(MessageType::kDiscover, Mac(100)));
  EXPECT_EQ(r.reply_type, MessageType::kOffer);
}

TEST_F(ServerTest, ExpiredLeaseIsReclaimedKeptForAffinityThenForgotten) {
  const uint32_t a = Dora(Mac(1));
  now_ += 3600;
  ExpireSlice(*cfg_, shard_, now_);
  EXPECT_EQ(LeaseOf(Mac(1))->state, LeaseState::kExpired);
  EXPECT_TRUE(cfg_->PoolFor(a)->pool->IsFree(a));
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_EQ(reply_.yiaddr(), a) << "affinity";
  Send(ClientPacket(MessageType::kRelease, Mac(1)).Ciaddr(a));  // not bound: ignored
  now_ += 11;
  ExpireSlice(*cfg_, shard_, now_);  // the offer lapses
  EXPECT_EQ(LeaseOf(Mac(1)), nullptr);
}

TEST_F(ServerTest, AffinityIsForgottenAfterHoldReclaimedTime) {
  Dora(Mac(1));
  now_ += 3600;
  ExpireSlice(*cfg_, shard_, now_);
  ASSERT_NE(LeaseOf(Mac(1)), nullptr);
  now_ += 301;
  ExpireSlice(*cfg_, shard_, now_);
  EXPECT_EQ(LeaseOf(Mac(1)), nullptr);
}

TEST_F(ServerTest, ReservationByHwAddressGetsItsAddressAndHostname) {
  const std::array<uint8_t, 6> mac = {0x02, 0x00, 0xee, 0xee, 0xee, 0xee};
  Send(ClientPacket(MessageType::kDiscover, mac));
  EXPECT_EQ(reply_.yiaddr(), Ip(192, 0, 2, 105));
  const auto host = OptionOf(opt::kHostName);
  EXPECT_EQ(std::string(host.begin(), host.end()), "printer");
  HandleResult r = Send(ClientPacket(MessageType::kRequest, mac).ServerId(kServer).RequestedIp(Ip(192, 0, 2, 105)));
  EXPECT_EQ(r.reply_type, MessageType::kAck);
  // Another client may not take the reserved address, even by asking for it.
  r = Send(ClientPacket(MessageType::kRequest, Mac(7)).Ciaddr(Ip(192, 0, 2, 105)));
  EXPECT_EQ(r.reply_type, MessageType::kNak);
}

TEST_F(ServerTest, ReservedHostnameIsSentWhenThePrlAsksForIt) {
  const std::array<uint8_t, 6> mac = {0x02, 0x00, 0xee, 0xee, 0xee, 0xee};
  Send(ClientPacket(MessageType::kDiscover, mac)
           .Option(opt::kParameterRequestList, {opt::kHostName, opt::kRouters, opt::kHostName}));
  EXPECT_EQ(reply_.yiaddr(), Ip(192, 0, 2, 105));
  const auto host = OptionOf(opt::kHostName);
  EXPECT_EQ(std::string(host.begin(), host.end()), "printer");
}

TEST_F(ServerTest, ReservationByClientIdOutsideThePool) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1))
           .Option(opt::kClientId, {0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
  EXPECT_EQ(reply_.yiaddr(), Ip(192, 0, 2, 20));
  EXPECT_EQ(OptionOf(opt::kClientId), (std::vector<uint8_t>{0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}))
      << "client-id echoed (RFC 6842)";
}

TEST_F(ServerTest, ClientIdKeysTheLeaseUnlessMatchClientIdIsOff) {
  const std::vector<uint8_t> cid = {0xff, 0, 0, 0, 1, 0, 1, 2, 3};
  Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kClientId, cid));
  const uint32_t a = reply_.yiaddr();
  // Same client-id from another NIC of the same client (same shard in this test).
  Send(ClientPacket(MessageType::kDiscover, Mac(2)).Option(opt::kClientId, cid));
  EXPECT_EQ(reply_.yiaddr(), a);
  config::Config c = BaseConfig();
  c.dhcp4.subnets[0].match_client_id = false;
  Compile(c);
  Send(ClientPacket(MessageType::kDiscover, Mac(3)).Option(opt::kClientId, cid));
  EXPECT_NE(reply_.yiaddr(), a) << "keyed by hardware address";
}

TEST_F(ServerTest, ClientRequestedLeaseTimeIsClampedToMinMax) {
  Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kLeaseTime, {0, 0, 0x27, 0x10}));
  EXPECT_EQ(reply_.LeaseTime(), 7200u);
  Send(ClientPacket(MessageType::kDiscover, Mac(2)).Option(opt::kLeaseTime, {0, 0, 0, 10}));
  EXPECT_EQ(reply_.LeaseTime(), 3600u);
}

TEST_F(ServerTest, CalculatedTeeTimesFollowThePercentages) {
  config::Config c = BaseConfig();
  c.dhcp4.subnets[0].renew_timer = 0;
  c.dhcp4.subnets[0].rebind_timer = 0;
  c.dhcp4.subnets[0].calculate_tee_times = true;
  Compile(c);
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  EXPECT_EQ(OptionOf(opt::kRenewalTime), (std::vector<uint8_t>{0, 0, 0x07, 0x08}));   // 1800
  EXPECT_EQ(OptionOf(opt::kRebindingTime), (std::vector<uint8_t>{0, 0, 0x0c, 0x4e})); // 3150
}

TEST_F(ServerTest, ReplyRespectsTheClientsMaximumMessageSize) {
  config::Config c = BaseConfig();
  c.dhcp4.subnets[0].options.push_back({opt::kVendorEncapsulated, std::vector<uint8_t>(400, 7), true});
  Compile(c);
  HandleResult r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kMaxMessageSize, {0x02, 0x40}));
  ASSERT_EQ(r.reply_type, MessageType::kOffer);
  EXPECT_LE(r.length, 576u - 28u);
  EXPECT_FALSE(reply_.Has(opt::kVendorEncapsulated)) << "did not fit; dropped";
  EXPECT_TRUE(reply_.Has(opt::kServerId));
  r = Send(ClientPacket(MessageType::kDiscover, Mac(1)).Option(opt::kMaxMessageSize, {0x05, 0xdc}));
  EXPECT_TRUE(reply_.Has(opt::kVendorEncapsulated)) << "1500 leaves room";
  EXPECT_EQ(OptionOf(opt::kVendorEncapsulated).size(), 400u);
}

TEST_F(ServerTest, FullChangeRingDropsRequestsWithoutChangingState) {
  LeaseShard tiny(0, 64, 2);
  Send(ClientPacket(MessageType::kDiscover, Mac(1)));
  const uint32_t a = reply_.yiaddr();
  auto req = ClientPacket(MessageType::kRequest, Mac(1)).ServerId(kServer).RequestedIp(a).Bytes();
  Dhcp4Message m;
  ASSERT_EQ(Parse(req, m), ParseError::kNone);
  RequestContext ctx{kServer, 0, 0xffffffff, now_};
  // Fill the tiny shard's ring.
  leasedb::Lease* l = tiny.Insert(leasedb::ClientKey::Make(1, Mac(50), {}, true));
  while (tiny.CanRecord()) tiny.Record(leasedb::ChangeOp::kPut, *l);
  HandleResult r = HandleDhcp4(*cfg_, tiny, m, ctx, reply_buf_);
  EXPECT_EQ(r.drop, DropReason::kChangeRingFull);
  EXPECT_EQ(tiny.Find(leasedb::ClientKey::Make(1, Mac(1), {}, true)), nullptr);
}

TEST_F(ServerTest, NonRequestsAndBootpAreDropped) {
  auto offer = ClientPacket(MessageType::kOffer, Mac(1));
  EXPECT_EQ(Send(offer).drop, DropReason::kUnexpectedType);
  auto bytes = ClientPacket(MessageType::kDiscover, Mac(1)).Bytes();
  bytes[0] = kBootReply;
  Dhcp4Message m;
  ASSERT_EQ(Parse(bytes, m), ParseError::kNone);
  RequestContext ctx{kServer, 0, 0xffffffff, now_};
  EXPECT_EQ(HandleDhcp4(*cfg_, shard_, m, ctx, reply_buf_).drop, DropReason::kNotRequest);
}

TEST_F(ServerTest, RecoveryRebuildsShardsAndBitmapsFromTheStore) {
  char tmpl[] = "/tmp/fastlease-recover-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::vector<uint32_t> bound;
  {
    auto store = leasedb::LeaseStore::Open(dir + "/db", {});
    ASSERT_TRUE(store.ok());
    leasedb::Persister p(**store, {&shard_}, 1024);
    for (uint32_t i = 1; i <= 5; ++i) bound.push_back(Dora(Mac(i)));
    const uint32_t released = bound.back();
    Send(ClientPacket(MessageType::kRelease, Mac(5)).Ciaddr(released));
    bound.pop_back();
    ASSERT_TRUE(p.RunOnce().ok());
  }
  // A new process: fresh pools and shards (two of them now).
  leasedb::PoolRegistry pools(2);
  auto cfg = CompileServerConfig(BaseConfig(), pools);
  ASSERT_TRUE(cfg.ok());
  LeaseShard s0(0, 64, 256), s1(1, 64, 256);
  LeaseShard* shards[] = {&s0, &s1};
  auto store = leasedb::LeaseStore::Open(dir + "/db", {});
  ASSERT_TRUE(store.ok());
  auto stats = RecoverLeases(**cfg, **store, shards, now_ + 10);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->bound, 4u);
  EXPECT_EQ(stats->affinity, 1u);
  for (uint32_t a : bound) EXPECT_FALSE((*cfg)->PoolFor(a)->pool->IsFree(a)) << a;
  for (uint32_t i = 1; i <= 4; ++i) {
    const auto mac = Mac(i);
    LeaseShard& owner = *shards[leasedb::ShardIndexOf(leasedb::HwAddressHash(1, mac), 2)];
    leasedb::Lease* l = owner.Find(leasedb::ClientKey::Make(1, mac, {}, true));
    ASSERT_NE(l, nullptr) << i;
    EXPECT_EQ(l->state, LeaseState::kBound);
    EXPECT_EQ(l->address, bound[i - 1]);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fastlease::dhcp4

namespace fastlease::dhcp4 {
namespace {

// ---- lease commands (lease4-add / -update / -del / -wipe) ----

leasedb::Lease Wanted(std::array<uint8_t, 6> mac, uint32_t addr, uint32_t subnet = 1) {
  leasedb::Lease l;
  l.SetIdentity(leasedb::ClientKey::Make(1, mac, {}, true));
  l.address = addr;
  l.subnet_id = subnet;
  l.valid = 1000;
  l.expire = kNow + 1000;
  return l;
}

TEST_F(ServerTest, AddedLeaseIsBoundDurableAndServedToItsClient) {
  const auto mac = Mac(0x30);
  const LeaseCommandResult r = AddLease(*cfg_, shard_, Wanted(mac, Ip(192, 0, 2, 107)));
  ASSERT_EQ(r.result, 0) << r.text;
  EXPECT_EQ(r.seq, shard_.last_seq());
  ASSERT_NE(LeaseOf(mac), nullptr);
  EXPECT_EQ(LeaseOf(mac)->state, leasedb::LeaseState::kBound);
  // The address is out of the pool: nobody else is offered it.
  // 10 in the pool, 105 reserved, 107 added: 8 left for others.
  for (int i = 0; i < 8; ++i) EXPECT_NE(Dora(Mac(0x40 + i)), Ip(192, 0, 2, 107));
  EXPECT_EQ(Send(ClientPacket(MessageType::kDiscover, Mac(0x4f))).outcome, Outcome::kDrop);
  // Its client gets it.
  Send(ClientPacket(MessageType::kDiscover, mac));
  EXPECT_EQ(reply_.yiaddr(), Ip(192, 0, 2, 107));
}

TEST_F(ServerTest, AddLeaseRefusesBadSubnetsTakenAndReservedAddresses) {
  EXPECT_EQ(AddLease(*cfg_, shard_, Wanted(Mac(1), Ip(192, 0, 2, 107), 99)).result, 1);
  EXPECT_EQ(AddLease(*cfg_, shard_, Wanted(Mac(1), Ip(10, 1, 0, 12), 1)).result, 1);
  EXPECT_STREQ(AddLease(*cfg_, shard_, Wanted(Mac(1), Ip(192, 0, 2, 105))).text,
               "the address is reserved for a host");
  const uint32_t taken = Dora(Mac(2));
  EXPECT_STREQ(AddLease(*cfg_, shard_, Wanted(Mac(1), taken)).text, "the address is in use");
  EXPECT_STREQ(AddLease(*cfg_, shard_, Wanted(Mac(2), Ip(192, 0, 2, 108))).text,
               "the client already has a lease for another address");
  EXPECT_STREQ(AddLease(*cfg_, shard_, Wanted(Mac(2), taken)).text,
               "a lease for this address already exists");
}

TEST_F(ServerTest, UpdateRewritesLifetimesAndDeleteFreesTheAddress) {
  const auto mac = Mac(0x31);
  const uint32_t a = Dora(mac);
  leasedb::Lease w = Wanted(mac, a);
  w.valid = 50;
  w.expire = kNow + 50;
  EXPECT_EQ(UpdateLease(*cfg_, shard_, w).result, 0);
  EXPECT_EQ(LeaseOf(mac)->valid, 50u);
  EXPECT_EQ(UpdateLease(*cfg_, shard_, Wanted(Mac(0x32), a)).result, 3);  // not that client's

  const LeaseCommandResult d = DeleteLease(*cfg_, shard_, *LeaseOf(mac));
  EXPECT_EQ(d.result, 0);
  EXPECT_EQ(d.seq, shard_.last_seq());
  EXPECT_EQ(LeaseOf(mac), nullptr);
  // The address is free again: a new client can be given it.
  EXPECT_EQ(AddLease(*cfg_, shard_, Wanted(Mac(0x33), a)).result, 0);
}

TEST_F(ServerTest, WipeRemovesOneSubnetsLeasesAcrossTurnsAndLeavesOffers) {
  for (int i = 0; i < 5; ++i) Dora(Mac(0x50 + i));
  ASSERT_EQ(AddLease(*cfg_, shard_, Wanted(Mac(0x60), Ip(10, 1, 0, 15), 2)).result, 0);
  Send(ClientPacket(MessageType::kDiscover, Mac(0x61)));  // an offer
  DrainRing();
  uint32_t cursor = 0;
  uint64_t deleted = 0;
  uint64_t seq = 0;
  WipeLeases(*cfg_, shard_, 1, 2, cursor, deleted, seq);  // a small budget: partial
  EXPECT_EQ(cursor, 2u);
  while (cursor < shard_.slot_count()) WipeLeases(*cfg_, shard_, 1, 2, cursor, deleted, seq);
  EXPECT_EQ(deleted, 5u);
  EXPECT_EQ(seq, shard_.last_seq());
  EXPECT_NE(LeaseOf(Mac(0x60)), nullptr);  // subnet 2 untouched
  ASSERT_NE(LeaseOf(Mac(0x61)), nullptr);
  EXPECT_EQ(LeaseOf(Mac(0x61))->state, leasedb::LeaseState::kOffered);
  leasedb::ChangeRecord out[16];
  EXPECT_EQ(shard_.DrainChanges(out, 16), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i].op, leasedb::ChangeOp::kDelete);
    EXPECT_TRUE(out[i].by_command);
    EXPECT_EQ(out[i].prev_state, leasedb::LeaseState::kBound);
  }
}

TEST(ClientKeyHint, MatchesTheKeyTheServerLooksUp) {
  const auto mac = testing::Mac(9);
  auto plain = testing::ClientPacket(MessageType::kDiscover, mac).Bytes();
  EXPECT_EQ(ClientKeyHint(plain), leasedb::ClientKey::Make(1, mac, {}, true).hash);
  const std::vector<uint8_t> cid = {0xff, 1, 2, 3, 4, 0, 2, 9, 9};
  auto with_cid = testing::ClientPacket(MessageType::kDiscover, mac)
                      .Option(opt::kHostName, {'h'})
                      .Option(opt::kClientId, cid)
                      .Bytes();
  EXPECT_EQ(ClientKeyHint(with_cid), leasedb::ClientKey::Make(1, mac, cid, true).hash);
  // Truncated or garbage payloads give a harmless hint, never a read past the end.
  EXPECT_EQ(ClientKeyHint(std::span<const uint8_t>(plain.data(), 100)), 0u);
  with_cid.resize(250);
  (void)ClientKeyHint(with_cid);
}

}  // namespace
}  // namespace fastlease::dhcp4
