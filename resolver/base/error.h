// Error codes shared by the engine. Expected failures (bad packets, bad zone files)
// are values, not exceptions: the query path must never unwind.
#pragma once

#include <string>
#include <system_error>

namespace gitns::base {

enum class Errc {
  ok = 0,
  truncated,        // input ended before a field was complete
  malformed,        // structurally invalid input
  bad_label,        // empty label in the middle, label over 63 octets
  name_too_long,    // name over 255 octets
  bad_pointer,      // compression pointer loop, forward or out of range
  trailing_data,    // bytes left after the last section
  bad_rdata,        // rdata does not match its type
  syntax,           // presentation-format / zone-file syntax error
  out_of_zone,      // data outside the zone's origin
  semantic,         // zone rule broken (CNAME and other data, missing SOA, ...)
  not_found,
  io,
  unsupported,      // known but not implemented: always with a message saying what
  limit,            // a configured or protocol limit was exceeded
  in_use,           // address already in use
};

const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// An error code plus a human sentence that says what was expected.
struct Error {
  Errc code = Errc::ok;
  std::string message;

  std::string to_string() const;
};

}  // namespace gitns::base

template <>
struct std::is_error_code_enum<gitns::base::Errc> : std::true_type {};
