// EDNS(0) (RFC 6891): the OPT pseudo-RR as a value, its options, and the Extended DNS
// Errors option (RFC 8914). Options are kept as opaque bytes in their original order, so
// unknown options survive a parse -> build round trip untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/rdata.h"

namespace gitns::wire {

namespace edns_option {
inline constexpr uint16_t NSID = 3, CLIENT_SUBNET = 8, EXPIRE = 9, COOKIE = 10,
                          TCP_KEEPALIVE = 11, PADDING = 12, CHAIN = 13, KEY_TAG = 14, EDE = 15;
}  // namespace edns_option

struct EdnsOption {
  uint16_t code = 0;
  Bytes data;
  bool operator==(const EdnsOption&) const = default;
};

struct Edns {
  uint16_t udp_size = 1232;  // as on the wire; use effective_udp_size() as a limit
  uint8_t ext_rcode = 0;     // the upper 8 bits of the 12-bit RCODE
  uint8_t version = 0;
  bool do_bit = false;
  uint16_t z = 0;            // the other 15 flag bits (DO excluded), kept for round trips
  std::vector<EdnsOption> options;

  bool operator==(const Edns&) const = default;
  // RFC 6891 6.2.3: values below 512 are treated as 512.
  uint16_t effective_udp_size() const { return udp_size < 512 ? 512 : udp_size; }
  const EdnsOption* find(uint16_t code) const;  // the first option with `code`
};

inline constexpr uint16_t kMinUdpSize = 512;
inline uint16_t effective_udp_size(uint16_t raw) { return raw < kMinUdpSize ? kMinUdpSize : raw; }

// The OPT RR's TTL field: EXTENDED-RCODE(8) VERSION(8) DO(1) Z(15).
uint32_t edns_ttl(const Edns& e);
// Size of the whole OPT RR on the wire (root owner, fixed fields, options).
size_t opt_rr_size(const Edns& e);
// Size of the OPT rdata (all options with their 4-byte headers).
size_t opt_rdata_size(const Edns& e);

// Builds an Edns from an OPT RR's CLASS, TTL and RDATA. The options must fill the rdata
// exactly, and known options are checked (validate_edns_option).
base::Result<Edns> edns_from_opt(uint16_t rclass, uint32_t ttl, std::span<const uint8_t> rdata);
// Structural checks for the options whose layout an RFC fixes (COOKIE, CLIENT_SUBNET,
// TCP_KEEPALIVE, EDE, EXPIRE); other options are opaque and always accepted.
base::Status validate_edns_option(uint16_t code, std::span<const uint8_t> data);
// Writes the OPT rdata (options) to `out`, which must hold opt_rdata_size(e) bytes.
void write_opt_rdata(const Edns& e, uint8_t* out);

// RFC 8914 Extended DNS Errors.
namespace ede {
inline constexpr uint16_t OtherError = 0, UnsupportedDnskeyAlgorithm = 1,
                          UnsupportedDsDigestType = 2, StaleAnswer = 3, ForgedAnswer = 4,
                          DnssecIndeterminate = 5, DnssecBogus = 6, SignatureExpired = 7,
                          SignatureNotYetValid = 8, DnskeyMissing = 9, RrsigsMissing = 10,
                          NoZoneKeyBitSet = 11, NsecMissing = 12, CachedError = 13,
                          NotReady = 14, Blocked = 15, Censored = 16, Filtered = 17,
                          Prohibited = 18, StaleNxdomainAnswer = 19, NotAuthoritative = 20,
                          NotSupported = 21, NoReachableAuthority = 22, NetworkError = 23,
                          InvalidData = 24;
}  // namespace ede

struct ExtendedError {
  uint16_t info_code = 0;
  std::string extra_text;  // UTF-8, may be empty
  bool operator==(const ExtendedError&) const = default;
};

// The RFC 8914 purpose text ("Blocked"), or "" for codes without a registered name.
std::string_view ede_name(uint16_t info_code);
EdnsOption encode_ede(const ExtendedError& e);
// Expects INFO-CODE plus UTF-8 EXTRA-TEXT; a trailing NUL some senders add is dropped.
base::Result<ExtendedError> decode_ede(const EdnsOption& option);

// One line per option for logs and dig-like dumps ("COOKIE: 0102...", "EDE: 15 (Blocked)").
std::string edns_option_to_text(const EdnsOption& option);

}  // namespace gitns::wire
