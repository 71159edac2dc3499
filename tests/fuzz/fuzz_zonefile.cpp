// libFuzzer target: the zone-file parser on arbitrary text. Besides not crashing, a
// zone that parses cleanly must survive print -> parse with the same records, so the
// printer and the parser agree on every escape the fuzzer can invent.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "resolver/zone/zonefile.h"

namespace {

using gitns::zone::ZoneFileResult;

// Included files come from memory: "inc.zone" is a small valid file, every other name
// fails, and "self.zone" is the fuzz input itself (exercises the depth limit).
std::string g_input;

gitns::base::Result<std::string> read_include(const std::string& path) {
  if (path == "inc.zone") return std::string("x 60 A 192.0.2.1\n  TXT \"t\"\n");
  if (path == "self.zone") return g_input;
  return gitns::base::fail(gitns::base::Errc::not_found, "no such file");
}

std::vector<std::tuple<std::string, uint16_t, uint32_t, std::vector<uint8_t>>> key(const ZoneFileResult& r) {
  std::vector<std::tuple<std::string, uint16_t, uint32_t, std::vector<uint8_t>>> out;
  for (const auto& rec : r.records) {
    out.emplace_back(rec.rr.owner.to_text(), rec.rr.type, rec.rr.ttl, rec.rr.rdata.bytes);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  g_input.assign(reinterpret_cast<const char*>(data), size);
  gitns::zone::ZoneFileOptions options;
  options.origin = gitns::wire::Name::must("example.com.");
  options.file_name = "fuzz.zone";
  options.include = read_include;
  options.max_include_depth = 3;
  options.max_records = 10'000;
  ZoneFileResult first = gitns::zone::parse_zone_file(g_input, options);
  for (const auto& e : first.errors) {
    if (e.message.empty() || e.where.line == 0 || e.where.column == 0) std::abort();
  }
  if (!first.ok() || first.records.empty()) return 0;

  std::vector<gitns::wire::RR> rrs;
  for (const auto& rec : first.records) rrs.push_back(rec.rr);
  std::string printed = gitns::zone::print_zone_file(options.origin, rrs);
  options.include = nullptr;
  ZoneFileResult second = gitns::zone::parse_zone_file(printed, options);
  if (!second.ok() || key(first) != key(second)) {
    std::fprintf(stderr, "round trip mismatch; printed:\n%s\n", printed.c_str());
    for (const auto& e : second.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    std::abort();
  }
  return 0;
}
