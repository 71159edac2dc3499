// Result<T>: a value or an Error, like std::expected (which C++20 lacks).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "resolver/base/error.h"

namespace gitns::base {

// Tag to build a failed Result: `return fail(Errc::syntax, "expected TTL");`
struct Failure {
  Error error;
};
inline Failure fail(Errc code, std::string message = {}) { return {{code, std::move(message)}}; }
inline Failure fail(Error e) { return {std::move(e)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT implicit
  Result(Failure f) : v_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT implicit

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Failure failure() const { return {error()}; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : err_(std::move(f.error)) {}  // NOLINT implicit

  bool ok() const noexcept { return err_.code == Errc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const { assert(!ok()); return err_; }
  Failure failure() const { return {err_}; }

 private:
  Error err_;
};

using Status = Result<void>;

}  // namespace gitns::base

// Propagate a failure: GITNS_TRY(x, parse(...)); binds x on success.
#define GITNS_CONCAT_INNER(a, b) a##b
#define GITNS_CONCAT(a, b) GITNS_CONCAT_INNER(a, b)
#define GITNS_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp.ok()) return tmp.failure();  \
  decl = std::move(tmp).value()
#define GITNS_TRY(decl, expr) GITNS_TRY_IMPL(GITNS_CONCAT(gitns_try_, __LINE__), decl, expr)
#define GITNS_CHECK(expr)                               \
  do {                                                  \
    auto gitns_check_ = (expr);                         \
    if (!gitns_check_.ok()) return gitns_check_.failure(); \
  } while (0)
