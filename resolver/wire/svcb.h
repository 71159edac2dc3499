// RFC 9460 SvcParams (the tail of SVCB and HTTPS rdata): wire checks and presentation
// form. The rdata codecs in rdata.cpp call these for the Field::svc_params field.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/base/result.h"
#include "resolver/wire/rdata.h"

namespace gitns::wire {

namespace svckey {
inline constexpr uint16_t mandatory = 0, alpn = 1, no_default_alpn = 2, port = 3, ipv4hint = 4,
                          ech = 5, ipv6hint = 6, invalid = 65535;
}

std::string svc_key_to_text(uint16_t key);                      // "alpn", "key667"
base::Result<uint16_t> svc_key_from_text(std::string_view text);  // rejects key65535

// RFC 9460 section 2.2 and 8: keys strictly increasing, each value well formed for its
// key, `mandatory` does not list itself and every key it lists is present.
base::Status svc_params_check(std::span<const uint8_t> params);
// Parses `key[=value]` tokens in any order; the wire form is sorted by key. Accepts a
// value written as a separate quoted token after `key=`.
base::Result<Bytes> svc_params_from_text(std::span<const TextToken> tokens);
// Presentation form of checked params, in wire (key) order, space separated.
std::string svc_params_to_text(std::span<const uint8_t> params);

}  // namespace gitns::wire
