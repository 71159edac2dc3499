// zone_file_delta: the records removed and added by an edit of a master file, found by
// parsing a slice around the edit, must be exactly the difference between full parses
// of the two texts — checked over random line edits of files using the parser's state
// ($ORIGIN, $TTL, blank owners, parentheses), chaining the checkpoints of each delta.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "resolver/zone/zonefile.h"

namespace gitns::zone {
namespace {

using wire::Name;

std::string key(const wire::RR& rr) {
  return rr.owner.to_text() + " " + std::to_string(rr.type) + " " + std::to_string(rr.ttl) + " " +
         wire::rdata_to_text(rr.type, rr.rdata);
}

std::vector<std::string> keys(const std::vector<ZoneFileRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(key(r.rr));
  std::sort(out.begin(), out.end());
  return out;
}

ZoneFileOptions options(std::vector<ZoneFileCheckpoint>* cps, size_t spacing) {
  ZoneFileOptions o;
  o.origin = Name::must("example.");
  o.file_name = "example.zone";
  o.checkpoints = cps;
  o.checkpoint_spacing = spacing;
  return o;
}

std::vector<std::string> random_line(std::mt19937& rng, int i) {
  switch (rng() % 10) {
    case 0:
      return {"$TTL " + std::to_string(300 + 60 * (rng() % 3))};
    case 1:
      return {"$ORIGIN " + std::string(rng() % 2 ? "sub.example." : "example.")};
    case 2:
      return {"  A 192.0.2." + std::to_string(rng() % 250)};  // blank owner
    case 3:
      return {"p" + std::to_string(i) + " TXT ( \"one\"", "   \"two\" )"};
    case 4:
      return {"; a comment " + std::to_string(i)};
    case 5:
      return {"m" + std::to_string(rng() % 50) + " 600 MX 10 mail"};
    default:
      return {"h" + std::to_string(rng() % 200) + " A 10.0." + std::to_string(rng() % 4) + "." +
              std::to_string(i % 250)};
  }
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(ZoneFileDelta, RandomEditsMatchTheDifferenceOfFullParses) {
  size_t confined = 0, total = 0;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> lines = {"$TTL 3600", "@ SOA ns hm 1 2 3 4 5", "@ NS ns",
                                      "ns A 192.0.2.1"};
    for (int i = 0; i < 300; ++i)
      for (auto& l : random_line(rng, i)) lines.push_back(l);
    std::string text = join(lines);
    std::vector<ZoneFileCheckpoint> cps;
    const size_t spacing = 64 + rng() % 512;
    ZoneFileResult full = parse_zone_file(text, options(&cps, spacing));
    ASSERT_TRUE(full.ok()) << full.errors[0].to_string();
    ASSERT_GT(cps.size(), 3u);
    for (int step = 0; step < 40; ++step) {
      // Replace, insert or delete a few lines after line 4.
      std::vector<std::string> next = lines;
      size_t at = 4 + rng() % (next.size() - 4);
      switch (rng() % 3) {
        case 0:
          next[at] = random_line(rng, 1000 + step)[0];
          break;
        case 1: {
          auto add = random_line(rng, 2000 + step);
          next.insert(next.begin() + long(at), add.begin(), add.end());
          break;
        }
        default:
          next.erase(next.begin() + long(at));
          break;
      }
      std::string next_text = join(next);
      ZoneFileResult next_full = parse_zone_file(next_text, options(nullptr, spacing));
      if (!next_full.ok()) continue;  // an edit that broke a parenthesised entry
      ++total;
      std::vector<ZoneFileCheckpoint> next_cps;
      auto delta = zone_file_delta(text, cps, next_text, options(nullptr, spacing), &next_cps);
      SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
      if (!delta) {
        // Not confined: start again from a full parse, as a caller would.
        next_cps.clear();
        parse_zone_file(next_text, options(&next_cps, spacing));
      } else {
        ++confined;
        // old - removed + added == new, as multisets.
        std::vector<std::string> have = keys(full.records);
        for (const std::string& k : keys(delta->removed)) {
          auto it = std::find(have.begin(), have.end(), k);
          ASSERT_NE(it, have.end()) << "removed record not in the old parse: " << k;
          have.erase(it);
        }
        for (const std::string& k : keys(delta->added)) have.push_back(k);
        std::sort(have.begin(), have.end());
        ASSERT_EQ(have, keys(next_full.records));
        // A slice: from a checkpoint to the edit, plus up to 64 entries to agree again.
        EXPECT_LT(delta->parsed_bytes, 2 * (spacing + 64 * 40 + 400)) << "parsed more than a slice";
        // From the checkpoints kept, moved or added, the rest of the new text parses as
        // in the full parse.
        for (size_t pick = 0; pick < 3; ++pick) {
          const ZoneFileCheckpoint& c = next_cps[rng() % next_cps.size()];
          ZoneFileRange r =
              parse_zone_file_range(next_text, c, next_text.size(), options(nullptr, spacing));
          ASSERT_TRUE(r.result.ok()) << "checkpoint at " << c.offset;
          auto rest = keys(r.result.records);
          std::vector<std::string> tail;
          for (const auto& rec : next_full.records)
            if (rec.where.line >= c.line) tail.push_back(key(rec.rr));
          std::sort(tail.begin(), tail.end());
          ASSERT_EQ(rest, tail) << "checkpoint at offset " << c.offset << " line " << c.line;
        }
      }
      lines = std::move(next);
      text = std::move(next_text);
      full = std::move(next_full);
      cps = std::move(next_cps);
    }
  }
  // Most single-line edits are confined to a slice (a $ORIGIN or $TTL change that later
  // lines depend on is not).
  EXPECT_GT(confined, total / 2) << confined << " of " << total;
}

TEST(ZoneFileDelta, IdenticalTextsAndEditsAtTheEnds) {
  std::string text = "$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nlast A 192.0.2.2";
  std::vector<ZoneFileCheckpoint> cps;
  ASSERT_TRUE(parse_zone_file(text, options(&cps, 16)).ok());
  std::vector<ZoneFileCheckpoint> out;
  auto same = zone_file_delta(text, cps, text, options(nullptr, 16), &out);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->removed.empty() && same->added.empty());

  // The last line, without a final newline, changed.
  auto end =
      zone_file_delta(text, cps, text.substr(0, text.size() - 1) + "3", options(nullptr, 16), &out);
  ASSERT_TRUE(end);
  ASSERT_EQ(end->removed.size(), 1u);
  ASSERT_EQ(end->added.size(), 1u);
  EXPECT_EQ(wire::rdata_to_text(end->added[0].rr.type, end->added[0].rr.rdata), "192.0.2.3");

  // The first line changed: the $TTL applies to everything after it. In a short file
  // the slices grow to the end and every record is replaced...
  std::string ttl = "$TTL 600" + text.substr(8);
  auto all = zone_file_delta(text, cps, ttl, options(nullptr, 16), &out);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->removed.size(), 4u);  // SOA, NS, two A
  ASSERT_EQ(all->added.size(), 4u);
  for (const auto& r : all->added) EXPECT_EQ(r.rr.ttl, 600u);
  // ...in a long one the edit is not confined to a slice: parse it whole.
  std::string long_text = text + "\n";
  for (int i = 0; i < 200; ++i) long_text += "n" + std::to_string(i) + " A 192.0.2.7\n";
  std::vector<ZoneFileCheckpoint> long_cps;
  ASSERT_TRUE(parse_zone_file(long_text, options(&long_cps, 16)).ok());
  EXPECT_FALSE(zone_file_delta(long_text, long_cps, "$TTL 600" + long_text.substr(8),
                               options(nullptr, 16), &out));
  // A syntax error is left to a full parse, which reports it with its location.
  std::string bad = text + "\nbroken A not-an-address\n";
  EXPECT_FALSE(zone_file_delta(text, cps, bad, options(nullptr, 16), &out));
  // So is an $INCLUDE.
  std::string inc = text + "\n$INCLUDE other.zone\n";
  ZoneFileOptions o = options(nullptr, 16);
  o.include = [](const std::string&) -> base::Result<std::string> {
    return std::string("x A 192.0.2.9\n");
  };
  EXPECT_FALSE(zone_file_delta(text, cps, inc, o, &out));
}

}  // namespace
}  // namespace gitns::zone
