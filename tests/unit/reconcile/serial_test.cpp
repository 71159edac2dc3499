#include "controller/reconcile/serial.h"

#include <gtest/gtest.h>

namespace gitns::reconcile {
namespace {

TEST(Serial, Rfc1982Comparison) {
  EXPECT_TRUE(serial_greater(2, 1));
  EXPECT_FALSE(serial_greater(1, 2));
  EXPECT_FALSE(serial_greater(5, 5));
  EXPECT_TRUE(serial_greater(0, 4294967295u));  // wrapped around: 0 follows 2^32-1
  EXPECT_FALSE(serial_greater(4294967295u, 0));
  EXPECT_TRUE(serial_greater(100, 4294967200u));
  // Exactly 2^31 apart is undefined in RFC 1982: never counted as an increase.
  EXPECT_FALSE(serial_greater(0x80000000u, 0));
  EXPECT_FALSE(serial_greater(0, 0x80000000u));
  EXPECT_TRUE(serial_greater(0x7fffffffu, 0));
  EXPECT_EQ(serial_next(4294967295u), 0u);
}

TEST(Serial, AutoStartsFromTheFileOrOne) {
  EXPECT_EQ(candidate_serial({true, 0, std::nullopt, std::nullopt}), 1u);
  EXPECT_EQ(candidate_serial({true, 0, 2024010101u, std::nullopt}), 2024010101u);
}

TEST(Serial, AutoIncreasesFromTheAppliedAndFollowsABumpedFile) {
  EXPECT_EQ(candidate_serial({true, 0, std::nullopt, 7u}), 8u);
  EXPECT_EQ(candidate_serial({true, 0, 3u, 7u}), 8u);  // an old file serial never takes it back
  EXPECT_EQ(candidate_serial({true, 0, 2025010100u, 7u}), 2025010100u);
  EXPECT_EQ(candidate_serial({true, 0, std::nullopt, 4294967295u}), 0u);  // RFC 1982 wrap
}

TEST(Serial, ExplicitIsUsedAsWritten) { EXPECT_EQ(candidate_serial({false, 42, 99u, 7u}), 42u); }

TEST(Serial, AutoChangesOnlyWithContent) {
  SerialInput in{true, 0, std::nullopt, 7u};
  auto same = decide_serial(in, 8, false);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(same->serial, 7u);
  auto moved = decide_serial(in, 8, true);
  ASSERT_TRUE(moved.ok());
  EXPECT_TRUE(moved->changed);
  EXPECT_EQ(moved->serial, 8u);
}

TEST(Serial, ExplicitBackwardsOrStuckIsAnError) {
  SerialInput in{false, 5, std::nullopt, 7u};
  auto back = decide_serial(in, 5, true);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("goes backwards"), std::string::npos) << back.error().message;
  // Backwards is an error even when nothing else changed.
  EXPECT_FALSE(decide_serial(in, 5, false).ok());

  SerialInput equal{false, 7, std::nullopt, 7u};
  auto stuck = decide_serial(equal, 7, true);
  ASSERT_FALSE(stuck.ok());
  EXPECT_NE(stuck.error().message.find("increase"), std::string::npos) << stuck.error().message;
  auto idle = decide_serial(equal, 7, false);
  ASSERT_TRUE(idle.ok());
  EXPECT_FALSE(idle->changed);
}

TEST(Serial, ExplicitIncreaseAloneIsAChange) {
  SerialInput in{false, 8, std::nullopt, 7u};
  auto d = decide_serial(in, 8, false);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->changed);
  EXPECT_EQ(d->serial, 8u);
  auto fresh = decide_serial({false, 3, std::nullopt, std::nullopt}, 3, true);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->changed);
}

}  // namespace
}  // namespace gitns::reconcile
