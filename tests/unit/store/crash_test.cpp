// Crash safety: a child process applies revisions in a loop while the parent kills it
// with SIGKILL at random moments. After every kill the store must hold one whole
// revision: the revision string, the generation, the status, the history and every
// zone's content and serial all agree.
//
// Revision i: zones a., b., c. have serial i and TXT "rev=i" at rev.<zone>; a. also has
// 200 A records h0..h199 whose rdata encode i (so each apply rewrites 200 RRsets and the
// commit has a window worth hitting); zone d. is deleted or created again at every
// multiple of 5 (present when (i / 5) is even) with the serial of the revision that
// created it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "tests/unit/store/store_test_util.h"

namespace gitns::store {
namespace {

using namespace test;

constexpr int kFillers = 200;
const char* const kPatched[] = {"a.", "b.", "c."};

wire::RR record(const std::string& origin, const std::string& text) {
  return parse_records(origin, text)[0];
}

std::string soa_text(uint32_t serial) {
  return "@ 3600 IN SOA ns1 hostmaster " + std::to_string(serial) + " 3600 600 86400 300\n";
}

std::string txt_text_for(uint32_t rev) {
  return "rev 300 IN TXT \"rev=" + std::to_string(rev) + "\"\n";
}

wire::RR filler(uint32_t rev, int k) {
  wire::RR rr = record("a.", "h 300 IN A 10.0.0.0\n");
  rr.owner = Name::must("h" + std::to_string(k) + ".a.");
  rr.rdata.bytes = {10, uint8_t(rev >> 8), uint8_t(rev), uint8_t(k)};
  return rr;
}

bool d_present(uint32_t rev) { return (rev / 5) % 2 == 0; }

std::shared_ptr<const zone::Zone> zone_at(const std::string& origin, uint32_t rev) {
  std::vector<wire::RR> records = parse_records(origin, apex(rev) + txt_text_for(rev));
  if (origin == "a.") {
    for (int k = 0; k < kFillers; ++k) records.push_back(filler(rev, k));
  }
  return build(origin, records);
}

ApplyBatch batch_for(uint32_t rev) {
  ApplyBatch b;
  b.revision = std::to_string(rev);
  b.status = "status " + b.revision;
  b.history = "rev " + b.revision;
  for (const char* origin : kPatched) {
    zone::ZoneDiff d;
    d.removed = {record(origin, soa_text(rev - 1)), record(origin, txt_text_for(rev - 1))};
    d.added = {record(origin, soa_text(rev)), record(origin, txt_text_for(rev))};
    if (std::string(origin) == "a.") {
      for (int k = 0; k < kFillers; ++k) {
        d.removed.push_back(filler(rev - 1, k));
        d.added.push_back(filler(rev, k));
      }
    }
    b.patches.push_back({Name::must(origin), std::move(d), std::nullopt});
  }
  if (rev % 5 == 0) {
    if (d_present(rev)) {
      b.puts.push_back({zone_at("d.", rev), ""});
    } else {
      b.deletes.push_back(Name::must("d."));
    }
  }
  return b;
}

// The child: never returns. Exit codes other than death by SIGKILL mean failure.
[[noreturn]] void writer(const std::string& dir) {
  auto store = Store::open(dir);
  if (!store.ok()) _exit(3);
  for (;;) {
    auto st = (*store)->state();
    if (!st.ok()) _exit(4);
    uint32_t next = static_cast<uint32_t>(std::stoul(st->revision)) + 1;
    if (!(*store)->apply(batch_for(next)).ok()) _exit(5);
  }
}

// Returns the revision found, after checking that everything agrees with it.
uint32_t check_consistent(const std::string& dir) {
  auto store = open_store(dir);
  if (!store) return 0;
  auto snap = store->load();
  EXPECT_TRUE(snap.ok()) << snap.error().message;
  if (!snap.ok()) return 0;
  const uint32_t rev = static_cast<uint32_t>(std::stoul(snap->state.revision));
  EXPECT_EQ(snap->state.generation, rev);
  if (rev > 1) {
    EXPECT_EQ(snap->state.status, "status " + std::to_string(rev));
    auto h = store->history();
    EXPECT_TRUE(h.ok() && !h->empty() && h->back().record == "rev " + std::to_string(rev));
    auto j = store->journal(Name::must("a."));
    EXPECT_TRUE(j.ok() && !j->empty() && j->back().serial_to == rev);
  }
  size_t patched = 0;
  bool d_seen = false;
  for (const LoadedZone& z : snap->zones) {
    const std::string origin = z.info.origin.to_text();
    auto txt = z.zone->find(Name::must("rev." + origin), wire::rrtype::TXT);
    EXPECT_TRUE(txt);
    std::string got = txt ? wire::rdata_to_text(wire::rrtype::TXT, txt.to_rrset().rdatas.at(0)) : "";
    if (origin == "d.") {
      d_seen = true;
      uint32_t made = std::max(1u, rev / 5 * 5);  // revision 1 made it first
      EXPECT_EQ(z.zone->serial(), made) << "revision " << rev;
      EXPECT_EQ(got, "\"rev=" + std::to_string(made) + "\"");
      continue;
    }
    ++patched;
    EXPECT_EQ(z.zone->serial(), rev) << origin << " at revision " << rev;
    EXPECT_EQ(z.info.serial, rev);
    EXPECT_EQ(got, "\"rev=" + std::to_string(rev) + "\"") << origin;
    if (origin == "a.") {
      EXPECT_EQ(z.zone->record_count(), 4u + kFillers);  // SOA, NS, glue, TXT
      for (int k = 0; k < kFillers; ++k) {
        auto a = z.zone->find(Name::must("h" + std::to_string(k) + ".a."), wire::rrtype::A);
        EXPECT_TRUE(a) << "h" << k << " missing at revision " << rev;
        if (!a) return 0;
        EXPECT_THAT(std::vector<uint8_t>(a.front().begin(), a.front().end()),
                    ::testing::ElementsAre(10, uint8_t(rev >> 8), uint8_t(rev), uint8_t(k)))
            << "h" << k << " at revision " << rev;
      }
    }
  }
  EXPECT_EQ(patched, 3u);
  EXPECT_EQ(d_seen, d_present(rev)) << "revision " << rev;
  return rev;
}

TEST(CrashSafety, KillNineDuringAppliesLeavesOneWholeRevision) {
  TempDir dir;
  {
    auto store = open_store(dir.path());
    ApplyBatch seed;
    seed.revision = "1";
    for (const char* origin : {"a.", "b.", "c.", "d."}) seed.puts.push_back({zone_at(origin, 1), ""});
    auto r = store->apply(seed);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_us(0, 120'000);
  uint32_t last = 1;
  int advanced = 0;
  for (int round = 0; round < 30; ++round) {
    // The parent holds no LMDB handle across fork(): an environment must not be used
    // in a child, and the child opens its own.
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) writer(dir.path());
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer stopped by itself with exit code " << WEXITSTATUS(status);
    uint32_t rev = check_consistent(dir.path());
    ASSERT_FALSE(::testing::Test::HasFailure()) << "round " << round;
    ASSERT_GE(rev, last);
    if (rev > last) ++advanced;
    last = rev;
  }
  std::printf("crash test: reached revision %u, advanced in %d of 30 rounds\n", last, advanced);
  EXPECT_GT(advanced, 5);  // the kills landed while the writer was making progress
}

}  // namespace
}  // namespace gitns::store
