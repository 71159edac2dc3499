// Domain names as values (RFC 1034/1035, RFC 4343). Stored uncompressed in wire form
// with the original case, inline (no heap), so parsing a query name allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "resolver/base/result.h"
#include "resolver/wire/wire_reader.h"

namespace gitns::wire {

class Name {
 public:
  static constexpr size_t kMaxWire = 255;
  static constexpr size_t kMaxLabel = 63;

  Name() { data_[0] = 0; }  // the root

  // Reads a possibly compressed name from a message. The reader must span the whole
  // message (pointers are offsets into r.data()). Pointers must point strictly
  // backwards, which rules out loops; a name over 255 octets is rejected.
  static base::Result<Name> read(WireReader& r);
  // An uncompressed name occupying exactly `bytes` (or a prefix of it when
  // `consumed` is given).
  static base::Result<Name> from_wire(std::span<const uint8_t> bytes, size_t* consumed = nullptr);
  // Presentation form with \DDD and \X escapes. A name without a trailing dot is
  // relative to `origin` ("@" is the origin itself); without an origin it is an error.
  static base::Result<Name> from_text(std::string_view text, const Name* origin = nullptr);
  // For constants in code and tests; aborts on a bad name.
  static Name must(std::string_view text);

  std::string to_text() const;                        // absolute, trailing dot
  std::string to_text_relative(const Name& origin) const;  // "@", "www", or absolute

  std::span<const uint8_t> wire() const { return {data_.data(), size_}; }
  size_t wire_size() const { return size_; }
  size_t label_count() const { return labels_; }  // the root label not counted
  bool is_root() const { return labels_ == 0; }
  bool is_wildcard() const { return labels_ > 0 && data_[0] == 1 && data_[1] == '*'; }
  // Label i counted from the left (0 is the leftmost), without its length byte.
  std::string_view label(size_t i) const;

  Name parent() const;                 // strips the leftmost label; root stays root
  Name suffix(size_t n) const;         // the rightmost n labels
  base::Result<Name> prepend(std::string_view label) const;
  base::Result<Name> concat(const Name& suffix) const;  // this (relative part) + suffix
  // Replaces the `old_suffix` of this name by `new_suffix` (DNAME substitution).
  base::Result<Name> replace_suffix(const Name& old_suffix, const Name& new_suffix) const;

  // True when this name equals `zone` or lies below it (case-insensitive).
  bool is_subdomain_of(const Name& zone) const;
  // Number of rightmost labels shared with `other`.
  size_t common_labels(const Name& other) const;

  bool operator==(const Name& o) const;  // case-insensitive (RFC 4343)
  bool equals_exact(const Name& o) const;  // case-sensitive, byte equality
  // RFC 4034 section 6.1 canonical order: <0, 0, >0.
  int canonical_compare(const Name& o) const;
  bool operator<(const Name& o) const { return canonical_compare(o) < 0; }

  Name lowered() const;
  size_t hash() const;  // case-insensitive

  // A byte string whose plain byte order is canonical DNS order: labels reversed,
  // lowercased, each followed by a 0 separator (0x00/0x01 inside labels are escaped),
  // so closest-encloser and predecessor lookups are one ordered search.
  std::string lookup_key() const;
  void append_lookup_key(std::string& out) const;

 private:
  std::array<uint8_t, kMaxWire> data_{};
  uint8_t size_ = 1;
  uint8_t labels_ = 0;
  // Offsets of each label's length byte, so suffix work needs no rescans.
  void offsets(std::array<uint8_t, 128>& out) const;
};

inline uint8_t ascii_lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

struct NameHash {
  size_t operator()(const Name& n) const { return n.hash(); }
};

}  // namespace gitns::wire
