// X.509 certificates: a self-signed certificate with an EC P-256 key for HTTPS on first
// start, and reading back what a PEM certificate says (names, validity, fingerprints)
// for pinning, expiry checks and DANE (TLSA 3 1 1 is the SPKI SHA-256 below).
// PEM text in and out: writing files is the caller's business.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/crypto/digest.h"

namespace gitns::crypto {

struct SelfSignedRequest {
  std::string common_name = "gitns";
  // subjectAltName entries. DNS names: letters, digits, '-', '.', a leading "*."; IP
  // addresses in IPv4 or IPv6 text form. Anything else is Errc::malformed.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  int valid_days = 825;  // the longest validity Apple's TLS clients accept
};

struct KeyAndCertificate {
  std::string certificate_pem;  // -----BEGIN CERTIFICATE-----
  std::string private_key_pem;  // PKCS#8, -----BEGIN PRIVATE KEY----- (unencrypted)
};

// An end-entity certificate signed by its own key (ECDSA with SHA-256): CA:FALSE,
// keyUsage digitalSignature, extendedKeyUsage serverAuth, a random 127-bit serial and a
// notBefore one hour in the past so clocks slightly behind accept it.
base::Result<KeyAndCertificate> make_self_signed_certificate(const SelfSignedRequest& request);

struct CertificateInfo {
  std::string subject;  // RFC 2253 one-line form, e.g. "CN=gitns"
  std::string issuer;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::int64_t not_before = 0;  // Unix seconds
  std::int64_t not_after = 0;
  bool self_signed = false;          // issuer == subject and the signature verifies with its key
  std::string public_key_algorithm;  // "EC P-256", "RSA 2048", "ED25519", ...
  std::string sha256_fingerprint;    // lowercase hex of SHA-256 over the DER certificate
  std::string spki_sha256;           // lowercase hex of SHA-256 over the DER SubjectPublicKeyInfo
};

// Reads the first certificate of a PEM text. Errc::malformed when there is none.
base::Result<CertificateInfo> inspect_certificate_pem(std::string_view pem);

// The DER bytes of the first certificate in a PEM text.
base::Result<Bytes> certificate_der_from_pem(std::string_view pem);

// Errc::malformed unless `key_pem` holds the private key of `certificate_pem`'s public key.
base::Status check_key_matches_certificate(std::string_view certificate_pem,
                                           std::string_view key_pem);

}  // namespace gitns::crypto
