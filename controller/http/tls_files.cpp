#include "controller/http/tls_files.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller/http/user_store.h"
#include "resolver/crypto/x509.h"

namespace gitns::http {
namespace {

constexpr std::int64_t kRenewBefore = 30 * 86400;

base::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::fail(base::Errc::io, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// Checks a pair of files; returns the certificate's fingerprint.
base::Result<crypto::CertificateInfo> check_pair(const std::string& cert_file,
                                                 const std::string& key_file) {
  GITNS_TRY(std::string cert, read_file(cert_file));
  GITNS_TRY(std::string key, read_file(key_file));
  auto info = crypto::inspect_certificate_pem(cert);
  if (!info) return base::fail(info.error().code, cert_file + ": " + info.error().message);
  auto match = crypto::check_key_matches_certificate(cert, key);
  if (!match) return base::fail(match.error().code, key_file + ": " + match.error().message);
  return info;
}

base::Result<TlsFiles> generate(const std::string& dir,
                                const std::vector<std::string>& extra_names) {
  crypto::SelfSignedRequest req;
  req.common_name = "gitns";
  req.dns_names = {"localhost"};
  req.ip_addresses = {"127.0.0.1", "::1"};
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0' &&
      std::string(host) != "localhost") {
    req.dns_names.push_back(host);
  }
  for (const auto& n : extra_names) (is_ip(n) ? req.ip_addresses : req.dns_names).push_back(n);
  GITNS_TRY(crypto::KeyAndCertificate kc, crypto::make_self_signed_certificate(req));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return base::fail(base::Errc::io, "cannot create " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return base::fail(base::Errc::io, "cannot chmod " + dir);
  TlsFiles files{dir + "/self-signed.crt", dir + "/self-signed.key", true, {}};
  GITNS_CHECK(write_file_atomically(files.key_file, kc.private_key_pem, 0600));
  GITNS_CHECK(write_file_atomically(files.cert_file, kc.certificate_pem, 0644));
  GITNS_TRY(crypto::CertificateInfo info, crypto::inspect_certificate_pem(kc.certificate_pem));
  files.sha256_fingerprint = info.sha256_fingerprint;
  return files;
}

}  // namespace

base::Result<TlsFiles> ensure_tls_files(const std::string& cert_file, const std::string& key_file,
                                        const std::string& state_dir,
                                        const std::vector<std::string>& extra_names) {
  if (cert_file.empty() != key_file.empty()) {
    return base::fail(base::Errc::syntax, "--tls-cert and --tls-key must be given together");
  }
  if (!cert_file.empty()) {
    GITNS_TRY(crypto::CertificateInfo info, check_pair(cert_file, key_file));
    return TlsFiles{cert_file, key_file, false, info.sha256_fingerprint};
  }
  if (state_dir.empty()) {
    return base::fail(base::Errc::syntax,
                      "HTTPS without --tls-cert/--tls-key needs a state directory to keep a "
                      "generated certificate in");
  }
  std::string dir = state_dir + "/tls";
  TlsFiles existing{dir + "/self-signed.crt", dir + "/self-signed.key", true, {}};
  std::error_code ec;
  if (std::filesystem::exists(existing.cert_file, ec) &&
      std::filesystem::exists(existing.key_file, ec)) {
    auto info = check_pair(existing.cert_file, existing.key_file);
    if (info && info->not_after - kRenewBefore > std::time(nullptr)) {
      existing.sha256_fingerprint = info->sha256_fingerprint;
      return existing;
    }
  }
  return generate(dir, extra_names);
}

}  // namespace gitns::http
