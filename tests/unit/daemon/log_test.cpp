#include "controller/daemon/log.h"

#include <gtest/gtest.h>

namespace gitns::daemon {
namespace {

TEST(Log, KeyValueLine) {
  EXPECT_EQ(format_line(Level::info, "serving", {{"zones", "3"}, {"listen", "127.0.0.1:1053"}}),
            "level=info msg=\"serving\" zones=3 listen=127.0.0.1:1053");
}

TEST(Log, ValuesThatWouldBreakTheLineAreQuoted) {
  EXPECT_EQ(format_line(Level::error, "zone error",
                        {{"error", "a.zone:5:3: expected \"x\"\nnext"}, {"empty", ""}, {"eq", "a=b"}}),
            "level=error msg=\"zone error\" error=\"a.zone:5:3: expected \\\"x\\\"\\nnext\" "
            "empty=\"\" eq=\"a=b\"");
}

}  // namespace
}  // namespace gitns::daemon
