// The one bounds-checked reader for untrusted bytes. Its error sticks: after the
// first failure every read returns zero and ok() stays false, so a parser can read
// a whole record and check once (as Knot's wire_ctx does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "resolver/base/error.h"

namespace gitns::wire {

class WireReader {
 public:
  WireReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit WireReader(std::span<const uint8_t> s) : data_(s.data()), size_(s.size()) {}

  bool ok() const { return err_ == base::Errc::ok; }
  base::Errc error() const { return err_; }
  const char* what() const { return what_; }
  void fail(base::Errc e, const char* what) {
    if (ok()) { err_ = e; what_ = what; }
  }

  size_t position() const { return pos_; }
  size_t remaining() const { return ok() ? size_ - pos_ : 0; }
  size_t size() const { return size_; }
  const uint8_t* data() const { return data_; }
  // Moving is limited to the buffer; seeking past the end fails.
  void seek(size_t pos) {
    if (pos > size_) fail(base::Errc::truncated, "seek past end");
    else if (ok()) pos_ = pos;
  }

  uint8_t u8() {
    if (!need(1)) return 0;
    return data_[pos_++];
  }
  uint16_t u16() {
    if (!need(2)) return 0;
    uint16_t v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = uint32_t(data_[pos_]) << 24 | uint32_t(data_[pos_ + 1]) << 16 |
                 uint32_t(data_[pos_ + 2]) << 8 | uint32_t(data_[pos_ + 3]);
    pos_ += 4;
    return v;
  }
  // A view of the next n bytes; empty on failure.
  std::span<const uint8_t> bytes(size_t n) {
    if (!need(n)) return {};
    std::span<const uint8_t> s(data_ + pos_, n);
    pos_ += n;
    return s;
  }
  void skip(size_t n) { (void)bytes(n); }
  // Peek without consuming; 0 when out of range.
  uint8_t peek(size_t offset = 0) const {
    return (ok() && pos_ + offset < size_) ? data_[pos_ + offset] : 0;
  }

 private:
  bool need(size_t n) {
    if (!ok()) return false;
    if (size_ - pos_ < n) {
      fail(base::Errc::truncated, "input ends inside a field");
      return false;
    }
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  base::Errc err_ = base::Errc::ok;
  const char* what_ = "";
};

}  // namespace gitns::wire
