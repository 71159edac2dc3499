#include "controller/cli/fmt.h"

#include <gtest/gtest.h>

namespace gitns::cli {
namespace {

std::vector<std::string> lines(const FmtReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.where.to_string());
  return out;
}

const char* kCanonical =
    "# a comment stays\n"
    "apiVersion: gitns.io/v1\n"
    "kind: Zone\n"
    "metadata:\n"
    "  name: example.com\n"
    "spec:\n"
    "  soa: {mname: ns1, rname: hostmaster,\n"
    "        refresh: 3600}\n"
    "  nameservers: [ns1]\n"
    "  records:\n"
    "    www:\n"
    "      - type: A\n"
    "        value: 192.0.2.1\n"
    "    mail:\n"
    "    - {type: A, value: 192.0.2.2}\n";

TEST(Fmt, CanonicalFileHasNoFindings) {
  FmtReport r = check_format("a.yaml", kCanonical);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.findings.empty()) << testing::PrintToString(lines(r));
  EXPECT_FALSE(r.fixed);
}

TEST(Fmt, ReportsEachProblemWithItsPlace) {
  std::string t =
      "kind: Zone\r\n"
      "apiVersion: gitns.io/v1\r\n"
      "metadata:\r\n"
      "   name: a.test \r\n"
      "spec:\r\n"
      "\tnameservers: [ns1]\r\n";
  FmtReport r = check_format("z/a.yaml", t);
  // A tab indenting a mapping is not YAML at all: that is a parse error.
  ASSERT_FALSE(r.errors.empty());

  t = "kind: Zone\r\napiVersion: gitns.io/v1\r\nmetadata:\r\n   name: a.test \r\nspec:\r\n  nameservers: [ns1] # x\t\r\n";
  r = check_format("z/a.yaml", t);
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "z/a.yaml:1:1: 6 line(s) end with CRLF; use LF",
                          "z/a.yaml:1:1: kind is written before apiVersion; write apiVersion, kind, metadata, spec in that order",
                          "z/a.yaml:4:1: indented by 3 spaces; use steps of 2",
                          "z/a.yaml:4:4: key 'name' at column 4; nested keys go 2 columns right of their parent (column 3)",
                          "z/a.yaml:4:16: trailing whitespace",
                          "z/a.yaml:6:25: tab character; indent and align with spaces",
                          "z/a.yaml:6:25: trailing whitespace",
                      }));
  ASSERT_TRUE(r.fixed);
  EXPECT_EQ(*r.fixed,
            "kind: Zone\napiVersion: gitns.io/v1\nmetadata:\n   name: a.test\nspec:\n  nameservers: [ns1] # x\n");
}

TEST(Fmt, FinalNewlineAndBlankTail) {
  FmtReport r = check_format("a.yaml", "apiVersion: gitns.io/v1\nkind: Zone");
  EXPECT_EQ(lines(r), (std::vector<std::string>{"a.yaml:2:1: no newline at the end of the file"}));
  EXPECT_EQ(*r.fixed, "apiVersion: gitns.io/v1\nkind: Zone\n");
  r = check_format("a.yaml", "apiVersion: gitns.io/v1\n\n\n");
  EXPECT_EQ(lines(r), (std::vector<std::string>{"a.yaml:4:1: blank lines at the end of the file"}));
  EXPECT_EQ(*r.fixed, "apiVersion: gitns.io/v1\n");
}

TEST(Fmt, NeverChangesAValue) {
  // Trailing spaces inside a literal block scalar are content: only the line ends are fixed.
  std::string t = "apiVersion: gitns.io/v1\r\nkind: X\r\nspec:\r\n  v: |\r\n    keep  \r\n";
  FmtReport r = check_format("a.yaml", t);
  ASSERT_TRUE(r.fixed);
  EXPECT_EQ(*r.fixed, "apiVersion: gitns.io/v1\nkind: X\nspec:\n  v: |\n    keep  \n");
  EXPECT_FALSE(r.unfixable_reason.empty());
}

TEST(Fmt, SyntaxErrorsAreErrors) {
  FmtReport r = check_format("a.yaml", "a: [1, 2\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "a.yaml");
  EXPECT_TRUE(r.findings.empty());
}

}  // namespace
}  // namespace gitns::cli
