// An immutable zone snapshot and its lookup (RFC 1034 4.3.2, RFC 4592 wildcards,
// RFC 6672 DNAME, RFC 2308 negative answers, RFC 8482 ANY).
//
// Layout (chosen for load speed and memory at a million records): nodes sit in one
// vector in DNSSEC canonical order (Knot's lookup-key order), their owners and rdata in
// two byte arenas, and a hash table over the owners finds a node in one probe. Every
// empty non-terminal exists as a node, so "name exists" is one probe (RFC 8020).
// Views (RRsetView, NodeView) point into the zone and stay valid while it lives.
// A zone is built by ZoneBuilder (zone_builder.h) and shared as shared_ptr<const Zone>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/name_index.h"

namespace gitns::zone {

class Zone;
class ZoneBuilder;
class ZonePatcher;

// One RRset inside a zone (or synthesized by a lookup): owner, type, TTL and rdatas in
// uncompressed wire form. Trivially copyable; points into memory it does not own.
class RRsetView {
 public:
  class iterator {
   public:
    using value_type = std::span<const uint8_t>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const uint8_t* p, uint16_t left) : p_(p), left_(left) {}
    std::span<const uint8_t> operator*() const { return {p_ + 2, size_t(p_[0] << 8 | p_[1])}; }
    iterator& operator++() {
      p_ += 2 + (p_[0] << 8 | p_[1]);
      --left_;
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      ++*this;
      return t;
    }
    bool operator==(const iterator& o) const { return left_ == o.left_; }

   private:
    const uint8_t* p_ = nullptr;
    uint16_t left_ = 0;
  };

  RRsetView() = default;
  // `rdata` holds `count` entries, each a big-endian u16 length and the bytes.
  RRsetView(std::span<const uint8_t> owner, uint16_t type, uint32_t ttl, uint16_t count,
            const uint8_t* rdata)
      : owner_(owner.data()), rdata_(rdata), ttl_(ttl), type_(type), count_(count),
        owner_size_(static_cast<uint8_t>(owner.size())) {}

  bool empty() const { return count_ == 0; }
  explicit operator bool() const { return count_ != 0; }
  std::span<const uint8_t> owner_wire() const { return {owner_, owner_size_}; }
  wire::Name owner() const;
  uint16_t type() const { return type_; }
  uint32_t ttl() const { return ttl_; }
  size_t size() const { return count_; }
  iterator begin() const { return {rdata_, count_}; }
  iterator end() const { return {rdata_, 0}; }
  std::span<const uint8_t> front() const { return *begin(); }
  // The same RRset under another owner (wildcard synthesis: the owner becomes the qname).
  RRsetView with_owner(std::span<const uint8_t> owner) const {
    RRsetView v = *this;
    v.owner_ = owner.data();
    v.owner_size_ = static_cast<uint8_t>(owner.size());
    return v;
  }
  // An owning copy (allocates; for tests, transfers and diffs, not the query path).
  wire::RRset to_rrset(uint16_t rclass = wire::rrclass::IN) const;

 private:
  const uint8_t* owner_ = nullptr;
  const uint8_t* rdata_ = nullptr;
  uint32_t ttl_ = 0;
  uint16_t type_ = 0;
  uint16_t count_ = 0;
  uint8_t owner_size_ = 0;
};

namespace detail {

enum NodeFlag : uint16_t {
  kApex = 1 << 0,
  kDelegation = 1 << 1,     // NS at a name other than the apex: a zone cut
  kNonAuth = 1 << 2,        // strictly below a cut: glue or occluded data
  kWildcardChild = 1 << 3,  // "*.<this>" exists
  kHasDname = 1 << 4,
  kBelowDname = 1 << 5,     // strictly below a DNAME: occluded (RFC 6672 2.4)
  kHasCname = 1 << 6,
};

struct Node {
  uint32_t owner_off;  // into Zone::names_
  uint32_t parent;     // node index; kNone for the apex
  uint32_t rrset_begin;
  uint16_t rrset_count;
  uint16_t flags;
  uint8_t owner_size;
  uint8_t labels;
};

struct RRsetEntry {
  uint32_t rdata_off;  // into Zone::rdata_
  uint32_t ttl;
  uint16_t type;
  uint16_t count;
};

}  // namespace detail

// One name of the zone with its RRsets. RRsets keep the order in which their types
// first appeared in the input (Knot's order too, which decides the ANY answer).
class NodeView {
 public:
  NodeView() = default;
  NodeView(const Zone* zone, uint32_t index) : zone_(zone), index_(index) {}

  bool valid() const { return zone_ != nullptr && index_ != detail::kNone; }
  explicit operator bool() const { return valid(); }
  uint32_t index() const { return index_; }
  std::span<const uint8_t> owner_wire() const;
  wire::Name owner() const;
  size_t rrset_count() const;
  RRsetView rrset(size_t i) const;
  RRsetView find(uint16_t type) const;  // empty view when absent
  NodeView parent() const;

  bool is_apex() const { return flags() & detail::kApex; }
  bool is_delegation() const { return flags() & detail::kDelegation; }
  // Below a zone cut: glue or occluded data, never an authoritative answer.
  bool is_nonauth() const { return flags() & detail::kNonAuth; }
  bool is_below_dname() const { return flags() & detail::kBelowDname; }
  bool has_wildcard_child() const { return flags() & detail::kWildcardChild; }
  bool is_empty_nonterminal() const { return rrset_count() == 0; }

 private:
  uint16_t flags() const;
  const detail::Node& node() const;

  const Zone* zone_ = nullptr;
  uint32_t index_ = detail::kNone;
};

// Lookup outcomes, named as NSD names its answer paths.
enum class Outcome : uint8_t {
  answer,       // data found (exact or synthesized from a wildcard)
  cname,        // the name is an alias; the chain was followed inside the zone
  dname,        // a DNAME above the name rewrote it (RFC 6672)
  delegation,   // a referral: the name is at or below a zone cut
  nxdomain,     // no such name
  nodata,       // the name exists, the type does not
  out_of_zone,  // the (alias target) name is not in this zone
  loop,         // the alias chain exceeded LookupResult::kMaxChain hops
  yxdomain,     // DNAME substitution produced a name over 255 octets
};
const char* to_string(Outcome o);

struct AnswerRRset {
  RRsetView rrset;
  // Owner of the wildcard the RRset was synthesized from; empty when it was not.
  std::span<const uint8_t> wildcard;
  // A CNAME synthesized from a DNAME (RFC 6672 3.1); rrset's rdata is the new name.
  bool synthesized = false;
};

// The result of one lookup. It allocates nothing unless a DNAME is followed. Views in it
// point into the zone, into the query name passed to lookup() (wildcard owners) and into
// the result itself (synthesized CNAMEs): keep all three alive while using it. Movable,
// not copyable (a copy would point into the original).
struct LookupResult {
  static constexpr size_t kMaxChain = 8;  // CNAME/DNAME hops followed inside the zone
  static constexpr size_t kMaxAnswers = 2 * kMaxChain + 1;
  static constexpr size_t kMaxGlue = 26;  // 13 name servers x (A, AAAA)

  LookupResult() = default;
  LookupResult(LookupResult&&) = default;
  LookupResult& operator=(LookupResult&&) = default;
  LookupResult(const LookupResult&) = delete;
  LookupResult& operator=(const LookupResult&) = delete;

  // What happened to the query name itself: answer, cname, dname, delegation, nxdomain,
  // nodata, or out_of_zone when the zone does not contain it.
  Outcome kind = Outcome::nxdomain;
  // Where the lookup ended. Equal to `kind` unless an alias chain was followed; then
  // answer, nodata, nxdomain, delegation, out_of_zone, loop or yxdomain (RFC 6604: the
  // rcode follows the last name).
  Outcome end = Outcome::nxdomain;

  std::array<AnswerRRset, kMaxAnswers> answer_storage{};
  uint8_t answer_count = 0;
  std::span<const AnswerRRset> answers() const { return {answer_storage.data(), answer_count}; }

  // end == delegation: the NS RRset at the closest cut, and in-zone addresses of its
  // targets (RFC 1034 4.3.2 step 3b; out-of-zone targets get none).
  RRsetView ns;
  std::array<RRsetView, kMaxGlue> glue_storage{};
  uint8_t glue_count = 0;
  std::span<const RRsetView> glue() const { return {glue_storage.data(), glue_count}; }

  // end == nxdomain / nodata: the SOA for the authority section and the negative TTL,
  // min(SOA TTL, SOA MINIMUM) (RFC 2308 section 5).
  RRsetView soa;
  uint32_t negative_ttl = 0;
  // end == nodata at a wildcard, or any wildcard answer: the source wildcard's owner.
  std::span<const uint8_t> wildcard;
  // end == nxdomain / answer via wildcard / nodata: the closest encloser of the last name
  // looked up (for NSEC/NSEC3 proofs later).
  std::span<const uint8_t> closest_encloser;

  // Storage of names made by DNAME substitution: [u16 length][name wire], so they can
  // be viewed as one-rdata CNAME RRsets. Reserved once so views into it stay valid.
  std::vector<std::array<uint8_t, 2 + wire::Name::kMaxWire>> synthesized;

  bool authoritative() const { return kind != Outcome::delegation; }
};

// Addresses for additional-section processing (and referral glue).
struct Additional {
  RRsetView a;
  RRsetView aaaa;
  bool glue = false;  // found below a zone cut, not authoritative data
};

class Zone {
 public:
  const wire::Name& origin() const { return origin_; }
  uint16_t rclass() const { return rclass_; }
  RRsetView soa() const;
  uint32_t serial() const { return serial_; }
  uint32_t negative_ttl() const { return negative_ttl_; }

  size_t node_count() const { return nodes_.size(); }
  size_t rrset_count() const { return rrsets_.size(); }
  size_t record_count() const { return record_count_; }
  // Heap bytes held by the snapshot (the figure benchmarks compare).
  size_t memory_bytes() const;

  // Nodes in canonical order (RFC 4034 6.1); node(0) is the apex.
  NodeView node(size_t i) const { return {this, static_cast<uint32_t>(i)}; }
  NodeView apex() const { return node(0); }
  // The node with this exact owner (empty non-terminals and glue included).
  NodeView find_node(const wire::Name& name) const;
  RRsetView find(const wire::Name& owner, uint16_t type) const;
  // The topmost zone cut at or above `name` (excluding the apex), or an invalid view.
  NodeView enclosing_cut(const wire::Name& name) const;

  // RFC 1034 4.3.2 for one question; `qname` must outlive the result.
  LookupResult lookup(const wire::Name& qname, uint16_t qtype) const;
  // A/AAAA of an in-zone name: authoritative data, glue, or a wildcard match. Empty for
  // names outside the zone. `target` must outlive the result (wildcard owners).
  Additional additional(const wire::Name& target) const;

  // Every record in canonical order (allocates; transfers, diffs, tests).
  std::vector<wire::RR> records() const;

 private:
  friend class ZoneBuilder;
  friend class ZonePatcher;
  friend class NodeView;

  struct Located;
  Located locate(const detail::NameSplit& q, uint16_t qtype) const;
  Located check_path(uint32_t n, bool self, uint16_t qtype) const;
  uint32_t probe(const detail::NameSplit& q, size_t labels) const;
  uint32_t probe_wildcard(const detail::NameSplit& q, size_t labels) const;
  const detail::RRsetEntry* find_rrset(uint32_t node, uint16_t type) const;
  RRsetView view(uint32_t node, const detail::RRsetEntry& e) const;
  std::span<const uint8_t> owner_of(uint32_t node) const {
    const detail::Node& n = nodes_[node];
    return {names_.data() + n.owner_off, n.owner_size};
  }
  void add_referral(LookupResult& r, uint32_t cut) const;
  void read_soa();  // serial_ and negative_ttl_ from the apex SOA (zone_builder.cpp)
  Additional additional_at(const detail::NameSplit& q) const;

  wire::Name origin_;
  uint16_t rclass_ = wire::rrclass::IN;
  uint32_t serial_ = 0;
  uint32_t negative_ttl_ = 0;
  size_t record_count_ = 0;
  std::vector<detail::Node> nodes_;
  std::vector<detail::RRsetEntry> rrsets_;
  std::vector<uint8_t> names_;  // owners, wire form, case as loaded
  std::vector<uint8_t> rdata_;  // [u16 length][bytes] per rdata, RRset by RRset
  detail::NameTable index_;
};

// Records removed and added between two versions of a zone (IXFR, journal, plans). A
// TTL change is a removal of the old record and an addition of the new one.
struct ZoneDiff {
  std::vector<wire::RR> removed;
  std::vector<wire::RR> added;
  bool empty() const { return removed.empty() && added.empty(); }
};
ZoneDiff diff(const Zone& from, const Zone& to);

}  // namespace gitns::zone
