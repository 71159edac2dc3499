// libFuzzer target for the message code: both parsers on arbitrary bytes, and for
// every input parse_message accepts, build -> parse must succeed and be stable
// (build(parse(build(m))) == build(m)); the writer is also driven into a small
// buffer with guard bytes to catch any write past its capacity.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "resolver/wire/message.h"
#include "resolver/wire/message_writer.h"

namespace {

using namespace gitns::wire;

[[noreturn]] void die(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_message invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void check_query_view(const QueryView& v, size_t size) {
  if (v.question_end > size || v.opt_end > size || v.tsig_end > size || v.additional_offset > size) {
    die("QueryView offset past the input");
  }
  if (v.has_cookie && v.cookie_offset + v.cookie_len > size) die("cookie past the input");
  if (v.has_edns && v.udp_size < 512) die("effective UDP size below 512");
}

// Writes the parsed message through MessageWriter into `cap` bytes followed by guard bytes.
void write_small(const Message& m, size_t cap) {
  constexpr size_t kGuard = 32;
  std::vector<uint8_t> buf(cap + kGuard, 0xA5);
  MessageWriter w(buf.data(), cap);
  w.write_header(m.header);
  if (m.edns) w.reserve(opt_rr_size(*m.edns));
  for (const Question& q : m.questions) w.add_question(q.qname, q.qtype, q.qclass);
  const std::vector<RR>* sections[] = {&m.answer, &m.authority, &m.additional};
  for (int s = 0; s < 3; ++s) {
    w.begin_section(static_cast<Section>(s));
    for (const RR& rr : *sections[s]) {
      if (rr.type == rrtype::TSIG) continue;  // placement is build_message's concern
      if (!w.add_rr(rr)) w.set_tc();
    }
  }
  if (m.edns) w.add_opt(*m.edns);
  w.set_rcode(m.rcode());
  auto out = w.finish();
  for (size_t i = cap; i < buf.size(); ++i) {
    if (buf[i] != 0xA5) die("MessageWriter wrote past its capacity");
  }
  if (out.size() > cap) die("finish() longer than the capacity");
  if (!out.empty()) {
    auto again = parse_message(out);
    if (!again) die("MessageWriter output does not parse:", again.error().to_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  QueryView v;
  gitns::base::Error why;
  QueryParseOutcome q = parse_query(in, v, &why);
  if (q == QueryParseOutcome::ok) check_query_view(v, size);
  if (q != QueryParseOutcome::ok && why.message.empty()) die("parse_query failed without a reason");

  auto m = parse_message(in);
  if (!m) {
    if (m.error().message.empty()) die("parse_message failed without a reason");
    return 0;
  }
  // parse_query checks a subset of what parse_message checks.
  if (!m->header.qr && m->header.qdcount == 1 && q != QueryParseOutcome::ok) {
    die("parse_message accepted a query parse_query rejected:", why.to_string());
  }
  (void)message_to_text(*m);

  Bytes wire = build_message(*m);
  auto back = parse_message(wire);
  if (!back) die("build_message output does not parse:", back.error().to_string());
  Bytes again = build_message(*back);
  if (again != wire) die("build(parse(build(m))) differs from build(m)");

  write_small(*m, size > 0 ? data[0] * 2 : 0);
  return 0;
}
