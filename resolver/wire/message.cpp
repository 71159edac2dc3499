#include "resolver/wire/message.h"

#include <algorithm>
#include <array>

#include "resolver/wire/message_writer.h"

namespace gitns::wire {

using base::Errc;
using base::Error;
using base::fail;
using base::Failure;
using base::Result;

// ---- header ----

uint16_t Header::flags() const {
  return uint16_t((qr ? 0x8000 : 0) | (opcode & 0x0F) << 11 | (aa ? 0x0400 : 0) |
                  (tc ? 0x0200 : 0) | (rd ? 0x0100 : 0) | (ra ? 0x0080 : 0) | (z ? 0x0040 : 0) |
                  (ad ? 0x0020 : 0) | (cd ? 0x0010 : 0) | (rcode & 0x0F));
}

void Header::set_flags(uint16_t f) {
  qr = f & 0x8000;
  opcode = uint8_t(f >> 11 & 0x0F);
  aa = f & 0x0400;
  tc = f & 0x0200;
  rd = f & 0x0100;
  ra = f & 0x0080;
  z = f & 0x0040;
  ad = f & 0x0020;
  cd = f & 0x0010;
  rcode = uint8_t(f & 0x0F);
}

bool read_header(WireReader& r, Header& h) {
  h.id = r.u16();
  h.set_flags(r.u16());
  h.qdcount = r.u16();
  h.ancount = r.u16();
  h.nscount = r.u16();
  h.arcount = r.u16();
  return r.ok();
}

void write_header(const Header& h, uint8_t* out) {
  const uint16_t words[6] = {h.id, h.flags(), h.qdcount, h.ancount, h.nscount, h.arcount};
  for (size_t i = 0; i < 6; ++i) {
    out[2 * i] = uint8_t(words[i] >> 8);
    out[2 * i + 1] = uint8_t(words[i]);
  }
}

std::string opcode_to_text(uint8_t op) {
  static constexpr const char* names[] = {"QUERY", "IQUERY", "STATUS", nullptr, "NOTIFY", "UPDATE", "DSO"};
  if (op < std::size(names) && names[op]) return names[op];
  return "OPCODE" + std::to_string(op);
}

std::string rcode_to_text(uint16_t rc) {
  static constexpr const char* names[] = {
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",  "YXDOMAIN", "YXRRSET",
      "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI", nullptr,  nullptr,    nullptr,    nullptr,
      "BADVERS", "BADKEY",  "BADTIME",  "BADMODE",  "BADNAME", "BADALG",   "BADTRUNC", "BADCOOKIE"};
  if (rc < std::size(names) && names[rc]) return names[rc];
  return "RCODE" + std::to_string(rc);
}

uint16_t Message::rcode() const {
  uint16_t high = edns ? uint16_t(edns->ext_rcode) << 4 : 0;
  return high | (header.rcode & 0x0F);
}

void Message::set_rcode(uint16_t full) {
  header.rcode = uint8_t(full & 0x0F);
  if (edns) edns->ext_rcode = uint8_t(full >> 4);
}

// ---- strict full parse ----

namespace {

const char* section_name(int s) {
  static constexpr const char* names[] = {"question", "answer", "authority", "additional"};
  return names[s];
}
const char* count_name(int s) {
  static constexpr const char* names[] = {"QDCOUNT", "ANCOUNT", "NSCOUNT", "ARCOUNT"};
  return names[s];
}

Failure located(int section, size_t index, const Error& e) {
  const char* kind = section == 0 ? "" : " record";
  return fail(e.code, std::string(section_name(section)) + kind + " " + std::to_string(index + 1) +
                          ": " + e.message);
}

Failure count_short(int section, uint16_t count, size_t index) {
  return fail(Errc::truncated, std::string(count_name(section)) + " is " + std::to_string(count) +
                                   " but the message ends after " + std::to_string(index) + " " +
                                   section_name(section) + " entries");
}

// The fixed part of a resource record, after its owner.
struct RRHead {
  uint16_t type, rclass;
  uint32_t ttl;
  uint16_t rdlength;
};

base::Status read_rr_head(WireReader& r, RRHead& h) {
  h.type = r.u16();
  h.rclass = r.u16();
  h.ttl = r.u32();
  h.rdlength = r.u16();
  if (!r.ok()) return fail(Errc::truncated, "record cut short inside TYPE/CLASS/TTL/RDLENGTH");
  if (h.rdlength > r.remaining()) {
    return fail(Errc::truncated, "RDLENGTH " + std::to_string(h.rdlength) + " runs past the end (" +
                                     std::to_string(r.remaining()) + " bytes left)");
  }
  return {};
}

base::Status check_opt_placement(int section, const Name& owner, bool seen) {
  if (section != 3) return fail(Errc::malformed, "OPT record outside the additional section");
  if (!owner.is_root()) return fail(Errc::malformed, "OPT record owner must be the root, not " + owner.to_text());
  if (seen) return fail(Errc::malformed, "more than one OPT record");
  return {};
}

base::Status check_tsig_placement(int section, size_t index, uint16_t count) {
  if (section != 3 || index + 1 != count) {
    return fail(Errc::malformed, "TSIG record must be the last record of the additional section");
  }
  return {};
}

// Rdata of one record. RFC 2136 deletes and prerequisites carry empty rdata with
// class ANY or NONE whatever the type's layout.
Result<Rdata> read_rdata(WireReader& r, const RRHead& h) {
  if (h.rdlength == 0 && (h.rclass == rrclass::ANY || h.rclass == rrclass::NONE)) return Rdata{};
  size_t start = r.position();
  GITNS_TRY(Rdata rd, rdata_from_wire(h.type, r, h.rdlength));
  if (r.position() != start + h.rdlength) {
    return fail(Errc::bad_rdata, type_to_text(h.type) + " rdata does not fill its RDLENGTH of " +
                                     std::to_string(h.rdlength));
  }
  return rd;
}

base::Status parse_record(WireReader& r, int section, size_t index, uint16_t count, Message& m) {
  GITNS_TRY(Name owner, Name::read(r));
  RRHead h;
  GITNS_CHECK(read_rr_head(r, h));
  if (h.type == rrtype::OPT) {
    GITNS_CHECK(check_opt_placement(section, owner, m.edns.has_value()));
    GITNS_TRY(Edns e, edns_from_opt(h.rclass, h.ttl, r.bytes(h.rdlength)));
    m.edns = std::move(e);
    return {};
  }
  if (h.type == rrtype::TSIG) GITNS_CHECK(check_tsig_placement(section, index, count));
  GITNS_TRY(Rdata rd, read_rdata(r, h));
  std::vector<RR>& out = section == 1 ? m.answer : section == 2 ? m.authority : m.additional;
  out.push_back(RR{owner, h.type, h.rclass, h.ttl, std::move(rd)});
  return {};
}

}  // namespace

Result<Message> parse_message(std::span<const uint8_t> wire) {
  WireReader r(wire);
  Message m;
  if (!read_header(r, m.header)) {
    return fail(Errc::truncated, "message of " + std::to_string(wire.size()) +
                                     " bytes is shorter than the 12-byte header");
  }
  const uint16_t counts[4] = {m.header.qdcount, m.header.ancount, m.header.nscount, m.header.arcount};
  // Every entry takes at least 5 bytes (question) or 11 (record): cap reservations by that.
  m.questions.reserve(std::min<size_t>(counts[0], r.remaining() / 5));
  for (size_t i = 0; i < counts[0]; ++i) {
    if (r.remaining() == 0) return count_short(0, counts[0], i);
    Question q;
    auto name = Name::read(r);
    if (!name) return located(0, i, name.error());
    q.qname = *name;
    q.qtype = r.u16();
    q.qclass = r.u16();
    if (!r.ok()) return located(0, i, {Errc::truncated, "question cut short inside QTYPE/QCLASS"});
    m.questions.push_back(q);
  }
  m.answer.reserve(std::min<size_t>(counts[1], r.remaining() / 11));
  for (int s = 1; s <= 3; ++s) {
    for (size_t i = 0; i < counts[s]; ++i) {
      if (r.remaining() == 0) return count_short(s, counts[s], i);
      auto st = parse_record(r, s, i, counts[s], m);
      if (!st) return located(s, i, st.error());
    }
  }
  if (r.remaining() > 0) {
    return fail(Errc::trailing_data, std::to_string(r.remaining()) +
                                         " bytes after the last record the counts announce");
  }
  return m;
}

// ---- build ----

Bytes build_message(const Message& m, size_t max_size) {
  Bytes out(std::min(max_size, kMaxMessageSize));
  MessageWriter w(out.data(), out.size());
  if (!w.write_header(m.header)) return {};
  w.set_rcode(m.rcode());
  if (m.edns) w.reserve(opt_rr_size(*m.edns));
  bool truncated = false;
  for (const Question& q : m.questions) {
    if (!w.add_question(q.qname, q.qtype, q.qclass)) {
      truncated = true;
      break;
    }
  }
  // A TSIG record signs the whole message, so it stays last, after the OPT record.
  size_t plain_additional = m.additional.size();
  const RR* tsig = nullptr;
  if (plain_additional > 0 && m.additional.back().type == rrtype::TSIG) {
    tsig = &m.additional.back();
    --plain_additional;
  }
  auto add_all = [&](Section s, std::span<const RR> rrs) {
    w.begin_section(s);
    for (const RR& rr : rrs) {
      if (truncated) return;
      if (!w.add_rr(rr)) truncated = true;
    }
  };
  add_all(Section::answer, m.answer);
  add_all(Section::authority, m.authority);
  add_all(Section::additional, std::span<const RR>(m.additional.data(), plain_additional));
  if (m.edns) w.add_opt(*m.edns);
  if (tsig && !truncated && !w.add_rr(*tsig)) truncated = true;
  if (truncated) w.set_tc();
  auto msg = w.finish();
  out.resize(msg.size());
  return out;
}

// ---- text ----

namespace {

void append_rr(std::string& s, const RR& rr) {
  s += rr.owner.to_text();
  s += '\t';
  s += std::to_string(rr.ttl);
  s += '\t';
  s += class_to_text(rr.rclass);
  s += '\t';
  s += type_to_text(rr.type);
  s += '\t';
  s += rdata_to_text(rr.type, rr.rdata);
  s += '\n';
}

void append_section(std::string& s, const char* title, const std::vector<RR>& rrs) {
  if (rrs.empty()) return;
  s += "\n;; ";
  s += title;
  s += " SECTION:\n";
  for (const RR& rr : rrs) append_rr(s, rr);
}

std::string flags_text(const Header& h) {
  std::string f;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!f.empty()) f += ' ';
    f += name;
  };
  add(h.qr, "qr");
  add(h.aa, "aa");
  add(h.tc, "tc");
  add(h.rd, "rd");
  add(h.ra, "ra");
  add(h.z, "z");
  add(h.ad, "ad");
  add(h.cd, "cd");
  return f;
}

}  // namespace

std::string message_to_text(const Message& m) {
  const Header& h = m.header;
  std::string s = ";; ->>HEADER<<- opcode: " + opcode_to_text(h.opcode) +
                  ", status: " + rcode_to_text(m.rcode()) + ", id: " + std::to_string(h.id) + "\n";
  size_t ar = m.additional.size() + (m.edns ? 1 : 0);
  s += ";; flags: " + flags_text(h) + "; QUERY: " + std::to_string(m.questions.size()) +
       ", ANSWER: " + std::to_string(m.answer.size()) + ", AUTHORITY: " +
       std::to_string(m.authority.size()) + ", ADDITIONAL: " + std::to_string(ar) + "\n";
  if (m.edns) {
    const Edns& e = *m.edns;
    s += "\n;; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(e.version) +
         ", flags:" + (e.do_bit ? " do" : "") +
         (e.z ? "; MBZ: " + std::to_string(e.z) : std::string()) + "; udp: " + std::to_string(e.udp_size) + "\n";
    for (const EdnsOption& o : e.options) s += "; " + edns_option_to_text(o) + "\n";
  }
  if (!m.questions.empty()) {
    s += "\n;; QUESTION SECTION:\n";
    for (const Question& q : m.questions) {
      s += ";" + q.qname.to_text() + "\t\t" + class_to_text(q.qclass) + "\t" + type_to_text(q.qtype) + "\n";
    }
  }
  append_section(s, "ANSWER", m.answer);
  append_section(s, "AUTHORITY", m.authority);
  append_section(s, "ADDITIONAL", m.additional);
  return s;
}

// ---- the query fast path ----

namespace {

void set_why(base::Error* why, Errc code, const char* reason) {
  if (why) *why = {code, reason};
}

QueryParseOutcome outcome(QueryParseOutcome o, base::Error* why, Errc code, const char* reason) {
  set_why(why, code, reason);
  return o;
}

QueryParseOutcome outcome(QueryParseOutcome o, base::Error* why, const base::Error& e) {
  if (why) *why = e;
  return o;
}

// Reads the OPT rdata into `out` without allocating; false with `why` on a bad option.
bool read_opt_options(WireReader& r, size_t rdlength, QueryView& out, base::Error* why) {
  size_t end = r.position() + rdlength;
  uint16_t n = 0;
  while (r.position() < end) {
    if (end - r.position() < 4) {
      set_why(why, Errc::malformed, "EDNS option header cut short in the OPT rdata");
      return false;
    }
    uint16_t code = r.u16();
    uint16_t len = r.u16();
    if (len > end - r.position()) {
      set_why(why, Errc::malformed, "EDNS option length runs past the end of the OPT rdata");
      return false;
    }
    size_t data_at = r.position();
    auto data = r.bytes(len);
    if (auto st = validate_edns_option(code, data); !st) {
      if (why) *why = st.error();
      return false;
    }
    ++n;
    switch (code) {
      case edns_option::NSID: out.has_nsid = true; break;
      case edns_option::COOKIE:
        if (!out.has_cookie) {
          out.has_cookie = true;
          out.cookie_offset = data_at;
          out.cookie_len = len;
        }
        break;
      case edns_option::CLIENT_SUBNET: out.has_client_subnet = true; break;
      case edns_option::TCP_KEEPALIVE: out.has_keepalive = true; break;
      case edns_option::PADDING: out.has_padding = true; break;
      default: break;
    }
  }
  out.option_count = n;
  return true;
}

// One record of the answer, authority or additional section; OPT and TSIG checked
// for placement, everything else only for structure.
QueryParseOutcome query_record(WireReader& r, int section, size_t index, uint16_t count,
                               QueryView& out, base::Error* why) {
  const auto formerr = QueryParseOutcome::formerr;
  size_t start = r.position();
  auto owner = Name::read(r);
  if (!owner) return outcome(formerr, why, owner.error());
  RRHead h;
  if (auto st = read_rr_head(r, h); !st) return outcome(formerr, why, st.error());
  if (h.type == rrtype::OPT) {
    if (auto st = check_opt_placement(section, *owner, out.opt_end != 0); !st) {
      return outcome(formerr, why, st.error());
    }
    QueryView opt = out;  // fill a copy so a bad OPT leaves no half-read EDNS state
    if (!read_opt_options(r, h.rdlength, opt, why)) return formerr;
    opt.has_edns = true;
    opt.raw_udp_size = h.rclass;
    opt.udp_size = effective_udp_size(h.rclass);
    opt.ext_rcode = uint8_t(h.ttl >> 24);
    opt.edns_version = uint8_t(h.ttl >> 16);
    opt.do_bit = (h.ttl & 0x8000u) != 0;
    opt.edns_z = uint16_t(h.ttl & 0x7FFFu);
    opt.opt_offset = start;
    opt.opt_end = r.position();
    out = opt;
    return QueryParseOutcome::ok;
  }
  if (h.type == rrtype::TSIG) {
    if (auto st = check_tsig_placement(section, index, count); !st) return outcome(formerr, why, st.error());
    out.has_tsig = true;
    out.tsig_offset = start;
    out.tsig_end = r.position() + h.rdlength;
  }
  r.skip(h.rdlength);  // in bounds: read_rr_head checked RDLENGTH
  return QueryParseOutcome::ok;
}

}  // namespace

QueryParseOutcome parse_query(std::span<const uint8_t> wire, QueryView& out, base::Error* why) {
  out = QueryView{};
  const auto formerr = QueryParseOutcome::formerr;
  WireReader r(wire);
  if (!read_header(r, out.header)) {
    return outcome(QueryParseOutcome::drop, why, Errc::truncated, "message shorter than the 12-byte header");
  }
  const Header& h = out.header;
  if (h.qr) return outcome(QueryParseOutcome::drop, why, Errc::malformed, "QR is set: a response, not a query");
  for (size_t i = 0; i < h.qdcount; ++i) {
    if (r.remaining() == 0) return outcome(formerr, why, Errc::truncated, "QDCOUNT promises more questions than the message holds");
    auto name = Name::read(r);
    if (!name) return outcome(formerr, why, name.error());
    uint16_t qtype = r.u16();
    uint16_t qclass = r.u16();
    if (!r.ok()) return outcome(formerr, why, Errc::truncated, "question cut short inside QTYPE/QCLASS");
    if (i == 0) {
      out.question = {*name, qtype, qclass};
      out.question_end = r.position();
    }
  }
  if (h.qdcount == 0) out.question_end = r.position();
  const uint16_t counts[4] = {h.qdcount, h.ancount, h.nscount, h.arcount};
  for (int s = 1; s <= 3; ++s) {
    if (s == 3) out.additional_offset = r.position();
    for (size_t i = 0; i < counts[s]; ++i) {
      if (r.remaining() == 0) {
        static constexpr const char* short_reason[] = {
            "", "ANCOUNT promises more records than the message holds",
            "NSCOUNT promises more records than the message holds",
            "ARCOUNT promises more records than the message holds"};
        return outcome(formerr, why, Errc::truncated, short_reason[s]);
      }
      if (auto o = query_record(r, s, i, counts[s], out, why); o != QueryParseOutcome::ok) return o;
    }
  }
  if (r.remaining() > 0) {
    return outcome(formerr, why, Errc::trailing_data, "bytes after the last record the counts announce");
  }
  if (h.qdcount != 1) {
    return outcome(formerr, why, Errc::malformed, "a query must have exactly one question (QDCOUNT 1)");
  }
  return QueryParseOutcome::ok;
}

}  // namespace gitns::wire
