// Host-key check of an ssh:// remote against an OpenSSH known_hosts file chosen by the
// operator (SourceConfig::credentials.ssh_known_hosts_file). Pure functions, no libgit2.
//
// Supported: plain host patterns, comma lists, "[host]:port" for ports other than 22,
// '*' and '?' wildcards, '!' negation, "@revoked" markers. Not supported: hashed
// entries ("|1|...", written by `ssh-keyscan -H` and HashKnownHosts) and
// "@cert-authority" lines; they are skipped and counted so the error can say so.
// Without a configured file, libgit2 1.5.1 checks ~/.ssh/known_hosts itself (it reads
// hashed entries too).
#pragma once

#include <string>
#include <string_view>

namespace gitns::git {

enum class HostKeyVerdict {
  match,         // an entry for this host holds exactly this key
  mismatch,      // entries for this host hold another key of the same type: possible MITM
  revoked,       // the key is listed under @revoked
  unknown_host,  // no usable entry for this host and key type
};

struct HostKeyCheck {
  HostKeyVerdict verdict = HostKeyVerdict::unknown_host;
  int skipped_hashed = 0;     // "|1|" entries that could not be matched
  int skipped_malformed = 0;  // lines without host, key type and key
  std::string key_type;       // from the key blob, e.g. "ssh-ed25519"
};

// `key_blob` is the host key in SSH wire format (string type, then the key fields), as
// the server sent it; known_hosts stores the same bytes in base64.
HostKeyCheck check_known_hosts(std::string_view known_hosts, std::string_view host, int port,
                               std::string_view key_blob);

// A one-line "host key-type base64" entry for `key_blob`, for error messages that tell
// the operator what to add after verifying the fingerprint out of band.
std::string known_hosts_line(std::string_view host, int port, std::string_view key_blob);

// OpenSSH wildcard match ('*' any run, '?' one character), ASCII case-insensitive.
bool match_host_pattern(std::string_view pattern, std::string_view host);

std::string base64_encode(std::string_view bytes);

}  // namespace gitns::git
