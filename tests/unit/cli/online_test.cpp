#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller/cli/cli.h"
#include "controller/cli/config.h"
#include "controller/cli/online.h"
#include "controller/cli/table.h"

namespace gitns::cli {
namespace {

using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "gitnsctl-test-XXXXXX").string();
    path_ = ::mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string sub(const std::string& n) const { return path_ + "/" + n; }

 private:
  std::string path_;
};

// Sets an environment variable for one test.
class Env {
 public:
  Env(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~Env() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Table, AlignsColumnsLikeKubectl) {
  Table t({"NAME", "SERIAL", "STATE"});
  t.add({"example.com.", "3", "Ready"});
  t.add({"a.", "2024010101", ""});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(),
            "NAME           SERIAL       STATE\n"
            "example.com.   3            Ready\n"
            "a.             2024010101\n");
}

TEST(Table, AgesAndTimes) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:01:00Z"), 60);
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00.250+01:00"), 0);
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_EQ(human_duration(45), "45s");
  EXPECT_EQ(human_duration(150), "2m30s");
  EXPECT_EQ(human_duration(12 * 60), "12m");
  EXPECT_EQ(human_duration(3 * 3600 + 20 * 60), "3h20m");
  EXPECT_EQ(human_duration(20 * 3600), "20h");
  EXPECT_EQ(human_duration(3 * 86400 + 4 * 3600), "3d4h");
  EXPECT_EQ(human_duration(12 * 86400), "12d");
  EXPECT_EQ(human_duration(800 * 86400), "2y");
  EXPECT_EQ(age("1970-01-01T00:00:00Z", 300), "5m");
  EXPECT_EQ(age(nullptr, 300), "<unknown>");
}

TEST(Table, YamlOutput) {
  json j = {{"items", {{{"name", "example.com."}, {"serial", 3}, {"tags", json::array()}},
                       {{"name", "@"}, {"ok", true}, {"n", nullptr}}}}};
  EXPECT_EQ(to_yaml(j),
            "items:\n"
            "  - name: example.com.\n"
            "    serial: 3\n"
            "    tags: []\n"
            "  - n: null\n"
            "    name: \"@\"\n"
            "    ok: true\n");
}

TEST(Config, RoundTripWithMode0600) {
  TempDir d;
  std::string path = d.sub("gitns/config");
  Config c;
  c.current = "lab";
  c.upsert({"lab", "http://127.0.0.1:8053", "tok", "admin", "", "", "", false});
  c.upsert({"prod", "https://dns.example:8443", "t2", "ci", "", "/ca.pem", "", true});
  c.upsert({"lab", "http://127.0.0.1:9053", "tok2", "admin", "", "", "", false});  // replaces
  ASSERT_TRUE(save_config(path, c).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(d.sub("gitns").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string warning;
  auto back = load_config(path, &warning);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(warning.empty());
  EXPECT_EQ(back->current, "lab");
  ASSERT_EQ(back->contexts.size(), 2u);
  EXPECT_EQ(back->find("lab")->server, "http://127.0.0.1:9053");
  EXPECT_EQ(back->find("prod")->ca_file, "/ca.pem");
  EXPECT_TRUE(back->find("prod")->insecure_skip_verify);
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(load_config(path, &warning).ok());
  EXPECT_NE(warning.find("chmod 600"), std::string::npos);
  EXPECT_TRUE(back->remove("lab"));
  EXPECT_TRUE(back->current.empty());
}

TEST(Config, YamlMissingAndBrokenFiles) {
  TempDir d;
  auto missing = load_config(d.sub("none"));
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->contexts.empty());
  std::ofstream(d.sub("y")) << "currentContext: a\ncontexts:\n  - {name: a, server: 'http://x:1', token: t}\n";
  auto y = load_config(d.sub("y"));
  ASSERT_TRUE(y.ok()) << y.error().message;
  EXPECT_EQ(y->find("a")->token, "t");
  std::ofstream(d.sub("bad")) << "contexts: [{name: a}]\n";
  auto bad = load_config(d.sub("bad"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("a context needs a name and a server"), std::string::npos);
}

TEST(Config, PathFromTheEnvironment) {
  Env a("GITNS_CONFIG", "/x/config");
  EXPECT_EQ(*config_path(), "/x/config");
  Env b("GITNS_CONFIG", "");
  Env c("XDG_CONFIG_HOME", "/xdg");
  EXPECT_EQ(*config_path(), "/xdg/gitns/config");
  Env e("XDG_CONFIG_HOME", "");
  Env h("HOME", "/home/u");
  EXPECT_EQ(*config_path(), "/home/u/.config/gitns/config");
}

TEST(Session, NoContextSaysHowToLogIn) {
  TempDir d;
  Env cfg("GITNS_CONFIG", d.sub("config"));
  Env tok("GITNS_TOKEN", "");
  std::ostringstream out, err;
  std::istringstream in;
  Io io{out, err, in};
  std::vector<std::string> argv = {"get", "zones"};
  EXPECT_EQ(run(argv, io), 1);
  EXPECT_EQ(err.str(), "error: no context: run gitnsctl login --server URL\n");
  // An unreachable server names itself and what to check.
  std::vector<std::string> argv2 = {"get", "zones", "--server", "http://127.0.0.1:1"};
  err.str("");
  EXPECT_EQ(run(argv2, io), 1);
  EXPECT_NE(err.str().find("cannot reach http://127.0.0.1:1"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("is gitnsd running with --http?"), std::string::npos);
}

TEST(Session, FlagsOverrideTheContext) {
  TempDir d;
  Env cfg("GITNS_CONFIG", d.sub("config"));
  Env tok("GITNS_TOKEN", "");
  Config c;
  c.current = "lab";
  c.upsert({"lab", "http://127.0.0.1:8053", "labtoken", "admin", "", "", "", false});
  ASSERT_TRUE(save_config(d.sub("config"), c).ok());
  std::vector<std::string> none;
  auto a = parse_args(none, {});
  auto s = open_session(*a);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->server, "http://127.0.0.1:8053");
  EXPECT_EQ(s->client.options().token, "labtoken");
  EXPECT_EQ(s->context, "lab");
  // Another server never gets the context's token.
  std::vector<std::string> other = {"--server", "http://10.0.0.1:8053/"};
  a = parse_args(other, {{"--server"}, {}, {}, 0});
  s = open_session(*a);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->server, "http://10.0.0.1:8053");
  EXPECT_EQ(s->client.options().token, "");
  Env t("GITNS_TOKEN", "envtoken");
  s = open_session(*a);
  EXPECT_EQ(s->client.options().token, "envtoken");
  std::vector<std::string> wrong = {"--context", "nope"};
  a = parse_args(wrong, {{"--context"}, {}, {}, 0});
  EXPECT_NE(open_session(*a).error().message.find("no context named 'nope'"), std::string::npos);
}

TEST(Online, ObjectRefs) {
  EXPECT_EQ(object_ref("example.com"), "Zone/example.com");
  EXPECT_EQ(object_ref("zone/example.com."), "Zone/example.com.");
  EXPECT_EQ(object_ref("Zone/a."), "Zone/a.");
}

TEST(Online, ZoneTablesFromApiAnswers) {
  json zones = json::parse(R"([
    {"name":"example.com.","serial":3,"records":12,"state":"Ready","file":"zones/a.yaml",
     "lastChangedRevision":"0123456789abcdef0123456789abcdef01234567","suspended":false},
    {"name":"new.example.","serial":null,"records":null,"state":"Stalled","file":"zones/n.yaml",
     "lastChangedRevision":"","suspended":false}])");
  json revisions = json::parse(R"([{"generation":2,"revision":"0123456789abcdef0123456789abcdef01234567",
                                    "applied":"1970-01-01T00:00:00Z","current":true}])");
  std::ostringstream out;
  print_zones(zones, revisions, false, 7200, out);
  EXPECT_EQ(out.str(),
            "NAME           SERIAL   RECORDS   STATE     AGE\n"
            "example.com.   3        12        Ready     120m\n"
            "new.example.   <none>   <none>    Stalled   <unknown>\n");
  std::ostringstream wide;
  print_zones(zones, revisions, true, 7200, wide);
  EXPECT_NE(wide.str().find("REVISION       FILE"), std::string::npos) << wide.str();
  EXPECT_NE(wide.str().find("0123456789ab   zones/a.yaml"), std::string::npos) << wide.str();
}

TEST(Online, ObjectsHistoryRecordsQuery) {
  json status = json::parse(R"({"objects":[{"kind":"Zone","name":"example.com.","location":"z.yaml:4:9",
     "conditions":[{"type":"Ready","status":"True","reason":"Applied","message":"serving serial 3",
                    "lastTransitionTime":"1970-01-01T00:00:00Z"}],"servedSerial":3,"recordCount":12}]})");
  std::ostringstream o;
  print_objects(status, false, 30, o);
  EXPECT_EQ(o.str(), "KIND   NAME           READY   REASON    AGE\nZone   example.com.   True    Applied   30s\n");
  json hist = json::parse(R"([{"id":"rc-1","revision":"abcdef0123456789","trigger":"api","result":"applied",
     "started":"1970-01-01T00:00:00Z","durationMs":12,"zones":{"created":1,"updated":0,"deleted":0},
     "records":{"added":5,"removed":0,"changed":1},"errors":0,"message":"applied"}])");
  std::ostringstream h;
  print_history(hist, true, 60, h);
  EXPECT_NE(h.str().find("rc-1   abcdef012345   api       applied   1/0/0          5/0/1            12ms       60s   applied"),
            std::string::npos) << h.str();
  std::ostringstream r;
  print_records(json::parse(R"([{"name":"www.example.com.","type":"A","ttl":300,"data":"192.0.2.1"}])"), r);
  EXPECT_EQ(r.str(), "NAME               TTL   TYPE   DATA\nwww.example.com.   300   A      192.0.2.1\n");
  std::ostringstream q;
  print_query_answer(json::parse(R"({"rcode":"NOERROR","flags":["qr","aa"],"sizeBytes":60,"transport":"udp",
     "answer":[{"name":"www.example.com.","type":"A","ttl":300,"data":"192.0.2.1"}],"authority":[],"additional":[],
     "ede":[{"code":15,"name":"Blocked","text":"listed"}]})"), q);
  EXPECT_EQ(q.str(),
            ";; rcode: NOERROR, flags: qr aa, size: 60 bytes, over udp\n\n;; ANSWER SECTION:\n"
            "www.example.com.\t300\tIN\tA\t192.0.2.1\n;; EDE: 15 (Blocked): listed\n");
}

TEST(Online, LastPlanText) {
  json plan = json::parse(R"({"revision":"bbbbbbbbbbbbbbbb","fromRevision":"aaaaaaaaaaaaaaaa","result":"held",
    "held":["example.org.: deletes the zone (3 records) because its manifest is gone"],
    "zones":[{"zone":"example.org.","action":"delete","added":[],"removed":[
      {"name":"www.example.org.","type":"A","ttl":300,"data":"192.0.2.80"}],
      "counts":{"added":0,"removed":3,"changed":0},"serialFrom":2,"serialTo":0,
      "unsafe":"deletes the zone (3 records) because its manifest is gone","allowedBy":""},
     {"zone":"example.com.","action":"unchanged","added":[],"removed":[],"counts":{"added":0,"removed":0,"changed":0}}]})");
  std::ostringstream out;
  print_plan_json(plan, out);
  EXPECT_EQ(out.str(),
            "Last plan aaaaaaaaaaaa -> bbbbbbbbbbbb: held\n"
            "HELD: example.org.: deletes the zone (3 records) because its manifest is gone\n\n"
            "- zone example.org.: delete, serial 2 -> 0, 0 added, 3 removed, 0 changed\n"
            "    unsafe: deletes the zone (3 records) because its manifest is gone\n"
            "    - www.example.org. 300 IN A 192.0.2.80\n\n"
            "1 zone(s) unchanged\n");
}

}  // namespace
}  // namespace gitns::cli
