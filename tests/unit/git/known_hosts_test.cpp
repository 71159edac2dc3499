#include "controller/git/known_hosts.h"

#include <gtest/gtest.h>

namespace gitns::git {
namespace {

// An SSH wire-format public key: string type, string key bytes.
std::string key_blob(const std::string& type, char fill) {
  std::string out;
  auto put_string = [&out](const std::string& s) {
    const uint32_t n = static_cast<uint32_t>(s.size());
    out += static_cast<char>(n >> 24);
    out += static_cast<char>(n >> 16);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n);
    out += s;
  };
  put_string(type);
  put_string(std::string(32, fill));
  return out;
}

TEST(KnownHosts, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(KnownHosts, HostPatterns) {
  EXPECT_TRUE(match_host_pattern("github.com", "github.com"));
  EXPECT_TRUE(match_host_pattern("GitHub.COM", "github.com"));
  EXPECT_TRUE(match_host_pattern("*.example.com", "git.example.com"));
  EXPECT_FALSE(match_host_pattern("*.example.com", "example.com"));
  EXPECT_TRUE(match_host_pattern("git?.example.com", "git1.example.com"));
  EXPECT_FALSE(match_host_pattern("git?.example.com", "git12.example.com"));
  EXPECT_TRUE(match_host_pattern("*", "anything"));
  EXPECT_TRUE(match_host_pattern("a*b*c", "axxbyyc"));
  EXPECT_FALSE(match_host_pattern("a*b*c", "axxbyy"));
  EXPECT_TRUE(match_host_pattern("[git.example.com]:2222", "[git.example.com]:2222"));
}

TEST(KnownHosts, MatchMismatchAndUnknown) {
  const std::string key = key_blob("ssh-ed25519", 'A');
  const std::string other = key_blob("ssh-ed25519", 'B');
  const std::string line = known_hosts_line("git.example.com", 22, key);
  EXPECT_EQ(line.substr(0, 28), "git.example.com ssh-ed25519 ");

  EXPECT_EQ(check_known_hosts(line + "\n", "git.example.com", 22, key).verdict,
            HostKeyVerdict::match);
  EXPECT_EQ(check_known_hosts(line + "\n", "GIT.example.com", 22, key).verdict,
            HostKeyVerdict::match);
  // Same host and type, another key: the dangerous case, reported distinctly.
  EXPECT_EQ(check_known_hosts(line + "\n", "git.example.com", 22, other).verdict,
            HostKeyVerdict::mismatch);
  EXPECT_EQ(check_known_hosts(line + "\n", "other.example.com", 22, key).verdict,
            HostKeyVerdict::unknown_host);
  // Another port needs a "[host]:port" entry.
  EXPECT_EQ(check_known_hosts(line + "\n", "git.example.com", 2222, key).verdict,
            HostKeyVerdict::unknown_host);
  const std::string port_line = known_hosts_line("git.example.com", 2222, key);
  EXPECT_EQ(port_line.substr(0, 23), "[git.example.com]:2222 ");
  EXPECT_EQ(check_known_hosts(port_line, "git.example.com", 2222, key).verdict,
            HostKeyVerdict::match);
  // Only a key of another type is known: unknown, not a mismatch.
  const std::string ecdsa = key_blob("ecdsa-sha2-nistp256", 'C');
  EXPECT_EQ(
      check_known_hosts(known_hosts_line("git.example.com", 22, ecdsa), "git.example.com", 22, key)
          .verdict,
      HostKeyVerdict::unknown_host);
}

TEST(KnownHosts, ListsCommentsWildcardsNegationAndMarkers) {
  const std::string key = key_blob("ssh-ed25519", 'A');
  const std::string b64 = base64_encode(key);
  const std::string file =
      "# comment line\n"
      "\n"
      "   \n"
      "broken-line-without-key\n"
      "|1|c2FsdA==|aGFzaA== ssh-ed25519 " +
      b64 +
      "\n"
      "@cert-authority *.example.com ssh-ed25519 " +
      b64 +
      "\n"
      "alpha.example.net,*.example.com,!bad.example.com ssh-ed25519 " +
      b64 + " comment words\r\n";
  auto ok = check_known_hosts(file, "git.example.com", 22, key);
  EXPECT_EQ(ok.verdict, HostKeyVerdict::match);
  EXPECT_EQ(ok.key_type, "ssh-ed25519");
  EXPECT_EQ(check_known_hosts(file, "alpha.example.net", 22, key).verdict, HostKeyVerdict::match);
  EXPECT_EQ(check_known_hosts(file, "bad.example.com", 22, key).verdict,
            HostKeyVerdict::unknown_host);
  auto unknown = check_known_hosts(file, "elsewhere.org", 22, key);
  EXPECT_EQ(unknown.verdict, HostKeyVerdict::unknown_host);
  EXPECT_EQ(unknown.skipped_hashed, 1);
  EXPECT_EQ(unknown.skipped_malformed, 1);

  const std::string revoked = file + "@revoked * ssh-ed25519 " + b64 + "\n";
  EXPECT_EQ(check_known_hosts(revoked, "git.example.com", 22, key).verdict,
            HostKeyVerdict::revoked);
}

TEST(KnownHosts, MalformedBlobNeverMatchesPlainEntries) {
  const std::string key = key_blob("ssh-ed25519", 'A');
  const std::string line = known_hosts_line("h", 22, key);
  EXPECT_EQ(check_known_hosts(line, "h", 22, "").verdict, HostKeyVerdict::unknown_host);
  EXPECT_EQ(check_known_hosts(line, "h", 22, std::string("\xff\xff\xff\xff", 4)).verdict,
            HostKeyVerdict::unknown_host);
}

}  // namespace
}  // namespace gitns::git
