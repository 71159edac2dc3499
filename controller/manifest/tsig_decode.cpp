#include <cstdlib>
#include <fstream>
#include <sstream>

#include "controller/manifest/decode.h"
#include "resolver/wire/encoding.h"

namespace gitns::manifest {

std::string_view to_string(TsigAlgorithm a) {
  switch (a) {
    case TsigAlgorithm::hmac_sha256: return "hmac-sha256";
    case TsigAlgorithm::hmac_sha384: return "hmac-sha384";
    case TsigAlgorithm::hmac_sha512: return "hmac-sha512";
    case TsigAlgorithm::hmac_sha1: return "hmac-sha1";
  }
  return "hmac-sha256";
}

base::Result<std::vector<uint8_t>> read_secret(const SecretRef& ref) {
  std::string text;
  std::string what;
  if (ref.source == SecretRef::Source::env) {
    what = "environment variable " + ref.value;
    const char* v = std::getenv(ref.value.c_str());
    if (!v) return base::fail(base::Errc::not_found, what + " is not set");
    text = v;
  } else {
    what = "secret file " + ref.value;
    std::ifstream in(ref.value, std::ios::binary);
    if (!in) return base::fail(base::Errc::not_found, what + " cannot be opened");
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  text.erase(0, start);
  if (text.empty()) return base::fail(base::Errc::malformed, what + " is empty; expected a base64 secret");
  auto bytes = wire::base64_decode(text);
  if (!bytes) return base::fail(base::Errc::malformed, what + ": expected a base64 secret: " + bytes.error().message);
  return std::move(*bytes);
}

namespace detail {

std::shared_ptr<TsigKeyManifest> decode_tsig_key(DocReader& r) {
  auto k = std::make_shared<TsigKeyManifest>();
  k->object = r.object_info();
  if (!decode_object_name(r, k->name)) return nullptr;
  const nlohmann::json& spec = r.root()["spec"];
  std::string alg = spec.value("algorithm", "hmac-sha256");
  for (TsigAlgorithm a : {TsigAlgorithm::hmac_sha256, TsigAlgorithm::hmac_sha384, TsigAlgorithm::hmac_sha512,
                          TsigAlgorithm::hmac_sha1}) {
    if (to_string(a) == alg) k->algorithm = a;
  }
  const nlohmann::json& ref = spec["secretRef"];
  if (ref.contains("file")) {
    k->secret.source = SecretRef::Source::file;
    k->secret.value = ref["file"].get<std::string>();
    k->secret.position = r.position("/spec/secretRef/file");
    if (k->secret.value.front() != '/') {
      r.error("/spec/secretRef/file", "expected an absolute path on the server, got \"" + k->secret.value +
                                          "\" (secrets are never read from the repository)");
    }
  } else {
    k->secret.source = SecretRef::Source::env;
    k->secret.value = ref["env"].get<std::string>();
    k->secret.position = r.position("/spec/secretRef/env");
  }
  return k;
}

}  // namespace detail
}  // namespace gitns::manifest
