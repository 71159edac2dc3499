// Helpers for the store tests: temporary store folders, zones written as master-file
// text, and record-for-record comparison.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "resolver/store/store.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"
#include "resolver/zone/zone.h"
#include "resolver/zone/zone_builder.h"
#include "resolver/zone/zonefile.h"

namespace gitns::store::test {

using wire::Name;

// A fresh folder under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gitns-store-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::vector<wire::RR> parse_records(const std::string& origin, const std::string& text) {
  zone::ZoneFileOptions opts;
  opts.origin = Name::must(origin);
  zone::ZoneFileResult parsed = zone::parse_zone_file(text, opts);
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.to_string();
  std::vector<wire::RR> out;
  for (auto& r : parsed.records) out.push_back(std::move(r.rr));
  return out;
}

inline std::shared_ptr<const zone::Zone> build(const std::string& origin,
                                               const std::vector<wire::RR>& records) {
  zone::ZoneBuilder b(Name::must(origin));
  for (const wire::RR& rr : records) b.add(rr);
  zone::BuildResult r = b.build();
  for (const auto& i : r.issues) {
    if (i.severity == zone::Severity::error) ADD_FAILURE() << i.to_string();
  }
  return r.zone;
}

// A zone from master-file text (relative names, $TTL allowed).
inline std::shared_ptr<const zone::Zone> zone_from_text(const std::string& origin,
                                                        const std::string& text) {
  return build(origin, parse_records(origin, text));
}

// The usual apex for `origin` with the given serial.
inline std::string apex(uint32_t serial) {
  return "@ 3600 IN SOA ns1 hostmaster " + std::to_string(serial) +
         " 3600 600 86400 300\n"
         "@ 3600 IN NS ns1\n"
         "ns1 3600 IN A 192.0.2.1\n";
}

// Records as comparable tuples: owner exactly as stored (case kept), type, class, TTL,
// rdata, sorted.
using RRTuple = std::tuple<std::vector<uint8_t>, uint16_t, uint16_t, uint32_t, std::vector<uint8_t>>;
inline std::vector<RRTuple> tuples(const std::vector<wire::RR>& records) {
  std::vector<RRTuple> out;
  for (const wire::RR& rr : records) {
    out.emplace_back(std::vector<uint8_t>(rr.owner.wire().begin(), rr.owner.wire().end()), rr.type,
                     rr.rclass, rr.ttl, rr.rdata.bytes);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string txt_text(const wire::RR& rr) { return wire::rdata_to_text(rr.type, rr.rdata); }

inline std::unique_ptr<Store> open_store(const std::string& dir, const Options& o = {}) {
  auto s = Store::open(dir, o);
  if (!s.ok()) {
    ADD_FAILURE() << s.error().message;
    return nullptr;
  }
  return std::move(*s);
}

}  // namespace gitns::store::test
