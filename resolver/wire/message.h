// DNS messages (RFC 1035 4.1): header, question, sections and the OPT record.
// Two parsers: parse_message() builds a full value and is strict about every byte (for
// tests, clients, transfers); parse_query() is the allocation-free query fast path that
// reads only what an answerer needs and records where the rest lies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/edns.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"

namespace gitns::wire {

namespace opcode {
inline constexpr uint8_t QUERY = 0, IQUERY = 1, STATUS = 2, NOTIFY = 4, UPDATE = 5, DSO = 6;
}  // namespace opcode

// RCODEs are 12 bits: the low 4 in the header, the upper 8 in the OPT record.
namespace rcode {
inline constexpr uint16_t NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4,
                          REFUSED = 5, YXDOMAIN = 6, YXRRSET = 7, NXRRSET = 8, NOTAUTH = 9,
                          NOTZONE = 10, DSOTYPENI = 11, BADVERS = 16, BADSIG = 16, BADKEY = 17,
                          BADTIME = 18, BADMODE = 19, BADNAME = 20, BADALG = 21, BADTRUNC = 22,
                          BADCOOKIE = 23;
}  // namespace rcode

std::string opcode_to_text(uint8_t op);   // "QUERY", "OPCODE3"
std::string rcode_to_text(uint16_t rc);   // "NXDOMAIN", "BADVERS", "RCODE12"

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxMessageSize = 65535;

struct Header {
  uint16_t id = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false, z = false, ad = false,
       cd = false;
  uint8_t opcode = 0;
  uint8_t rcode = 0;  // the low 4 bits only; Message::rcode() gives all 12
  // As read from the wire. Writers (build_message, MessageWriter) compute their own.
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  bool operator==(const Header&) const = default;
  uint16_t flags() const;              // the second 16-bit word of the header
  void set_flags(uint16_t flags);
};

// Reads the 12-byte header; false (reader failed) when fewer bytes are there.
bool read_header(WireReader& r, Header& out);
// Writes the 12-byte header, counts included, to `out`.
void write_header(const Header& h, uint8_t* out);

struct Question {
  Name qname;
  uint16_t qtype = 0;
  uint16_t qclass = rrclass::IN;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<RR> answer, authority, additional;  // additional without the OPT record
  std::optional<Edns> edns;

  uint16_t rcode() const;  // full 12-bit: header low bits + OPT extended bits
  // Splits a 12-bit rcode over the header and the OPT record (which must exist for
  // values above 15; without one the upper bits are lost, as on the wire).
  void set_rcode(uint16_t full_rcode);
};

// Strict full parse. Rejects, each with its reason: a short header, counts promising
// more than is present, bytes after the last record, bad compression pointers, RDLENGTH
// past the end or not matching the rdata's layout, OPT more than once / not owned by the
// root / outside the additional section, TSIG not the last record. QDCOUNT 0 is valid.
base::Result<Message> parse_message(std::span<const uint8_t> wire);

// Builds wire form with name compression. Records that do not fit `max_size` are left
// out and TC is set (the OPT record is kept). A TSIG RR at the end of `additional`
// stays last, after the OPT record.
Bytes build_message(const Message& m, size_t max_size = kMaxMessageSize);

// A dig-like dump for logs and test failure messages.
std::string message_to_text(const Message& m);

// ---- The query fast path ----

// What parse_query found; the offsets index the wire buffer it was given.
struct QueryView {
  Header header;
  Question question;
  size_t question_end = 0;  // offset just after the (first) question

  bool has_edns = false;
  uint16_t udp_size = kMinUdpSize;  // effective payload size (>= 512); 512 without EDNS
  uint16_t raw_udp_size = 0;        // as sent
  uint8_t ext_rcode = 0;
  uint8_t edns_version = 0;         // != 0: the answer must be BADVERS (RFC 6891 6.1.3)
  bool do_bit = false;
  uint16_t edns_z = 0;              // other EDNS flag bits
  size_t opt_offset = 0;            // start of the OPT RR (its owner byte)
  size_t opt_end = 0;               // just after the OPT RR
  uint16_t option_count = 0;
  bool has_nsid = false;
  bool has_cookie = false;
  size_t cookie_offset = 0;         // start of the COOKIE option data
  uint16_t cookie_len = 0;          // 8 (client only) or 16..40
  bool has_client_subnet = false;
  bool has_keepalive = false;
  bool has_padding = false;

  bool has_tsig = false;
  size_t tsig_offset = 0;           // start of the TSIG RR (always the last record)
  size_t tsig_end = 0;
  size_t additional_offset = 0;     // start of the additional section

  bool bad_edns_version() const { return has_edns && edns_version != 0; }
  std::span<const uint8_t> cookie(std::span<const uint8_t> wire) const {
    return has_cookie ? wire.subspan(cookie_offset, cookie_len) : std::span<const uint8_t>{};
  }
};

enum class QueryParseOutcome {
  ok,
  drop,     // no usable header (shorter than 12 bytes) or QR=1: never answer
  formerr,  // the header is valid (echo id/opcode/RD); EDNS fields are valid if has_edns
};

// Parses a query without heap allocation: the header, exactly one question, the answer
// and authority sections skipped over (NOTIFY and UPDATE use them), the OPT record read
// and checked (at most one, root owner, additional only, option lengths), other
// additional records skipped with TSIG required to be last. Nothing may follow the last
// record. QDCOUNT != 1 is FORMERR; the rest is still read so a FORMERR reply can carry
// an OPT record. The opcode is not judged here (NOTIMP is the caller's decision).
// `why`, when given, receives the reason on drop/formerr.
QueryParseOutcome parse_query(std::span<const uint8_t> wire, QueryView& out,
                              base::Error* why = nullptr);

}  // namespace gitns::wire
