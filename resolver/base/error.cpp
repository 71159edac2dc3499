#include "resolver/base/error.h"

namespace gitns::base {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gitns"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::truncated: return "truncated input";
      case Errc::malformed: return "malformed input";
      case Errc::bad_label: return "bad label";
      case Errc::name_too_long: return "name too long";
      case Errc::bad_pointer: return "bad compression pointer";
      case Errc::trailing_data: return "trailing data";
      case Errc::bad_rdata: return "bad rdata";
      case Errc::syntax: return "syntax error";
      case Errc::out_of_zone: return "out of zone";
      case Errc::semantic: return "semantic error";
      case Errc::not_found: return "not found";
      case Errc::io: return "i/o error";
      case Errc::unsupported: return "unsupported";
      case Errc::limit: return "limit exceeded";
      case Errc::in_use: return "address in use";
    }
    return "unknown error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

std::string Error::to_string() const {
  if (message.empty()) return error_category().message(static_cast<int>(code));
  return message;
}

}  // namespace gitns::base
