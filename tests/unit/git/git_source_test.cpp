#include "controller/git/git_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/unit/git/git_test_util.h"

namespace gitns::git {
namespace {

using base::Errc;
using testing::Repo;
using testing::TempDir;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> paths_of(const std::vector<TreeFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

const TreeFile* find_file(const std::vector<TreeFile>& files, const std::string& path) {
  for (const auto& f : files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

SourceConfig config_for(const std::string& url, const TempDir& tmp, const std::string& sub = {},
                        const std::string& branch = {}) {
  SourceConfig c;
  c.url = url;
  c.sub_path = sub;
  c.branch = branch;
  c.cache_dir = tmp / "state/git-cache";
  return c;
}

// A repository with manifests under dns/, files outside it, hidden entries and
// non-manifest files, so one tree exercises every selection rule.
void fill_layout(const Repo& r) {
  r.write("dns/zones/example.yaml", "kind: Zone\nmetadata: {name: example.com}\n");
  r.write("dns/zones/b.yml", "kind: Zone\nmetadata: {name: b.example}\n");
  r.write("dns/zones/example.com.zone", "@ 3600 IN SOA ns1 host 1 2 3 4 5\n");
  r.write("dns/sub/deep/c.YAML", "kind: TsigKey\n");
  r.write("dns/README.md", "# docs\n");
  r.write("dns/.github/workflows/ci.yaml", "on: push\n");
  r.write("dns/.gitlab-ci.yml", "stages: []\n");
  r.write("dns/zones/.draft/wip.yaml", "kind: Zone\n");
  r.write("other/outside.yaml", "kind: Zone\n");
}

TEST(GitSource, LocalWorkingTreeDefaultBranchAndSubPath) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  fill_layout(up);
  const std::string c1 =
      up.commit("Add zones\n\nLonger body.\n\nGitns-Allow-Unsafe: example.com\n", 1700000123);

  auto src = GitSource::open(config_for(up.dir(), tmp, "dns"));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->branch, "main");
  EXPECT_EQ(rev->commit.id, c1);
  EXPECT_EQ(rev->commit.subject, "Add zones");
  EXPECT_EQ(rev->commit.author_name, "Test Author");
  EXPECT_EQ(rev->commit.author_email, "author@example.com");
  EXPECT_EQ(rev->commit.author_time, 1700000123);
  EXPECT_EQ(rev->commit.author_offset_minutes, 60);
  EXPECT_EQ(rev->commit.commit_time, 1700000123);
  EXPECT_EQ(rev->commit.trailer_values("Gitns-Allow-Unsafe"),
            std::vector<std::string>{"example.com"});
  EXPECT_TRUE(rev->previous.empty());
  EXPECT_TRUE(rev->changed);
  EXPECT_FALSE(rev->forced);

  auto files = src->read_tree(rev->commit.id);
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(paths_of(*files),
            (std::vector<std::string>{"sub/deep/c.YAML", "zones/b.yml", "zones/example.yaml"}));
  const TreeFile* ex = find_file(*files, "zones/example.yaml");
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->repo_path, "dns/zones/example.yaml");
  EXPECT_EQ(ex->content, "kind: Zone\nmetadata: {name: example.com}\n");
  EXPECT_EQ(ex->size, ex->content.size());
  EXPECT_EQ(ex->blob_id, up.rev("HEAD:dns/zones/example.yaml"));

  // The whole repository from its root: the same rules, other/ included.
  auto all = src->read_tree(rev->commit.id, "");
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(paths_of(*all),
            (std::vector<std::string>{"dns/sub/deep/c.YAML", "dns/zones/b.yml",
                                      "dns/zones/example.yaml", "other/outside.yaml"}));
}

TEST(GitSource, DefaultBranchFollowsRemoteHeadEvenBesideMain) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream", "trunk");
  up.write("z.yaml", "a: 1\n");
  const std::string c1 = up.commit("first");
  // "main" points at the same commit: only the HEAD symref tells them apart.
  up.git("branch main");
  up.git("branch master");

  auto src = GitSource::open(config_for(up.dir(), tmp));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->branch, "trunk");
  EXPECT_EQ(rev->commit.id, c1);
}

TEST(GitSource, BareRepositoryByPathAndFileUrlWithBranchSelection) {
  TempDir tmp;
  Repo bare = Repo::init(tmp / "remote.git", "main", /*bare=*/true);
  Repo work = Repo::init(tmp / "work");
  work.write("zones/a.yaml", "on main\n");
  const std::string main_tip = work.commit("main commit");
  work.git("checkout -q -b dev");
  work.write("zones/a.yaml", "on dev\n");
  const std::string dev_tip = work.commit("dev commit");
  work.git("push -q " + testing::quote(bare.dir()) + " main dev");

  for (const std::string& url : {bare.dir(), "file://" + bare.dir()}) {
    SCOPED_TRACE(url);
    TempDir state;
    auto def = GitSource::open(config_for(url, state));
    ASSERT_TRUE(def.ok()) << def.error().message;
    auto rev = def->fetch();
    ASSERT_TRUE(rev.ok()) << rev.error().message;
    EXPECT_EQ(rev->branch, "main");
    EXPECT_EQ(rev->commit.id, main_tip);
    auto f = def->read_file(rev->commit.id, "zones/a.yaml");
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(*f, "on main\n");

    TempDir state2;
    auto dev = GitSource::open(config_for(url, state2, "", "dev"));
    ASSERT_TRUE(dev.ok()) << dev.error().message;
    auto drev = dev->fetch();
    ASSERT_TRUE(drev.ok()) << drev.error().message;
    EXPECT_EQ(drev->branch, "dev");
    EXPECT_EQ(drev->commit.id, dev_tip);
    auto files = dev->read_tree(drev->commit.id);
    ASSERT_TRUE(files.ok()) << files.error().message;
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ((*files)[0].content, "on dev\n");
  }
}

TEST(GitSource, RelativeLocalPathIsMadeAbsolute) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("a.yaml", "x: 1\n");
  const std::string c1 = up.commit("one");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(tmp.path());
  auto src = GitSource::open(config_for("upstream", tmp));
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(src.ok()) << src.error().message;
  EXPECT_EQ(src->config().url, up.dir());
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->commit.id, c1);
}

TEST(GitSource, FetchesNewCommitsAndKeepsBlobIdsOfUnchangedFiles) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("zones/a.yaml", "a: 1\n");
  up.write("zones/b.yaml", "b: 1\n");
  const std::string c1 = up.commit("one");

  auto src = GitSource::open(config_for(up.dir(), tmp));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto r1 = src->fetch();
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  auto t1 = src->read_tree(r1->commit.id);
  ASSERT_TRUE(t1.ok());

  // Nothing new: same tip, not changed.
  auto again = src->fetch();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->commit.id, c1);
  EXPECT_EQ(again->previous, c1);
  EXPECT_FALSE(again->changed);
  EXPECT_FALSE(again->forced);

  up.write("zones/b.yaml", "b: 2\n");
  up.commit("two", 1700000500);
  up.write("zones/c.yaml", "c: 1\n");
  const std::string c3 = up.commit("three", 1700000600);
  auto r3 = src->fetch();
  ASSERT_TRUE(r3.ok()) << r3.error().message;
  EXPECT_EQ(r3->commit.id, c3);
  EXPECT_EQ(r3->previous, c1);
  EXPECT_TRUE(r3->changed);
  EXPECT_FALSE(r3->forced);

  auto t3 = src->read_tree(r3->commit.id);
  ASSERT_TRUE(t3.ok());
  EXPECT_EQ(paths_of(*t3),
            (std::vector<std::string>{"zones/a.yaml", "zones/b.yaml", "zones/c.yaml"}));
  EXPECT_EQ(find_file(*t1, "zones/a.yaml")->blob_id, find_file(*t3, "zones/a.yaml")->blob_id);
  EXPECT_NE(find_file(*t1, "zones/b.yaml")->blob_id, find_file(*t3, "zones/b.yaml")->blob_id);
  EXPECT_EQ(find_file(*t3, "zones/b.yaml")->content, "b: 2\n");
  // The old revision stays readable from the cache.
  auto old = src->read_file(c1, "zones/b.yaml");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(*old, "b: 1\n");
}

// A repository on this machine is read in place: fetch() moves refs only, the objects
// stay in the source (read through an alternate), and new commits are seen at once.
TEST(GitSource, LocalRepositoriesAreReadInPlaceWithoutCopyingObjects) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  for (const std::string& url : {up.dir(), "file://" + up.dir()}) {
    up.write("zones/a.yaml", std::string(200000, 'x') + "\n");
    up.commit("one", 1600000000 + int64_t(url.size()));
    SourceConfig config = config_for(url, tmp);
    config.cache_dir = tmp / ("cache-" + std::to_string(url.size()));
    auto src = GitSource::open(config);
    ASSERT_TRUE(src.ok()) << src.error().message;
    auto r1 = src->fetch();
    ASSERT_TRUE(r1.ok()) << r1.error().message;
    auto t1 = src->read_tree(r1->commit.id);
    ASSERT_TRUE(t1.ok()) << t1.error().message;
    ASSERT_EQ(t1->size(), 1u);
    EXPECT_EQ(t1->front().content.size(), 200001u);
    // No object (loose or packed) was copied into the cache.
    size_t objects = 0;
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(config.cache_dir + "/objects"))
      objects += e.is_regular_file();
    EXPECT_EQ(objects, 0u) << url;
    // A new commit is fetched, with its previous tip, and readable.
    up.write("zones/a.yaml", "small\n");
    const std::string c2 = up.commit("two", 1700000000 + int64_t(url.size()));
    auto r2 = src->fetch();
    ASSERT_TRUE(r2.ok()) << r2.error().message;
    EXPECT_EQ(r2->commit.id, c2);
    EXPECT_EQ(r2->previous, r1->commit.id);
    EXPECT_TRUE(r2->changed);
    EXPECT_FALSE(r2->forced);
    auto f = src->read_file(c2, "zones/a.yaml");
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(*f, "small\n");
    // Reopened: objects read in place are readable before any fetch.
    auto again = GitSource::open(config);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->read_file(c2, "zones/a.yaml").ok());
  }
}

TEST(GitSource, ForcePushIsFetchedAndReportedAsForced) {
  TempDir tmp;
  Repo bare = Repo::init(tmp / "remote.git", "main", true);
  Repo work = Repo::init(tmp / "work");
  const std::string push = "push -q --force " + testing::quote(bare.dir()) + " main";
  work.write("zones/a.yaml", "v: 1\n");
  const std::string a = work.commit("A");
  work.write("zones/a.yaml", "v: 2\n");
  const std::string b = work.commit("B", 1700000100);
  work.git(push);

  auto src = GitSource::open(config_for("file://" + bare.dir(), tmp));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rb = src->fetch();
  ASSERT_TRUE(rb.ok()) << rb.error().message;
  EXPECT_EQ(rb->commit.id, b);

  // Rewrite history: drop B, commit C on top of A instead.
  work.git("reset -q --hard " + a);
  work.write("zones/a.yaml", "v: 3\n");
  const std::string c = work.commit("C", 1700000200);
  work.git(push);

  auto rc = src->fetch();
  ASSERT_TRUE(rc.ok()) << rc.error().message;
  EXPECT_EQ(rc->commit.id, c);
  EXPECT_EQ(rc->previous, b);
  EXPECT_TRUE(rc->changed);
  EXPECT_TRUE(rc->forced);
  auto content = src->read_file(rc->commit.id, "zones/a.yaml");
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(*content, "v: 3\n");

  EXPECT_FALSE(*src->is_ancestor(b, c));
  EXPECT_TRUE(*src->is_ancestor(a, c));
  auto between = src->commits_between(b, c);
  ASSERT_TRUE(between.ok()) << between.error().message;
  ASSERT_EQ(between->size(), 1u);
  EXPECT_EQ((*between)[0].id, c);
  // The replaced commit is still in the cache (plans can diff against it).
  auto old = src->resolve(b);
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->subject, "B");

  // A fast-forward after the rewrite is not forced again.
  work.write("zones/a.yaml", "v: 4\n");
  const std::string d = work.commit("D", 1700000300);
  work.git(push);
  auto rd = src->fetch();
  ASSERT_TRUE(rd.ok()) << rd.error().message;
  EXPECT_EQ(rd->commit.id, d);
  EXPECT_FALSE(rd->forced);
}

TEST(GitSource, CacheSurvivesReopenAndForgetsRefsWhenTheUrlChanges) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("a.yaml", "x: 1\n");
  const std::string c1 = up.commit("one");
  {
    auto src = GitSource::open(config_for(up.dir(), tmp));
    ASSERT_TRUE(src.ok()) << src.error().message;
    ASSERT_TRUE(src->fetch().ok());
  }
  {
    auto src = GitSource::open(config_for(up.dir(), tmp));
    ASSERT_TRUE(src.ok()) << src.error().message;
    auto rev = src->fetch();
    ASSERT_TRUE(rev.ok()) << rev.error().message;
    EXPECT_EQ(rev->previous, c1);
    EXPECT_FALSE(rev->changed);
  }
  // Switching branch compares with the tip served before, not with the new branch's past.
  up.git("checkout -q -b team/dns");
  up.write("a.yaml", "x: 3\n");
  const std::string t1 = up.commit("on a branch", 1700000100);
  up.git("checkout -q --orphan unrelated");
  up.write("a.yaml", "x: 4\n");
  const std::string u1 = up.commit("orphan", 1700000200);
  {
    auto src = GitSource::open(config_for(up.dir(), tmp, "", "team/dns"));
    ASSERT_TRUE(src.ok()) << src.error().message;
    auto rev = src->fetch();
    ASSERT_TRUE(rev.ok()) << rev.error().message;
    EXPECT_EQ(rev->branch, "team/dns");
    EXPECT_EQ(rev->commit.id, t1);
    EXPECT_EQ(rev->previous, c1);
    EXPECT_FALSE(rev->forced);  // team/dns descends from main
  }
  {
    auto src = GitSource::open(config_for(up.dir(), tmp, "", "unrelated"));
    ASSERT_TRUE(src.ok()) << src.error().message;
    auto rev = src->fetch();
    ASSERT_TRUE(rev.ok()) << rev.error().message;
    EXPECT_EQ(rev->commit.id, u1);
    EXPECT_EQ(rev->previous, t1);
    EXPECT_TRUE(rev->forced);
  }
  // Another repository with unrelated history in the same cache: not a force-push, and
  // no ref of the old one (nested branch names included) is left behind.
  Repo other = Repo::init(tmp / "other");
  other.write("a.yaml", "x: 2\n");
  const std::string o1 = other.commit("unrelated");
  auto src = GitSource::open(config_for(other.dir(), tmp));
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto rev = src->fetch();
  ASSERT_TRUE(rev.ok()) << rev.error().message;
  EXPECT_EQ(rev->commit.id, o1);
  EXPECT_TRUE(rev->previous.empty());
  EXPECT_FALSE(rev->forced);
  EXPECT_FALSE(src->resolve("team/dns").ok());
  EXPECT_FALSE(src->resolve("refs/remotes/origin/unrelated").ok());
}

TEST(GitSource, CommitsBetweenParsesTrailers) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("a.yaml", "1\n");
  const std::string c1 = up.commit("base");
  up.write("a.yaml", "2\n");
  const std::string c2 = up.commit(
      "Delete old records\n\nThey moved to another provider.\n\n"
      "Gitns-Allow-Unsafe: example.com\n"
      "gitns-allow-unsafe: example.org\n"
      "Signed-off-by: Someone <someone@example.com>\n",
      1700000100);
  up.write("a.yaml", "3\n");
  const std::string c3 =
      up.commit("Plain change\n\nNo trailer here: just prose.\nMore.\n", 1700000200);

  auto src = GitSource::open(config_for(up.dir(), tmp));
  ASSERT_TRUE(src.ok()) << src.error().message;
  ASSERT_TRUE(src->fetch().ok());

  auto between = src->commits_between(c1, c3);
  ASSERT_TRUE(between.ok()) << between.error().message;
  ASSERT_EQ(between->size(), 2u);
  EXPECT_EQ((*between)[0].id, c2);  // oldest first
  EXPECT_EQ((*between)[1].id, c3);
  const CommitInfo& del = (*between)[0];
  EXPECT_EQ(del.subject, "Delete old records");
  EXPECT_EQ(del.trailer_values("GITNS-ALLOW-UNSAFE"),
            (std::vector<std::string>{"example.com", "example.org"}));
  EXPECT_EQ(del.trailer_values("Signed-off-by"),
            std::vector<std::string>{"Someone <someone@example.com>"});
  EXPECT_TRUE((*between)[1].trailers.empty());

  auto all = src->commits_between("", c3);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, c1);

  auto none = src->commits_between(c3, c3);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto limited = src->commits_between("", c3, 2);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, Errc::limit);

  EXPECT_TRUE(*src->is_ancestor(c1, c3));
  EXPECT_TRUE(*src->is_ancestor(c3, c3));
  EXPECT_FALSE(*src->is_ancestor(c3, c1));
  // Abbreviated ids and branch names resolve in the cache too.
  EXPECT_TRUE(*src->is_ancestor(c1.substr(0, 10), "main"));
}

TEST(GitSource, ReadFileStaysInsideTheSubPath) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  fill_layout(up);
  std::filesystem::create_symlink("example.com.zone", up.dir() + "/dns/zones/link.zone");
  const std::string c1 = up.commit("layout");
  auto src = GitSource::open(config_for(up.dir(), tmp, "dns"));
  ASSERT_TRUE(src.ok()) << src.error().message;
  ASSERT_TRUE(src->fetch().ok());

  auto zone = src->read_file(c1, "zones/example.com.zone");
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_EQ(*zone, "@ 3600 IN SOA ns1 host 1 2 3 4 5\n");
  auto via_dots = src->read_file(c1, "sub/../zones/./example.com.zone");
  ASSERT_TRUE(via_dots.ok()) << via_dots.error().message;
  EXPECT_EQ(*via_dots, *zone);
  // Hidden folders are skipped by read_tree, not by read_file.
  EXPECT_TRUE(src->read_file(c1, ".github/workflows/ci.yaml").ok());

  auto escape = src->read_file(c1, "../other/outside.yaml");
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.error().code, Errc::malformed);
  EXPECT_TRUE(contains(escape.error().message, "escapes the source folder"))
      << escape.error().message;

  auto absolute = src->read_file(c1, "/dns/zones/example.com.zone");
  ASSERT_FALSE(absolute.ok());
  EXPECT_TRUE(contains(absolute.error().message, "not an absolute path"));

  auto missing = src->read_file(c1, "zones/nope.zone");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_TRUE(contains(missing.error().message, "dns/zones/nope.zone")) << missing.error().message;
  EXPECT_TRUE(contains(missing.error().message, c1.substr(0, 12)));

  auto folder = src->read_file(c1, "zones");
  ASSERT_FALSE(folder.ok());
  EXPECT_TRUE(contains(folder.error().message, "is a folder")) << folder.error().message;

  auto link = src->read_file(c1, "zones/link.zone");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().code, Errc::unsupported);
  EXPECT_TRUE(contains(link.error().message, "symbolic link")) << link.error().message;

  auto root = src->read_file(c1, ".");
  ASSERT_FALSE(root.ok());
}

TEST(GitSource, ContentCanBeSkippedAndLoadedByBlobId) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("z/a.yaml", std::string(1000, 'x'));
  const std::string c1 = up.commit("big");
  auto src = GitSource::open(config_for(up.dir(), tmp));
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(src->fetch().ok());
  auto listed = src->read_tree(c1, Content::skip);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].content.empty());
  EXPECT_EQ((*listed)[0].size, 1000u);
  auto blob = src->read_blob((*listed)[0].blob_id);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(*blob, std::string(1000, 'x'));
  EXPECT_FALSE(src->read_blob("not-hex").ok());
  EXPECT_FALSE(src->read_blob(std::string(40, '0')).ok());
}

TEST(GitSource, OversizedFilesAreRefused) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("a.yaml", std::string(100, 'x'));
  const std::string c1 = up.commit("big");
  SourceConfig cfg = config_for(up.dir(), tmp);
  cfg.max_file_size = 99;
  auto src = GitSource::open(cfg);
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(src->fetch().ok());
  auto files = src->read_tree(c1);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, Errc::limit);
  EXPECT_TRUE(contains(files.error().message, "a.yaml")) << files.error().message;
  EXPECT_TRUE(contains(files.error().message, "at most 99")) << files.error().message;
  EXPECT_TRUE(src->read_tree(c1, Content::skip).ok());
}

TEST(GitSource, ErrorsNameWhatWasExpected) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("dns/a.yaml", "x\n");
  up.write("file.yaml", "x\n");
  const std::string c1 = up.commit("one");

  // A repository that does not exist.
  auto gone = GitSource::open(config_for(tmp / "does-not-exist", tmp));
  ASSERT_TRUE(gone.ok()) << gone.error().message;  // nothing is contacted before fetch()
  auto gone_rev = gone->fetch();
  ASSERT_FALSE(gone_rev.ok());
  EXPECT_EQ(gone_rev.error().code, Errc::not_found);
  EXPECT_TRUE(contains(gone_rev.error().message, tmp / "does-not-exist' does not exist"))
      << gone_rev.error().message;
  TempDir state1;
  auto gone_url = GitSource::open(config_for("file://" + tmp / "does-not-exist", state1));
  ASSERT_TRUE(gone_url.ok());
  auto gone_url_rev = gone_url->fetch();
  ASSERT_FALSE(gone_url_rev.ok());
  EXPECT_TRUE(contains(gone_url_rev.error().message, tmp / "does-not-exist"))
      << gone_url_rev.error().message;
  // A folder that is not a repository.
  std::filesystem::create_directories(tmp / "plain");
  TempDir state1b;
  auto plain = GitSource::open(config_for(tmp / "plain", state1b));
  ASSERT_TRUE(plain.ok());
  auto plain_rev = plain->fetch();
  ASSERT_FALSE(plain_rev.ok());
  EXPECT_TRUE(contains(plain_rev.error().message, "could not find repository"))
      << plain_rev.error().message;

  // A branch that does not exist: the message lists the ones that do.
  TempDir state2;
  auto nobranch = GitSource::open(config_for(up.dir(), state2, "", "nope"));
  ASSERT_TRUE(nobranch.ok());
  auto nb = nobranch->fetch();
  ASSERT_FALSE(nb.ok());
  EXPECT_EQ(nb.error().code, Errc::not_found);
  EXPECT_TRUE(contains(nb.error().message, "branch 'nope' not found")) << nb.error().message;
  EXPECT_TRUE(contains(nb.error().message, "branches: main")) << nb.error().message;

  // Invalid branch names and escaping sub-paths are refused when opening.
  TempDir state3;
  EXPECT_FALSE(GitSource::open(config_for(up.dir(), state3, "", "bad..name")).ok());
  auto esc = GitSource::open(config_for(up.dir(), state3, "../x"));
  ASSERT_FALSE(esc.ok());
  EXPECT_TRUE(contains(esc.error().message, "escapes")) << esc.error().message;
  EXPECT_FALSE(GitSource::open(config_for("", state3)).ok());

  // Sub-path missing from the commit, or a file.
  TempDir state4;
  auto src = GitSource::open(config_for(up.dir(), state4, "nothere"));
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(src->fetch().ok());
  auto missing_sub = src->read_tree(c1);
  ASSERT_FALSE(missing_sub.ok());
  EXPECT_EQ(missing_sub.error().code, Errc::not_found);
  EXPECT_TRUE(contains(missing_sub.error().message, "source folder 'nothere' not found"))
      << missing_sub.error().message;
  auto file_sub = src->read_tree(c1, "file.yaml");
  ASSERT_FALSE(file_sub.ok());
  EXPECT_TRUE(contains(file_sub.error().message, "expected a folder"));

  // Unknown revisions, and objects that are not commits.
  auto unknown = src->resolve("0123456789abcdef0123456789abcdef01234567");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  EXPECT_TRUE(contains(unknown.error().message, "not found")) << unknown.error().message;
  auto blob = src->resolve(up.rev("HEAD:file.yaml"));
  ASSERT_FALSE(blob.ok());
  EXPECT_TRUE(contains(blob.error().message, "expected a commit")) << blob.error().message;
  EXPECT_FALSE(src->resolve("").ok());
  EXPECT_FALSE(src->commits_between("nope", c1).ok());
}

TEST(GitSource, EmptyRepositoryHasNoDefaultBranch) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  auto src = GitSource::open(config_for(up.dir(), tmp));
  ASSERT_TRUE(src.ok());
  auto rev = src->fetch();
  ASSERT_FALSE(rev.ok());
  EXPECT_EQ(rev.error().code, Errc::not_found);
  EXPECT_TRUE(contains(rev.error().message, "configure a branch")) << rev.error().message;
}

TEST(GitSource, CacheFolderThatIsNotARepositoryIsLeftAlone) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("a.yaml", "x\n");
  up.commit("one");
  SourceConfig cfg = config_for(up.dir(), tmp);
  testing::write_file(cfg.cache_dir + "/precious.txt", "keep me\n");
  auto src = GitSource::open(cfg);
  ASSERT_FALSE(src.ok());
  EXPECT_TRUE(contains(src.error().message, "not empty and not a git repository"))
      << src.error().message;
  EXPECT_TRUE(std::filesystem::exists(cfg.cache_dir + "/precious.txt"));
}

TEST(GitSource, OpenLocalReadsARepositoryInPlace) {
  TempDir tmp;
  Repo up = Repo::init(tmp / "upstream");
  up.write("dns/a.yaml", "v: 1\n");
  const std::string c1 = up.commit("one");
  up.write("dns/a.yaml", "v: 2\n");
  const std::string c2 = up.commit("two", 1700000100);
  up.git("checkout -q -b feature");
  up.write("dns/a.yaml", "v: 3\n");
  const std::string c3 = up.commit("three", 1700000200);

  auto src = GitSource::open_local(up.dir(), "", "dns");
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto head = src->fetch();  // HEAD: the checked-out branch
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->branch, "feature");
  EXPECT_EQ(head->commit.id, c3);

  auto prev = src->resolve("main~1");
  ASSERT_TRUE(prev.ok()) << prev.error().message;
  EXPECT_EQ(prev->id, c1);
  auto files = src->read_tree("main");
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].content, "v: 2\n");
  EXPECT_EQ((*files)[0].repo_path, "dns/a.yaml");

  auto on_main = GitSource::open_local(up.dir() + "/.git", "main");
  ASSERT_TRUE(on_main.ok()) << on_main.error().message;
  auto m = on_main->fetch();
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->commit.id, c2);

  EXPECT_FALSE(GitSource::open_local("https://example.com/repo.git").ok());
  EXPECT_FALSE(GitSource::open_local(tmp / "nope").ok());
  auto bad_branch = GitSource::open_local(up.dir(), "missing");
  ASSERT_TRUE(bad_branch.ok());
  auto bb = bad_branch->fetch();
  ASSERT_FALSE(bb.ok());
  EXPECT_TRUE(contains(bb.error().message, "branches: feature, main")) << bb.error().message;
}

TEST(GitSource, FeaturesReportTheLinkedLibrary) {
  const GitFeatures f = git_features();
  EXPECT_FALSE(f.version.empty());
  EXPECT_NE(f.version, "0.0.0");
}

}  // namespace
}  // namespace gitns::git
