// The typed objects a commit's manifests decode into. Every object and record keeps
// where it was written, so later stages (zone building, reconcile) can still point at
// the YAML when they find a problem.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/manifest/diagnostic.h"
#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"

namespace gitns::manifest {

inline constexpr std::string_view kApiVersion = "gitns.io/v1";
inline constexpr uint32_t kMaxTtl = 2147483647;  // RFC 2181 section 8
inline constexpr uint32_t kDefaultTtl = 3600;

struct ObjectInfo {
  std::string kind;
  std::string name;         // metadata.name as written
  std::string file;
  size_t document = 0;      // index of the document in its file (0-based)
  Position position;        // start of the document
  Position name_position;   // of metadata.name
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  std::string location() const { return format_location(file, name_position); }
};

// A name written in one object that must match another object (e.g. a TsigKey).
struct Reference {
  std::string text;
  Position position;
  std::string path;  // spec.transfer.tsigKeys[0]
};

enum class ZoneType { primary, secondary, stub, forwarder };

struct ManifestRecord {
  wire::RR rr;            // rr.ttl is the effective TTL
  bool ttl_set = false;   // the entry had its own ttl (else it follows the zone's)
  Position position;      // of the value (of the strings list for explicit strings)
  std::string path;       // spec.records.www[0].values[1]
};

struct SoaFields {
  wire::Name mname;
  wire::Name rname;
  uint32_t refresh = 3600;
  uint32_t retry = 600;
  uint32_t expire = 1209600;
  uint32_t minimum = 300;
  Position position;  // of spec.soa, or of metadata.name when every field is a default
};

struct ZoneManifest {
  ObjectInfo object;
  wire::Name apex;
  ZoneType type = ZoneType::primary;
  uint32_t ttl = kDefaultTtl;  // default TTL of records without their own
  // Absent only when zoneFile is given without spec.soa: the file's SOA is used then.
  std::optional<SoaFields> soa;
  bool serial_auto = true;
  uint32_t serial = 0;  // when !serial_auto
  Position serial_position;
  // The apex NS set; empty only when zoneFile is given (the file's NS set is used).
  std::vector<wire::Name> nameservers;
  std::vector<Position> nameserver_positions;
  std::vector<ManifestRecord> records;  // without SOA and apex NS: see apex_records()
  // Path inside the source tree (normalised, relative to the source root) of an RFC 1035
  // master file to merge; the reconcile layer reads it from the same commit.
  std::optional<std::string> zone_file;
  Position zone_file_position;
  std::vector<Reference> tsig_key_refs;  // spec.transfer.tsigKeys (checked, not yet used)

  // Which defaults-able fields the manifest wrote itself (Settings defaults fill the rest).
  struct Written {
    bool ttl = false, refresh = false, retry = false, expire = false, minimum = false;
  } written;

  // The SOA (when `soa` is set) and apex NS records, with `serial` in the SOA.
  std::vector<wire::RR> apex_records(uint32_t serial) const;
};

enum class TsigAlgorithm { hmac_sha256, hmac_sha384, hmac_sha512, hmac_sha1 };
std::string_view to_string(TsigAlgorithm algorithm);  // "hmac-sha256"

struct SecretRef {
  enum class Source { file, env };
  Source source = Source::env;
  std::string value;  // absolute path or variable name
  Position position;
};

struct TsigKeyManifest {
  ObjectInfo object;
  wire::Name name;  // the key name used on the wire
  TsigAlgorithm algorithm = TsigAlgorithm::hmac_sha256;
  SecretRef secret;
};

// Reads and base64-decodes the secret a SecretRef names (run-time only: a missing
// secret stalls the object, it does not make the commit invalid).
base::Result<std::vector<uint8_t>> read_secret(const SecretRef& ref);

struct Listener {
  std::string address;  // numeric IPv4 or IPv6, without brackets
  uint16_t port = 53;
  Position position;
};

struct ZoneDefaults {
  std::optional<uint32_t> ttl, refresh, retry, expire, minimum;
  bool empty() const { return !ttl && !refresh && !retry && !expire && !minimum; }
};

struct SettingsManifest {
  ObjectInfo object;
  std::vector<Listener> listeners;
  ZoneDefaults defaults;
};

// Applies Settings defaults to the fields a zone did not write, records included.
// Returns false (and leaves `zone` alone) when nothing changes.
bool apply_defaults(ZoneManifest& zone, const ZoneDefaults& defaults);

}  // namespace gitns::manifest
