// The certificate and key the HTTPS listener serves. Given files are checked (both
// present, the key matching the certificate); when HTTPS is asked for without them, a
// self-signed EC P-256 certificate is generated once into <state-dir>/tls/ and reused
// on later starts (and replaced when it is within 30 days of expiry).
#pragma once

#include <string>
#include <vector>

#include "resolver/base/result.h"

namespace gitns::http {

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  bool generated = false;          // made (or reused from an earlier start) by this module
  std::string sha256_fingerprint;  // of the certificate, for clients to pin
};

// `extra_names`: host names or IP addresses added to the generated certificate's
// subjectAltName besides localhost, 127.0.0.1, ::1 and this machine's host name.
base::Result<TlsFiles> ensure_tls_files(const std::string& cert_file, const std::string& key_file,
                                        const std::string& state_dir,
                                        const std::vector<std::string>& extra_names = {});

}  // namespace gitns::http
