// RFC 1035 master files (section 5): parser and printer.
//
// The parser returns a plain list of records with their source locations; building a
// zone from them (and the zone-level checks) is zone.h's job. It never opens files:
// $INCLUDE goes through an IncludeReader, so the controller can read included files from
// a git tree and tests from memory.
//
// Choices where RFC 1035 leaves room (BIND and Knot behave the same unless noted):
// - TTL of a record without one: the $TTL value when a $TTL was seen (RFC 2308
//   section 4); before any $TTL, the last explicit TTL in the file (RFC 1035 section
//   5.1); before either, ZoneFileOptions::default_ttl. The SOA minimum is never used as
//   a TTL (BIND does that without $TTL, with a warning; RFC 2308 redefined the field).
// - TTLs take units (1w2d3h4m5s, case-insensitive; a trailing number is seconds) and
//   must not exceed 2^31-1 (RFC 2181 section 8).
// - Only class IN; any other class is an error naming it.
// - $INCLUDE FILE [ORIGIN]: FILE is relative to the including file's folder and must stay
//   inside the zone folder (the IncludeReader's root). The included file starts with the
//   given origin (or the current one); afterwards the including file's origin and
//   previous owner come back (RFC 1035 section 5.1). $TTL and the last explicit TTL are
//   file-set state and carry over, as in BIND.
// - A record whose owner is outside the zone's origin is an error (never "ignored").
// - $GENERATE (a BIND extension) is reported as unsupported.
// - Parentheses do not nest; quoted strings end on their line.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"

namespace gitns::zone {

struct SourceLocation {
  std::string file;    // relative to the zone folder; may be empty for text without a file
  uint32_t line = 0;   // 1-based
  uint32_t column = 0; // 1-based, in bytes
};

struct ZoneFileRecord {
  wire::RR rr;
  SourceLocation where;  // the record's first token (its owner, or its TTL/class/type)
};

struct ZoneFileError {
  SourceLocation where;
  std::string message;
  std::string to_string() const;  // "file:line:col: message" ("line:col: message" without a file)
};

// Reads an included file given its path relative to the zone folder (already
// normalised, never absolute, never with ".." components).
using IncludeReader = std::function<base::Result<std::string>(const std::string& path)>;

// Reads files below root_dir. Besides the parser's own checks it refuses paths whose
// real location (after symlinks) is outside root_dir.
IncludeReader filesystem_reader(const std::string& root_dir);

// The parser's state at an entry boundary of the top file (the start of a line outside
// parentheses): everything a parse started there needs to read the rest of the file as a
// parse of the whole file would. Names compare exactly (case is kept in records).
struct ZoneFileState {
  wire::Name origin;
  std::optional<wire::Name> last_owner;
  bool owner_poisoned = false;
  std::optional<uint32_t> dollar_ttl;
  std::optional<uint32_t> last_explicit_ttl;
  bool operator==(const ZoneFileState& o) const;
};

struct ZoneFileCheckpoint {
  size_t offset = 0;  // byte offset in the top file's text
  uint32_t line = 1;  // the line starting there
  ZoneFileState state;
};

struct ZoneFileOptions {
  wire::Name origin;          // the zone apex: the initial $ORIGIN and the zone boundary
  uint32_t default_ttl = 3600;
  std::string file_name;      // the top file's path relative to the zone folder
  IncludeReader include;      // empty: $INCLUDE is an error
  size_t max_include_depth = 8;
  size_t max_records = 10'000'000;
  // When set, each record goes here instead of into ZoneFileResult::records, so a large
  // zone streams into a ZoneBuilder without a second full copy in memory.
  std::function<void(ZoneFileRecord&&)> on_record;
  size_t max_errors = 100;    // parsing stops after this many errors
  // When set, the parse of the top file records its state about every
  // `checkpoint_spacing` bytes (and at offset 0), so a later edit of the file can be
  // parsed from the checkpoint before it (parse_zone_file_range) instead of from the top.
  std::vector<ZoneFileCheckpoint>* checkpoints = nullptr;
  size_t checkpoint_spacing = 16 * 1024;
};

struct ZoneFileResult {
  std::vector<ZoneFileRecord> records;
  std::vector<ZoneFileError> errors;  // every error found, up to max_errors
  bool ok() const { return errors.empty(); }
};

ZoneFileResult parse_zone_file(std::string_view text, const ZoneFileOptions& options);

// Parses a slice of the top file: from checkpoint `from` (recorded by a parse of a text
// whose bytes before from.offset are the same as `text`'s) to the first entry boundary
// at or after byte `until`, where it stops. `end` is the checkpoint there, so a caller
// comparing the states at the ends of an old and a new slice knows whether the rest of
// the file reads the same. `included` says an $INCLUDE was read in the slice.
struct ZoneFileRange {
  ZoneFileResult result;
  ZoneFileCheckpoint end;
  bool included = false;
};
ZoneFileRange parse_zone_file_range(std::string_view text, const ZoneFileCheckpoint& from,
                                    size_t until, const ZoneFileOptions& options);

// The records that change when a top file whose parse recorded `old_checkpoints` is
// edited from `old_text` into `new_text`: only the slice between the checkpoint before
// the first changed byte and the first entry boundary after the last one is parsed, in
// both texts, and the two record lists are compared. nullopt when the edit cannot be
// confined so (the parser state differs after the slice, e.g. a changed $ORIGIN or $TTL
// that later lines depend on; an $INCLUDE in the slice; a syntax error, which a parse of
// the whole file reports properly): parse the whole file then. `new_checkpoints`
// receives checkpoints valid for new_text (those of the old text moved past the slice).
struct ZoneFileDelta {
  std::vector<ZoneFileRecord> removed;
  std::vector<ZoneFileRecord> added;
  size_t parsed_bytes = 0;  // of both slices together: what the delta cost
};
std::optional<ZoneFileDelta> zone_file_delta(std::string_view old_text,
                                             const std::vector<ZoneFileCheckpoint>& old_checkpoints,
                                             std::string_view new_text,
                                             const ZoneFileOptions& options,
                                             std::vector<ZoneFileCheckpoint>* new_checkpoints);

// Convenience for gitnsd and tests: reads `path`, confines $INCLUDE to its folder, and
// fails with the first errors joined by newlines.
base::Result<std::vector<ZoneFileRecord>> load_zone_file(const std::string& path,
                                                         const wire::Name& origin);
// The same, streaming every record to `sink` as it is parsed (see on_record). On failure
// the sink may already have seen records: discard what it built.
base::Status load_zone_file(const std::string& path, const wire::Name& origin,
                            std::function<void(ZoneFileRecord&&)> sink);

// One line per RR after a "$ORIGIN origin" line: owner relative to the origin, explicit
// TTL and class, type, rdata. The apex SOA comes first, then canonical order (owner,
// type, rdata). parse_zone_file() of the output gives the same records back.
std::string print_zone_file(const wire::Name& origin, std::span<const wire::RR> records);

// Parses a TTL with optional units (exposed for manifests and tests).
base::Result<uint32_t> parse_ttl(std::string_view text);

}  // namespace gitns::zone
