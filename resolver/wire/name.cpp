#include "resolver/wire/name.h"

#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <algorithm>

namespace gitns::wire {

using base::Errc;
using base::fail;
using base::Result;

void Name::offsets(std::array<uint8_t, 128>& out) const {
  size_t pos = 0;
  for (size_t i = 0; i < labels_; ++i) {
    out[i] = static_cast<uint8_t>(pos);
    pos += data_[pos] + 1;
  }
  out[labels_] = static_cast<uint8_t>(pos);  // the root label
}

Result<Name> Name::read(WireReader& r) {
  Name n;
  size_t out = 0;
  size_t pos = r.position();
  size_t end_pos = 0;  // where the reader continues after the name
  bool jumped = false;
  const uint8_t* d = r.data();
  const size_t size = r.size();
  size_t pointer_floor = pos;  // every pointer must go strictly below this
  for (;;) {
    if (pos >= size) return fail(Errc::truncated, "name runs past the end of the message");
    uint8_t len = d[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= size) return fail(Errc::truncated, "compression pointer cut short");
      size_t target = size_t(len & 0x3F) << 8 | d[pos + 1];
      if (!jumped) end_pos = pos + 2;
      if (target >= pointer_floor) {
        return fail(Errc::bad_pointer, "compression pointer does not point backwards");
      }
      pointer_floor = target;
      pos = target;
      jumped = true;
      continue;
    }
    if ((len & 0xC0) != 0) return fail(Errc::malformed, "unsupported label type");
    if (pos + 1 + len > size) return fail(Errc::truncated, "label runs past the end");
    if (out + 1 + len > kMaxWire) return fail(Errc::name_too_long, "name over 255 octets");
    n.data_[out] = len;
    std::memcpy(&n.data_[out + 1], d + pos + 1, len);
    out += 1 + len;
    pos += 1 + len;
    if (len == 0) break;
    ++n.labels_;
  }
  n.size_ = static_cast<uint8_t>(out);
  r.seek(jumped ? end_pos : pos);
  return n;
}

Result<Name> Name::from_wire(std::span<const uint8_t> bytes, size_t* consumed) {
  Name n;
  size_t pos = 0;
  for (;;) {
    if (pos >= bytes.size()) return fail(Errc::truncated, "name runs past the end");
    uint8_t len = bytes[pos];
    if (len > kMaxLabel) return fail(Errc::malformed, "compressed or bad label in an uncompressed name");
    if (pos + 1 + len > bytes.size()) return fail(Errc::truncated, "label runs past the end");
    if (pos + 1 + len > kMaxWire) return fail(Errc::name_too_long, "name over 255 octets");
    std::memcpy(&n.data_[pos], bytes.data() + pos, len + 1);
    pos += 1 + len;
    if (len == 0) break;
    ++n.labels_;
  }
  n.size_ = static_cast<uint8_t>(pos);
  if (consumed) *consumed = pos;
  else if (pos != bytes.size()) return fail(Errc::trailing_data, "bytes after the name");
  return n;
}

Result<Name> Name::from_text(std::string_view text, const Name* origin) {
  if (text.empty()) return fail(Errc::syntax, "empty name");
  if (text == "@") {
    if (!origin) return fail(Errc::syntax, "'@' used without an origin");
    return *origin;
  }
  if (text == ".") return Name();
  Name n;
  size_t out = 0;  // position of the current label's length byte
  size_t label_len = 0;
  bool absolute = false;
  auto put = [&](uint8_t c) -> bool {
    if (label_len >= kMaxLabel) return false;
    if (out + 1 + label_len + 1 > kMaxWire - 1) return false;
    n.data_[out + 1 + label_len] = c;
    ++label_len;
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (label_len == 0) return fail(Errc::bad_label, "empty label in '" + std::string(text) + "'");
      n.data_[out] = static_cast<uint8_t>(label_len);
      out += 1 + label_len;
      label_len = 0;
      ++n.labels_;
      if (i + 1 == text.size()) absolute = true;
      continue;
    }
    uint8_t byte = static_cast<uint8_t>(c);
    if (c == '\\') {
      if (i + 1 >= text.size()) return fail(Errc::syntax, "name ends with a lone backslash");
      if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        if (i + 3 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 2])) ||
            !std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
          return fail(Errc::syntax, "\\DDD escape needs three digits");
        }
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return fail(Errc::syntax, "\\DDD escape over 255");
        byte = static_cast<uint8_t>(v);
        i += 3;
      } else {
        byte = static_cast<uint8_t>(text[i + 1]);
        i += 1;
      }
    }
    if (!put(byte)) {
      return label_len >= kMaxLabel ? fail(Errc::bad_label, "label over 63 octets")
                                    : fail(Errc::name_too_long, "name over 255 octets");
    }
  }
  if (label_len > 0) {
    n.data_[out] = static_cast<uint8_t>(label_len);
    out += 1 + label_len;
    ++n.labels_;
  }
  n.data_[out] = 0;
  n.size_ = static_cast<uint8_t>(out + 1);
  if (absolute) return n;
  if (!origin) return fail(Errc::syntax, "relative name '" + std::string(text) + "' without an origin");
  return n.concat(*origin);
}

Name Name::must(std::string_view text) {
  auto r = from_text(text);
  if (!r) {
    std::fprintf(stderr, "gitns: bad constant name '%.*s': %s\n", int(text.size()), text.data(),
                 r.error().to_string().c_str());
    std::abort();
  }
  return *r;
}

static void append_label_text(std::string& out, const uint8_t* p, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    uint8_t c = p[i];
    switch (c) {
      case '.': case ';': case '(': case ')': case '"': case '\\': case '@': case '$':
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
        break;
      default:
        if (c <= 0x20 || c >= 0x7f) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\%03u", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

std::string Name::to_text() const {
  if (labels_ == 0) return ".";
  std::string out;
  out.reserve(size_ + 8);
  size_t pos = 0;
  while (data_[pos] != 0) {
    append_label_text(out, &data_[pos + 1], data_[pos]);
    out.push_back('.');
    pos += data_[pos] + 1;
  }
  return out;
}

std::string Name::to_text_relative(const Name& origin) const {
  if (*this == origin) return "@";
  if (!is_subdomain_of(origin)) return to_text();
  size_t keep = labels_ - origin.labels_;
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < keep; ++i) {
    if (i) out.push_back('.');
    append_label_text(out, &data_[pos + 1], data_[pos]);
    pos += data_[pos] + 1;
  }
  return out;
}

std::string_view Name::label(size_t i) const {
  size_t pos = 0;
  for (size_t k = 0; k < i && k < labels_; ++k) pos += data_[pos] + 1;
  if (i >= labels_) return {};
  return {reinterpret_cast<const char*>(&data_[pos + 1]), data_[pos]};
}

Name Name::parent() const {
  if (labels_ == 0) return *this;
  return suffix(labels_ - 1);
}

Name Name::suffix(size_t n) const {
  if (n >= labels_) return *this;
  std::array<uint8_t, 128> off;
  offsets(off);
  size_t start = off[labels_ - n];
  Name r;
  r.size_ = static_cast<uint8_t>(size_ - start);
  r.labels_ = static_cast<uint8_t>(n);
  std::memcpy(r.data_.data(), data_.data() + start, r.size_);
  return r;
}

Result<Name> Name::prepend(std::string_view label) const {
  if (label.empty()) return fail(Errc::bad_label, "empty label");
  if (label.size() > kMaxLabel) return fail(Errc::bad_label, "label over 63 octets");
  if (size_ + 1 + label.size() > kMaxWire) return fail(Errc::name_too_long, "name over 255 octets");
  Name r;
  r.data_[0] = static_cast<uint8_t>(label.size());
  std::memcpy(&r.data_[1], label.data(), label.size());
  std::memcpy(&r.data_[1 + label.size()], data_.data(), size_);
  r.size_ = static_cast<uint8_t>(size_ + 1 + label.size());
  r.labels_ = static_cast<uint8_t>(labels_ + 1);
  return r;
}

Result<Name> Name::concat(const Name& suffix) const {
  size_t head = size_ - 1;  // drop our root label
  if (head + suffix.size_ > kMaxWire) return fail(Errc::name_too_long, "name over 255 octets");
  Name r;
  std::memcpy(r.data_.data(), data_.data(), head);
  std::memcpy(r.data_.data() + head, suffix.data_.data(), suffix.size_);
  r.size_ = static_cast<uint8_t>(head + suffix.size_);
  r.labels_ = static_cast<uint8_t>(labels_ + suffix.labels_);
  return r;
}

Result<Name> Name::replace_suffix(const Name& old_suffix, const Name& new_suffix) const {
  if (!is_subdomain_of(old_suffix)) return fail(Errc::semantic, "name is not below the suffix");
  size_t keep_labels = labels_ - old_suffix.labels_;
  std::array<uint8_t, 128> off;
  offsets(off);
  size_t head = off[keep_labels];
  if (head + new_suffix.size_ > kMaxWire) return fail(Errc::name_too_long, "name over 255 octets");
  Name r;
  std::memcpy(r.data_.data(), data_.data(), head);
  std::memcpy(r.data_.data() + head, new_suffix.data_.data(), new_suffix.size_);
  r.size_ = static_cast<uint8_t>(head + new_suffix.size_);
  r.labels_ = static_cast<uint8_t>(keep_labels + new_suffix.labels_);
  return r;
}

static bool labels_equal_ci(const uint8_t* a, const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool Name::is_subdomain_of(const Name& zone) const {
  if (zone.labels_ > labels_) return false;
  size_t start = size_ - zone.size_;
  // The suffix must start on a label boundary.
  std::array<uint8_t, 128> off;
  offsets(off);
  if (off[labels_ - zone.labels_] != start) return false;
  return labels_equal_ci(data_.data() + start, zone.data_.data(), zone.size_);
}

size_t Name::common_labels(const Name& other) const {
  std::array<uint8_t, 128> a, b;
  offsets(a);
  other.offsets(b);
  size_t n = 0;
  while (n < labels_ && n < other.labels_) {
    const uint8_t* la = &data_[a[labels_ - 1 - n]];
    const uint8_t* lb = &other.data_[b[other.labels_ - 1 - n]];
    if (la[0] != lb[0] || !labels_equal_ci(la + 1, lb + 1, la[0])) break;
    ++n;
  }
  return n;
}

bool Name::operator==(const Name& o) const {
  if (size_ != o.size_ || labels_ != o.labels_) return false;
  // Length bytes are < 64 and so unchanged by lowering; compare everything at once.
  return labels_equal_ci(data_.data(), o.data_.data(), size_);
}

bool Name::equals_exact(const Name& o) const {
  return size_ == o.size_ && std::memcmp(data_.data(), o.data_.data(), size_) == 0;
}

int Name::canonical_compare(const Name& o) const {
  std::array<uint8_t, 128> a, b;
  offsets(a);
  o.offsets(b);
  size_t i = 0;
  for (; i < labels_ && i < o.labels_; ++i) {
    const uint8_t* la = &data_[a[labels_ - 1 - i]];
    const uint8_t* lb = &o.data_[b[o.labels_ - 1 - i]];
    size_t n = std::min(la[0], lb[0]);
    for (size_t k = 1; k <= n; ++k) {
      int d = int(ascii_lower(la[k])) - int(ascii_lower(lb[k]));
      if (d) return d;
    }
    if (la[0] != lb[0]) return int(la[0]) - int(lb[0]);
  }
  return int(labels_) - int(o.labels_);
}

Name Name::lowered() const {
  Name r = *this;
  for (size_t i = 0; i < size_; ++i) r.data_[i] = ascii_lower(r.data_[i]);
  return r;
}

size_t Name::hash() const {
  // FNV-1a over the lowered bytes.
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size_; ++i) {
    h ^= ascii_lower(data_[i]);
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

void Name::append_lookup_key(std::string& out) const {
  std::array<uint8_t, 128> off;
  offsets(off);
  for (size_t i = labels_; i-- > 0;) {
    const uint8_t* l = &data_[off[i]];
    for (size_t k = 1; k <= l[0]; ++k) {
      uint8_t c = ascii_lower(l[k]);
      if (c <= 1) {
        out.push_back('\x01');
        out.push_back(static_cast<char>(c + 1));
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('\0');
  }
}

std::string Name::lookup_key() const {
  std::string out;
  out.reserve(size_);
  append_lookup_key(out);
  return out;
}

}  // namespace gitns::wire
