// Writes a DNS message into a caller-provided buffer: name compression, RRset-atomic
// truncation and no heap allocation, so the query path can answer from a stack or
// per-thread buffer. It never writes past the capacity it was given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/wire/edns.h"
#include "resolver/wire/message.h"
#include "resolver/wire/name.h"
#include "resolver/wire/rdata.h"

namespace gitns::wire {

enum class Section { answer, authority, additional };

class MessageWriter {
 public:
  // Earlier name positions remembered for compression. Each written label start is one
  // entry (the suffix that begins there); when full, later names still compress against
  // what is remembered but add nothing.
  static constexpr size_t kCompressEntries = 128;

  MessageWriter(uint8_t* buf, size_t capacity);

  // The size the answer must fit (512, the EDNS payload size, 65535). Never above the
  // capacity, never below what is already written.
  void set_limit(size_t limit);
  size_t limit() const { return limit_; }
  // Keeps n bytes free (e.g. for the OPT record) until release_reservation()/add_opt().
  void reserve(size_t n) { reserved_ = n; }
  void release_reservation() { reserved_ = 0; }

  // Starts the message: writes the header (counts zero; the writer maintains them) and
  // forgets everything written before. False when the capacity is below 12 bytes.
  bool write_header(const Header& h);
  Header& header() { return header_; }  // flags may change until finish()

  bool add_question(const Name& qname, uint16_t qtype, uint16_t qclass);
  // Sections go in order answer -> authority -> additional; going back is ignored.
  void begin_section(Section s);
  Section section() const { return section_; }

  // All records of the RRset or none: on overflow everything written for it is undone
  // and false returned (the caller decides on TC). Owner and rdata names are compressed
  // where the type allows (rdata_names(...).compress).
  bool add_rrset(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                 std::span<const Rdata> rdatas);
  bool add_rrset(const RRset& rrset) {
    return add_rrset(rrset.owner, rrset.type, rrset.rclass, rrset.ttl, rrset.rdatas);
  }
  // `rdata` is uncompressed wire form.
  bool add_rr(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
              std::span<const uint8_t> rdata);
  bool add_rr(const RR& rr) { return add_rr(rr.owner, rr.type, rr.rclass, rr.ttl, rr.rdata.bytes); }
  // Appends the OPT record to the additional section; releases the reservation first.
  // The extended RCODE bits come from set_rcode() when it was given one above 15.
  bool add_opt(const Edns& e);

  void set_tc() { header_.tc = true; }
  // Low 4 bits to the header, the upper 8 to the OPT record (before or after add_opt).
  void set_rcode(uint16_t full_rcode);

  // A point to roll back to, for callers that group several RRsets (an RRset and its
  // RRSIGs) into one all-or-nothing step.
  struct Mark {
    size_t pos;
    std::array<uint16_t, 4> counts;
    size_t compress_used;
    Section section;
    size_t opt_pos;
  };
  Mark mark() const;
  void rollback(const Mark& m);

  size_t size() const { return pos_; }
  size_t remaining() const;  // bytes usable before the limit (minus the reservation)
  uint16_t count(Section s) const { return counts_[1 + static_cast<int>(s)]; }
  uint16_t question_count() const { return counts_[0]; }
  // Writes the header with the final flags and counts; the message is buf[0, size()).
  std::span<const uint8_t> finish();

 private:
  size_t end() const;  // the writable end for records
  bool put(const void* p, size_t n);
  bool put_u16(uint16_t v);
  bool put_u32(uint32_t v);
  // Writes `name` (wire form), compressed against earlier names when `compress`.
  bool put_name(std::span<const uint8_t> name, bool compress);
  // Offset in the buffer of an earlier name equal to `suffix`, or 0 when none.
  uint16_t find_suffix(std::span<const uint8_t> suffix) const;
  bool suffix_matches_at(std::span<const uint8_t> suffix, size_t at) const;
  void remember(size_t offset);
  bool put_rdata(uint16_t type, std::span<const uint8_t> rdata);
  bool put_record(const Name& owner, uint16_t type, uint16_t rclass, uint32_t ttl,
                  std::span<const uint8_t> rdata);
  void patch_opt_rcode();

  uint8_t* buf_;
  size_t capacity_;
  size_t limit_;
  size_t reserved_ = 0;
  size_t pos_ = 0;
  Header header_;
  std::array<uint16_t, 4> counts_{};  // question, answer, authority, additional
  Section section_ = Section::answer;
  std::array<uint16_t, kCompressEntries> compress_{};
  size_t compress_used_ = 0;
  uint8_t ext_rcode_ = 0;
  bool rcode_set_ = false;
  size_t opt_pos_ = 0;  // start of the OPT RR, 0 when none written
};

}  // namespace gitns::wire
