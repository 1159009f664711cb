// Resolves the server logic's ReplyAddress (RFC 2131 §4.1 decisions) into the
// Ethernet and IP addresses the wire builder writes.
//
//   UdpReplyAddress to = ResolveReplyAddress(result.to, info, msg, port_mac);
//   size_t len = WriteUdpReplyHeaders(frame, info, to, result.length);
//
// kChaddr uses the client's hardware address when it is an Ethernet one (htype 1,
// hlen 6); otherwise the frame goes to broadcast. Pure, inline, no allocation.
#pragma once

#include <algorithm>

#include "dataplane/dhcp4/message.h"
#include "dataplane/dhcp4/server.h"
#include "dataplane/wire.h"

namespace fastlease::dataplane {

inline MacAddress ReplyDestinationMac(dhcp4::ReplyAddress::L2 l2, const FrameInfo& request,
                                      const dhcp4::Dhcp4Message& msg) {
  switch (l2) {
    case dhcp4::ReplyAddress::L2::kFrameSource:
      return request.src_mac;
    case dhcp4::ReplyAddress::L2::kChaddr:
      if (msg.htype() == 1 && msg.hlen() == 6) {
        MacAddress mac;
        std::copy_n(msg.chaddr_field().begin(), 6, mac.begin());
        return mac;
      }
      return kBroadcastMac;
    case dhcp4::ReplyAddress::L2::kBroadcast:
      break;
  }
  return kBroadcastMac;
}

inline UdpReplyAddress ResolveReplyAddress(const dhcp4::ReplyAddress& to, const FrameInfo& request,
                                           const dhcp4::Dhcp4Message& msg,
                                           const MacAddress& our_mac) {
  UdpReplyAddress out;
  out.src_mac = our_mac;
  out.dst_mac = ReplyDestinationMac(to.l2, request, msg);
  out.src_ip = to.src_ip;
  out.dst_ip = to.dst_ip;
  out.src_port = to.src_port;
  out.dst_port = to.dst_port;
  return out;
}

}  // namespace fastlease::dataplane
