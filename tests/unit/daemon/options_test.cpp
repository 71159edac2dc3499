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
      {{"--repo", "/r"}, "--repo needs --state-dir DIR"},
      {{"--repo", "/r", "--state-dir", "/s", "--zone", "a.zone"}, "cannot be combined with --zone"},
      {{"--branch", "main", "--zone", "a.zone"}, "--branch needs --repo"},
      {{"--state-dir", "/s"}, "--state-dir needs --repo"},
      {{"--repo", "/r", "--state-dir", "/s", "--poll", "soon"},
       "--poll 'soon': expected a duration"},
      {{"--repo", "/r", "--state-dir", "/s", "--poll", "30d"}, "expected a duration"},
      {{"--repo", "/r", "--state-dir", "/s", "--poll", "9999h"}, "at most a week"},
      {{"--repo"}, "--repo needs a value: PATH or URL"},
  };
  for (const Case& c : cases) {
    auto o = parse(c.args);
    ASSERT_FALSE(o.ok()) << c.says;
    EXPECT_EQ(o.error().code, base::Errc::syntax);
    EXPECT_NE(o.error().message.find(c.says), std::string::npos) << o.error().message;
    EXPECT_NE(o.error().message.find("gitnsd --help"), std::string::npos) << o.error().message;
  }
}

TEST(Options, RepositoryMode) {
  auto o = parse({"--repo", "file:///srv/dns.git", "--branch=prod", "--path", "dns", "--state-dir",
                  "/var/lib/gitns", "--poll", "5m", "--git-token-env", "TOKEN", "--ssh-key", "/k",
                  "--ssh-known-hosts", "/kh", "--git-username", "bot", "--git-token-file", "/t"});
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->repo.url, "file:///srv/dns.git");
  EXPECT_EQ(o->repo.branch, "prod");
  EXPECT_EQ(o->repo.path, "dns");
  EXPECT_EQ(o->repo.state_dir, "/var/lib/gitns");
  EXPECT_EQ(o->repo.poll, std::chrono::minutes(5));
  EXPECT_EQ(o->repo.token_env, "TOKEN");
  EXPECT_EQ(o->repo.token_file, "/t");
  EXPECT_EQ(o->repo.username, "bot");
  EXPECT_EQ(o->repo.ssh_key, "/k");
  EXPECT_EQ(o->repo.ssh_known_hosts, "/kh");
  EXPECT_EQ(o->listen, std::vector<std::string>{"127.0.0.1:1053"});
  auto d = parse({"--repo", "r", "--state-dir", "s"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->repo.poll, std::chrono::seconds(30));  // the default
}

TEST(Options, Durations) {
  EXPECT_EQ(*parse_duration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(*parse_duration("45"), std::chrono::seconds(45));
  EXPECT_EQ(*parse_duration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(*parse_duration("1h"), std::chrono::hours(1));
  EXPECT_EQ(*parse_duration("0"), std::chrono::milliseconds(0));
  for (const char* bad : {"", "s", "-1s", "1.5s", "1 s", "99999999999999999999", "169h"})
    EXPECT_FALSE(parse_duration(bad).ok()) << bad;
}

TEST(Options, UsageMentionsEveryFlag) {
  std::string u = usage();
  for (const char* flag :
       {"--zone FILE", "--zone ORIGIN=FILE", "--zone-dir", "--listen", "--threads", "--help",
        "--version", "SIGHUP", "--repo", "--branch", "--path", "--state-dir", "--poll",
        "--git-username", "--git-token-file", "--git-token-env", "--ssh-key", "--ssh-known-hosts",
        "--http ", "--https", "--tls-cert", "--tls-key", "--http-allow-remote",
        "--admin-password-file", "--webhook-secret-file", "--webhook-secret-env"})
    EXPECT_NE(u.find(flag), std::string::npos) << flag;
}

TEST(Options, HttpFlags) {
  auto o = parse({"--repo", "r", "--state-dir", "s", "--http", "127.0.0.1:8053", "--https",
                  "0.0.0.0:8443", "--tls-cert", "c.pem", "--tls-key", "k.pem",
                  "--admin-password-file", "pw", "--webhook-secret-env", "HOOK"});
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->http.http_listen, "127.0.0.1:8053");
  EXPECT_EQ(o->http.https_listen, "0.0.0.0:8443");
  EXPECT_EQ(o->http.tls_cert, "c.pem");
  EXPECT_EQ(o->http.tls_key, "k.pem");
  EXPECT_EQ(o->http.admin_password_file, "pw");
  EXPECT_EQ(o->http.webhook_secret_env, "HOOK");
  EXPECT_TRUE(o->http.enabled());
  EXPECT_FALSE(parse({"--repo", "r", "--state-dir", "s"})->http.enabled());
  // --zone mode may serve HTTP with a state folder for users.json.
  auto z = parse({"--zone-dir", "z", "--http", "[::1]:8053", "--state-dir", "s"});
  ASSERT_TRUE(z.ok()) << z.error().to_string();
  EXPECT_EQ(z->repo.state_dir, "s");
  EXPECT_TRUE(parse({"--repo", "r", "--state-dir", "s", "--http", "10.0.0.1:80", "--http-allow-remote"}).ok());
}

TEST(Options, HttpFlagErrors) {
  struct Case {
    std::vector<std::string_view> args;
    std::string_view says;
  };
  const Case cases[] = {
      {{"--repo", "r", "--state-dir", "s", "--http", "0.0.0.0:8053"}, "loopback only"},
      {{"--repo", "r", "--state-dir", "s", "--http", "192.0.2.1:80"}, "--http-allow-remote"},
      {{"--repo", "r", "--state-dir", "s", "--https", ":8443", "--tls-cert", "c"}, "go together"},
      {{"--repo", "r", "--state-dir", "s", "--tls-cert", "c", "--tls-key", "k"}, "need --https"},
      {{"--repo", "r", "--state-dir", "s", "--admin-password-file", "pw"}, "need --http"},
      {{"--repo", "r", "--state-dir", "s", "--http", ":1", "--webhook-secret-file", "f",
        "--webhook-secret-env", "E"},
       "not both"},
      {{"--zone-dir", "z", "--http", ":8053"}, "needs --state-dir"},
      {{"--zone-dir", "z", "--state-dir", "s"}, "needs --repo"},
  };
  for (const Case& c : cases) {
    auto o = parse(c.args);
    ASSERT_FALSE(o.ok()) << c.says;
    EXPECT_NE(o.error().message.find(c.says), std::string::npos) << o.error().message;
  }
  EXPECT_TRUE(is_loopback_listen("127.0.0.1:8053"));
  EXPECT_TRUE(is_loopback_listen("[::1]:8053"));
  EXPECT_TRUE(is_loopback_listen("localhost:8053"));
  EXPECT_TRUE(is_loopback_listen(":8053"));
  EXPECT_FALSE(is_loopback_listen("[::]:8053"));
  EXPECT_FALSE(is_loopback_listen("0.0.0.0:8053"));
}

}  // namespace
}  // namespace gitns::daemon
