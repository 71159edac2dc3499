#include "controller/daemon/options.h"

#include <gtest/gtest.h>

namespace gitns::daemon {
namespace {

base::Result<Options> parse(std::vector<std::string_view> args) { return parse_options(args); }

TEST(Options, ZoneFilesOriginsDirsListenThreads) {
  auto o = parse({"--zone", "a.test.zone", "b.test.zone", "--zone", "c.test.=/z/c", "--zone-dir",
                  "/zones", "--listen", "127.0.0.1:5300", "--listen=[::1]:5300", "--threads", "3"});
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  ASSERT_EQ(o->zones.size(), 3u);
  EXPECT_EQ(o->zones[0].path, "a.test.zone");
  EXPECT_EQ(o->zones[0].origin, "");
  EXPECT_EQ(o->zones[1].path, "b.test.zone");
  EXPECT_EQ(o->zones[2].origin, "c.test.");
  EXPECT_EQ(o->zones[2].path, "/z/c");
  EXPECT_EQ(o->zone_dirs, std::vector<std::string>{"/zones"});
  EXPECT_EQ(o->listen, (std::vector<std::string>{"127.0.0.1:5300", "[::1]:5300"}));
  EXPECT_EQ(o->threads, 3u);
}

TEST(Options, DefaultListenAddress) {
  auto o = parse({"--zone-dir", "/zones"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->listen, std::vector<std::string>{"127.0.0.1:1053"});
  EXPECT_EQ(o->threads, 0u);
}

TEST(Options, EqualsFormForZone) {
  auto o = parse({"--zone=example.=/z/e.zone"});
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->zones.at(0).origin, "example.");
  EXPECT_EQ(o->zones.at(0).path, "/z/e.zone");
}

TEST(Options, HelpAndVersionNeedNothingElse) {
  EXPECT_TRUE(parse({"--help"})->help);
  EXPECT_TRUE(parse({"-h"})->help);
  EXPECT_TRUE(parse({"--version"})->version);
}

TEST(Options, ErrorsNameTheFlagAndWhatWasExpected) {
  struct Case {
    std::vector<std::string_view> args;
    const char* says;
  } cases[] = {
      {{}, "no zones to serve"},
      {{"--listen", "127.0.0.1:53"}, "no zones to serve"},
      {{"--bogus"}, "unknown flag '--bogus'"},
      {{"--zone-dir", "/z", "stray"}, "unexpected argument 'stray'"},
      {{"--zone"}, "--zone needs a value"},
      {{"--zone", "--listen", "1.2.3.4:5"}, "--zone needs a value"},
      {{"--zone-dir"}, "--zone-dir needs a value: DIR"},
      {{"--zone-dir", "/z", "--listen"}, "--listen needs a value: ADDR:PORT"},
      {{"--zone-dir", "/z", "--listen", "localhost:53"}, "not a numeric"},
      {{"--zone-dir", "/z", "--listen", "127.0.0.1"}, "no port"},
      {{"--zone-dir", "/z", "--threads", "0"}, "from 1 to"},
      {{"--zone-dir", "/z", "--threads", "two"}, "from 1 to"},
      {{"--zone-dir", "/z", "--threads"}, "--threads needs a value: N"},
      {{"--zone", "=file"}, "origin before '=' is empty"},
      {{"--zone", "origin="}, "file after '=' is empty"},
  };
  for (const Case& c : cases) {
    auto o = parse(c.args);
    ASSERT_FALSE(o.ok()) << c.says;
    EXPECT_EQ(o.error().code, base::Errc::syntax);
    EXPECT_NE(o.error().message.find(c.says), std::string::npos) << o.error().message;
    EXPECT_NE(o.error().message.find("gitnsd --help"), std::string::npos) << o.error().message;
  }
}

TEST(Options, UsageMentionsEveryFlag) {
  std::string u = usage();
  for (const char* flag : {"--zone FILE", "--zone ORIGIN=FILE", "--zone-dir", "--listen", "--threads",
                           "--help", "--version", "SIGHUP"})
    EXPECT_NE(u.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace gitns::daemon
