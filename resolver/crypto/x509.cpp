#include "resolver/crypto/x509.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <ctime>
#include <memory>

#include "resolver/crypto/openssl_util.h"

namespace gitns::crypto {
namespace {

struct Free {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};
template <class T>
using Ptr = std::unique_ptr<T, Free>;

base::Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0) return detail::openssl_failure("reading a memory BIO");
  return std::string(data, static_cast<std::size_t>(len));
}

bool valid_dns_name(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool valid_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// The subjectAltName value in OpenSSL's config syntax; the names were checked above so no
// entry can smuggle in a ',' or a different type.
base::Result<std::string> alt_names(const SelfSignedRequest& request) {
  std::string out;
  for (const auto& name : request.dns_names) {
    if (!valid_dns_name(name)) {
      return base::fail(base::Errc::malformed,
                        "certificate: expected a DNS name for subjectAltName, got '" + name + "'");
    }
    out += (out.empty() ? "DNS:" : ",DNS:") + name;
  }
  for (const auto& ip : request.ip_addresses) {
    if (!valid_ip(ip)) {
      return base::fail(base::Errc::malformed,
                        "certificate: expected an IPv4 or IPv6 address, got '" + ip + "'");
    }
    out += (out.empty() ? "IP:" : ",IP:") + ip;
  }
  return out;
}

base::Status add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return detail::openssl_failure(std::string("adding extension ") + OBJ_nid2sn(nid));
  }
  return {};
}

base::Status set_serial(X509* cert) {
  Ptr<BIGNUM> serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert))) {
    return detail::openssl_failure("making a certificate serial");
  }
  return {};
}

base::Status set_names_and_validity(X509* cert, const SelfSignedRequest& request) {
  X509_NAME* name = X509_get_subject_name(cert);
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(request.common_name.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1) {
    return detail::openssl_failure("setting the certificate name");
  }
  if (!X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert), request.valid_days, 0, nullptr)) {
    return detail::openssl_failure("setting the certificate validity");
  }
  return {};
}

base::Status add_extensions(X509* cert, const SelfSignedRequest& request) {
  GITNS_TRY(std::string san, alt_names(request));
  GITNS_CHECK(add_extension(cert, NID_basic_constraints, "critical,CA:FALSE"));
  GITNS_CHECK(add_extension(cert, NID_key_usage, "critical,digitalSignature"));
  GITNS_CHECK(add_extension(cert, NID_ext_key_usage, "serverAuth"));
  GITNS_CHECK(add_extension(cert, NID_subject_key_identifier, "hash"));
  if (!san.empty()) GITNS_CHECK(add_extension(cert, NID_subject_alt_name, san));
  return {};
}

base::Result<KeyAndCertificate> to_pem(X509* cert, EVP_PKEY* key) {
  Ptr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  Ptr<BIO> key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return detail::openssl_failure("writing PEM");
  }
  KeyAndCertificate out;
  GITNS_TRY(out.certificate_pem, bio_text(cert_bio.get()));
  GITNS_TRY(out.private_key_pem, bio_text(key_bio.get()));
  return out;
}

base::Result<Ptr<X509>> read_certificate(std::string_view pem) {
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return detail::openssl_failure("BIO_new_mem_buf");
  Ptr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    ERR_clear_error();
    return base::fail(base::Errc::malformed,
                      "expected a PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return cert;
}

base::Result<std::string> name_text(const X509_NAME* name) {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    return detail::openssl_failure("printing a certificate name");
  }
  return bio_text(bio.get());
}

base::Result<std::int64_t> unix_time(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return detail::openssl_failure("reading a certificate time");
  return static_cast<std::int64_t>(timegm(&tm));
}

void read_alt_names(X509* cert, CertificateInfo& info) {
  Ptr<GENERAL_NAMES> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) {
      const ASN1_IA5STRING* s = gn->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = gn->d.iPAddress;
      int len = ASN1_STRING_length(s);
      char text[INET6_ADDRSTRLEN] = {};
      int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (family != 0 && inet_ntop(family, ASN1_STRING_get0_data(s), text, sizeof text)) {
        info.ip_addresses.emplace_back(text);
      }
    }
  }
}

std::string key_description(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_EC) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1) {
      if (std::strcmp(group, "prime256v1") == 0) return "EC P-256";
      if (std::strcmp(group, "secp384r1") == 0) return "EC P-384";
      return std::string("EC ") + group;
    }
    return "EC";
  }
  if (id == EVP_PKEY_RSA) return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
  const char* name = EVP_PKEY_get0_type_name(key);
  return name ? name : "unknown";
}

base::Status read_fingerprints(X509* cert, CertificateInfo& info) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return detail::openssl_failure("encoding the certificate");
  auto fp = digest(DigestAlgorithm::sha256, {der, static_cast<std::size_t>(len)});
  OPENSSL_free(der);
  if (!fp) return fp.failure();
  info.sha256_fingerprint = to_lower_hex(*fp);

  unsigned char* spki = nullptr;
  len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &spki);
  if (len <= 0) return detail::openssl_failure("encoding the public key");
  auto sp = digest(DigestAlgorithm::sha256, {spki, static_cast<std::size_t>(len)});
  OPENSSL_free(spki);
  if (!sp) return sp.failure();
  info.spki_sha256 = to_lower_hex(*sp);
  return {};
}

}  // namespace

base::Result<KeyAndCertificate> make_self_signed_certificate(const SelfSignedRequest& request) {
  if (request.valid_days <= 0) {
    return base::fail(base::Errc::malformed, "certificate: valid_days must be positive");
  }
  if (request.common_name.empty() || request.common_name.size() > 64) {
    return base::fail(base::Errc::malformed, "certificate: common name must be 1 to 64 bytes");
  }
  Ptr<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return detail::openssl_failure("generating an EC P-256 key");
  Ptr<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return detail::openssl_failure("building a certificate");
  }
  GITNS_CHECK(set_serial(cert.get()));
  GITNS_CHECK(set_names_and_validity(cert.get(), request));
  GITNS_CHECK(add_extensions(cert.get(), request));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return detail::openssl_failure("signing the certificate");
  }
  return to_pem(cert.get(), key.get());
}

base::Result<CertificateInfo> inspect_certificate_pem(std::string_view pem) {
  GITNS_TRY(Ptr<X509> cert, read_certificate(pem));
  CertificateInfo info;
  GITNS_TRY(info.subject, name_text(X509_get_subject_name(cert.get())));
  GITNS_TRY(info.issuer, name_text(X509_get_issuer_name(cert.get())));
  GITNS_TRY(info.not_before, unix_time(X509_get0_notBefore(cert.get())));
  GITNS_TRY(info.not_after, unix_time(X509_get0_notAfter(cert.get())));
  read_alt_names(cert.get(), info);
  info.self_signed = X509_self_signed(cert.get(), 1) == 1;
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  info.public_key_algorithm = key ? key_description(key) : "unknown";
  GITNS_CHECK(read_fingerprints(cert.get(), info));
  ERR_clear_error();  // X509_self_signed leaves reasons on the queue for other certificates
  return info;
}

base::Result<Bytes> certificate_der_from_pem(std::string_view pem) {
  GITNS_TRY(Ptr<X509> cert, read_certificate(pem));
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return detail::openssl_failure("encoding the certificate");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

base::Status check_key_matches_certificate(std::string_view certificate_pem,
                                           std::string_view key_pem) {
  GITNS_TRY(Ptr<X509> cert, read_certificate(certificate_pem));
  Ptr<BIO> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  if (!bio) return detail::openssl_failure("BIO_new_mem_buf");
  Ptr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    ERR_clear_error();
    return base::fail(base::Errc::malformed,
                      "expected an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return base::fail(base::Errc::malformed, "the private key does not match the certificate");
  }
  return {};
}

}  // namespace gitns::crypto
