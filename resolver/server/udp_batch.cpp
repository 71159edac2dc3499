#include "resolver/server/udp_batch.h"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace gitns::server {
namespace {

// Slot strides are padded off multiples of 4 KiB so the slots' first bytes do not all
// land in the same L1 cache sets.
size_t stride_for(size_t size) { return (size + 63) / 64 * 64 + 128; }

}  // namespace

UdpBatch::UdpBatch(size_t max_response, bool pktinfo, unsigned worker)
    : max_response_(max_response),
      in_stride_(stride_for(kMaxQuery)),
      out_stride_(stride_for(max_response)),
      pktinfo_(pktinfo),
      worker_(worker),
      in_(new uint8_t[in_stride_ * kBatch]),
      out_(new uint8_t[out_stride_ * kBatch]) {}

void UdpBatch::prepare_receive() {
  for (size_t i = 0; i < kBatch; ++i) {
    in_iov_[i] = {in_.get() + i * in_stride_, kMaxQuery};
    msghdr& h = in_msgs_[i].msg_hdr;
    h = {};
    h.msg_name = &peers_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &in_iov_[i];
    h.msg_iovlen = 1;
    if (pktinfo_) {
      h.msg_control = in_ctl_[i].data();
      h.msg_controllen = kControl;
    }
    in_msgs_[i].msg_len = 0;
  }
}

size_t UdpBatch::run_once(int fd, const QueryHandler& handler, Counters& counters) {
  prepare_receive();
  int n = recvmmsg(fd, in_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;  // EAGAIN, or an ICMP error queued on the socket: wait again
  bump(counters.udp_queries, static_cast<uint64_t>(n));
  size_t replies = 0;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    if (answer(i, replies, handler, counters)) ++replies;
  }
  if (replies > 0) send(fd, replies, counters);
  return static_cast<size_t>(n);
}

// Answers datagram i into reply slot `slot`; false when there is nothing to send.
bool UdpBatch::answer(size_t i, size_t slot, const QueryHandler& handler, Counters& counters) {
  const msghdr& in = in_msgs_[i].msg_hdr;
  if (in.msg_flags & MSG_TRUNC) {  // longer than any DNS message: not ours to answer
    bump(counters.udp_dropped);
    return false;
  }
  QueryContext ctx{Transport::udp, reinterpret_cast<const sockaddr*>(&peers_[i]), in.msg_namelen,
                   max_response_, worker_};
  uint8_t* out = out_.get() + slot * out_stride_;
  HandlerOutcome r = invoke_handler(handler, {in_.get() + i * in_stride_, in_msgs_[i].msg_len},
                                    {out, max_response_}, ctx, counters);
  if (r.size == 0) {
    bump(counters.udp_dropped);
    return false;
  }
  out_iov_[slot] = {out, r.size};
  msghdr& h = out_msgs_[slot].msg_hdr;
  h = {};
  h.msg_name = &peers_[i];
  h.msg_namelen = in.msg_namelen;
  h.msg_iov = &out_iov_[slot];
  h.msg_iovlen = 1;
  if (pktinfo_) copy_pktinfo(i, slot);
  return true;
}

// Replies from a wildcard socket leave from the address the query arrived on.
void UdpBatch::copy_pktinfo(size_t from, size_t slot) {
  msghdr& in = in_msgs_[from].msg_hdr;
  msghdr& out = out_msgs_[slot].msg_hdr;
  for (cmsghdr* c = CMSG_FIRSTHDR(&in); c != nullptr; c = CMSG_NXTHDR(&in, c)) {
    bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO;
    bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO;
    if (!v4 && !v6) continue;
    out.msg_control = out_ctl_[slot].data();
    out.msg_controllen = kControl;
    cmsghdr* o = CMSG_FIRSTHDR(&out);
    if (v4) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      info.ipi_spec_dst = info.ipi_addr;  // source = where the query went
      info.ipi_ifindex = 0;               // let routing pick the interface
      o->cmsg_level = IPPROTO_IP;
      o->cmsg_type = IP_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(o), &info, sizeof info);
      out.msg_controllen = CMSG_SPACE(sizeof info);
    } else {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      o->cmsg_level = IPPROTO_IPV6;
      o->cmsg_type = IPV6_PKTINFO;
      o->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(o), &info, sizeof info);
      out.msg_controllen = CMSG_SPACE(sizeof info);
    }
    return;
  }
}

// sendmmsg stops at the first message that fails; that one is counted and skipped. A full
// socket buffer drops the rest of the batch, as a UDP server under overload must.
void UdpBatch::send(int fd, size_t count, Counters& counters) {
  size_t sent = 0;
  while (sent < count) {
    int r = sendmmsg(fd, out_msgs_.data() + sent, static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    if (r > 0) {
      bump(counters.udp_responses, static_cast<uint64_t>(r));
      sent += static_cast<size_t>(r);
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      bump(counters.udp_send_errors, count - sent);
      return;
    } else {
      bump(counters.udp_send_errors);
      ++sent;
    }
  }
}

}  // namespace gitns::server
