// Resource record types, classes and rdata codecs. Every RR type is one row of one
// descriptor table (rdata.cpp, as Knot's descriptor.c): the codecs read the row, so
// adding a type is adding a row. Types without a row use RFC 3597 (TYPE123, \# len hex).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/wire/wire_reader.h"

namespace gitns::wire {

using Bytes = std::vector<uint8_t>;

namespace rrtype {
inline constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, HINFO = 13, MX = 15,
                          TXT = 16, AAAA = 28, SRV = 33, NAPTR = 35, DNAME = 39, OPT = 41,
                          DS = 43, SSHFP = 44, RRSIG = 46, NSEC = 47, DNSKEY = 48, NSEC3 = 50,
                          NSEC3PARAM = 51, TLSA = 52, CDS = 59, CDNSKEY = 60, SVCB = 64,
                          HTTPS = 65, SPF = 99, TKEY = 249, TSIG = 250, IXFR = 251, AXFR = 252,
                          ANY = 255, CAA = 257;
}  // namespace rrtype

namespace rrclass {
inline constexpr uint16_t IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255;
}

// How one rdata field is laid out on the wire and written in presentation form.
enum class Field : uint8_t {
  u8,
  u16,
  u32,
  ttl,              // u32; text also accepts units (1h30m) as BIND and Knot do
  ipv4,
  ipv6,
  name_compress,    // a name that RFC 1035 types may compress on output (NS, MX, ...)
  name,             // a name never compressed on output (SRV, RRSIG signer, DNAME, ...)
  char_string,      // one <character-string>
  char_strings,     // one or more <character-string>s up to the end (TXT)
  base64,           // up to the end; text may be split by spaces
  hex,              // up to the end; text may be split by spaces
  hex_u8,           // u8 length + bytes; text "-" when empty (NSEC3 salt)
  base32hex_u8,     // u8 length + bytes, base32hex text (NSEC3 next hashed owner)
  type_bitmap,      // RFC 4034 4.1.2 windows up to the end
  rrtype,           // u16 written as a type mnemonic (RRSIG type covered)
  time,             // u32, text YYYYMMDDHHmmSS or a number (RRSIG)
  svc_params,       // RFC 9460 SvcParams up to the end
  caa_tag,          // u8 length + tag, text an unquoted word
  caa_value,        // up to the end, text one (quoted) string
};

struct TypeInfo {
  uint16_t type;
  std::string_view mnemonic;
  std::span<const Field> fields;
  // Names inside may be decompressed on input (RFC 3597 section 4 lists which).
  bool decompress;
};

// The descriptor row for `type`, or nullptr when the type is handled as unknown.
const TypeInfo* type_info(uint16_t type);

std::string type_to_text(uint16_t type);                     // "A", "TYPE65280"
base::Result<uint16_t> type_from_text(std::string_view text);  // case-insensitive
std::string class_to_text(uint16_t rclass);                  // "IN", "CLASS7"
base::Result<uint16_t> class_from_text(std::string_view text);
// Meta types and QTYPEs that never appear as data (OPT, TSIG, AXFR, ANY, ...).
bool is_meta_type(uint16_t type);

// Rdata in uncompressed wire form with names in their original case. A value.
struct Rdata {
  Bytes bytes;
  bool operator==(const Rdata& o) const { return bytes == o.bytes; }
  bool operator<(const Rdata& o) const { return bytes < o.bytes; }
};

struct RR {
  Name owner;
  uint16_t type = 0;
  uint16_t rclass = rrclass::IN;
  uint32_t ttl = 0;
  Rdata rdata;
};

struct RRset {
  Name owner;
  uint16_t type = 0;
  uint16_t rclass = rrclass::IN;
  uint32_t ttl = 0;
  std::vector<Rdata> rdatas;
};

// One token of presentation-format rdata. `text` keeps escapes (\DDD, \X) as
// written; quotes are removed and `quoted` remembers them.
struct TextToken {
  std::string text;
  bool quoted = false;
};

// Reads `rdlength` bytes of rdata at r's position. `r` spans the whole message so
// compressed names can be followed; the rdata is returned uncompressed. Checks every
// field against the type's layout.
base::Result<Rdata> rdata_from_wire(uint16_t type, WireReader& r, size_t rdlength);
// Checks uncompressed rdata against the type's layout (e.g. from a journal).
base::Status rdata_check(uint16_t type, std::span<const uint8_t> rdata);

// Parses presentation-format rdata. Relative names are completed with `origin`.
// Accepts RFC 3597 `\# len hex` for every type.
base::Result<Rdata> rdata_from_text(uint16_t type, std::span<const TextToken> tokens,
                                    const Name& origin);
// Convenience: splits `text` into tokens (quotes, escapes, no comments) first.
base::Result<Rdata> rdata_from_text(uint16_t type, std::string_view text, const Name& origin);
base::Result<std::vector<TextToken>> tokenize_rdata(std::string_view text);

// Presentation form. Names absolute, or relative to `origin` when it is given.
// Unknown types print as RFC 3597 `\# len hex`.
std::string rdata_to_text(uint16_t type, const Rdata& rdata, const Name* origin = nullptr);

// A name embedded in rdata: its byte range inside the rdata.
struct RdataName {
  uint16_t offset;
  uint16_t size;
  bool compress;  // may be compressed when written to a message
};
// The names embedded in `rdata` in order; returns how many (at most out.size()).
size_t rdata_names(uint16_t type, std::span<const uint8_t> rdata, std::span<RdataName> out);
// The name that additional-section processing follows (NS, MX, SRV targets...);
// false when the type has none.
bool rdata_target(uint16_t type, std::span<const uint8_t> rdata, Name& out);

// RFC 4034 6.2 canonical form: names lowercased for the types listed there.
Rdata rdata_canonical(uint16_t type, const Rdata& rdata);

}  // namespace gitns::wire
