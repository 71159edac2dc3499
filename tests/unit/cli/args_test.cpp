#include "controller/cli/args.h"

#include <gtest/gtest.h>

#include <sstream>

#include "controller/cli/cli.h"
#include "controller/cli/offline.h"

namespace gitns::cli {
namespace {

std::vector<std::string> v(std::initializer_list<const char*> a) { return {a.begin(), a.end()}; }

TEST(Args, FlagsValuesAliasesAndPositionals) {
  ArgSpec spec{{"--repo", "--output"}, {"--check"}, {{"-o", "--output"}}, 2};
  auto argv = v({"a", "--repo", "/r", "-o", "json", "--check", "b"});
  auto a = parse_args(argv, spec);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->positional, v({"a", "b"}));
  EXPECT_EQ(a->get("--repo"), "/r");
  EXPECT_EQ(a->get("--output"), "json");
  EXPECT_TRUE(a->has("--check"));
  EXPECT_EQ(a->get_or("--missing", "x"), "x");
}

TEST(Args, EqualsFormAndDoubleDash) {
  ArgSpec spec{{"--repo"}, {}, {}, SIZE_MAX};
  auto argv = v({"--repo=/x=y", "--", "--not-a-flag"});
  auto a = parse_args(argv, spec);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->get("--repo"), "/x=y");
  EXPECT_EQ(a->positional, v({"--not-a-flag"}));
}

TEST(Args, ErrorsNameTheProblem) {
  ArgSpec spec{{"--repo"}, {"--check"}, {}, 0};
  auto unknown = v({"--rpeo", "x"});
  auto a = parse_args(unknown, spec);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("unknown flag --rpeo"), std::string::npos);
  EXPECT_NE(a.error().message.find("--repo VALUE"), std::string::npos);
  auto missing = v({"--repo"});
  EXPECT_NE(parse_args(missing, spec).error().message.find("--repo needs a value"), std::string::npos);
  auto extra = v({"pos"});
  EXPECT_NE(parse_args(extra, spec).error().message.find("unexpected argument 'pos'"),
            std::string::npos);
  auto sw = v({"--check=1"});
  EXPECT_FALSE(parse_args(sw, spec).ok());
}

TEST(GithubAnnotation, EscapesAsGithubDocuments) {
  manifest::Diagnostic d{"zones/a,b.yaml", {14, 9}, "spec.records.www[0].ttl",
                         "expected integer >= 0, got \"abc\"\n100%"};
  EXPECT_EQ(github_annotation(d),
            "::error file=zones/a%2Cb.yaml,line=14,col=9::spec.records.www[0].ttl: expected "
            "integer >= 0, got \"abc\"%0A100%25");
  manifest::Diagnostic nofile{"", {}, "", "no position"};
  EXPECT_EQ(github_annotation(nofile, "warning"), "::warning::no position");
}

TEST(Run, UnknownVerbAndHelp) {
  std::ostringstream out, err;
  std::istringstream in;
  Io io{out, err, in};
  auto argv = v({"frobnicate"});
  EXPECT_EQ(run(argv, io), kExitError);
  EXPECT_NE(err.str().find("unknown command 'frobnicate'"), std::string::npos);
  auto help = v({"help"});
  EXPECT_EQ(run(help, io), kExitOk);
  EXPECT_NE(out.str().find("validate"), std::string::npos);
}

}  // namespace
}  // namespace gitns::cli
