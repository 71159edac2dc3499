#include "resolver/auth/answer.h"

#include <algorithm>

#include "resolver/wire/edns.h"
#include "resolver/wire/message.h"
#include "resolver/wire/message_writer.h"

namespace gitns::auth {
namespace {

using wire::MessageWriter;
using wire::Name;
using wire::Section;
using zone::LookupResult;
using zone::Outcome;
using zone::RRsetView;

// Space kept free for our OPT record: 11 bytes plus one EDE option (4 + 2 bytes, no
// extra text). Reserved before any record so the OPT always fits.
constexpr size_t kOptReserve = 11 + 6;

struct Ctx {
  const wire::QueryView& q;
  MessageWriter& w;
  const AnswerOptions& options;
  uint16_t rcode = wire::rcode::NOERROR;
  int ede = -1;  // RFC 8914 info code to attach, or -1
};

// Writes an RRset whole or not at all. Owners equal to the query name are written as
// the query name so they compress to the question (case follows the query, RFC 4343).
bool add_rrset(Ctx& c, const RRsetView& rrset) {
  if (rrset.empty()) return true;
  Name owner = rrset.owner();
  const Name& qname = c.q.question.qname;
  const Name& use = owner == qname ? qname : owner;
  auto mark = c.w.mark();
  for (auto rdata : rrset) {
    if (!c.w.add_rr(use, rrset.type(), wire::rrclass::IN, rrset.ttl(), rdata)) {
      c.w.rollback(mark);
      return false;
    }
  }
  return true;
}

// Negative answers carry the SOA with the negative TTL (RFC 2308 section 3 and 5).
bool add_negative_soa(Ctx& c, const LookupResult& r) {
  if (r.soa.empty()) return true;
  RRsetView soa = r.soa;
  auto mark = c.w.mark();
  Name owner = soa.owner();
  for (auto rdata : soa) {
    if (!c.w.add_rr(owner, wire::rrtype::SOA, wire::rrclass::IN, r.negative_ttl, rdata)) {
      c.w.rollback(mark);
      return false;
    }
  }
  return true;
}

// A/AAAA for the targets of NS, MX, SRV, SVCB and HTTPS records in the answer (RFC 1035 3.3.x
// additional section processing). Best effort: what does not fit is left out.
void add_additional_for(Ctx& c, const zone::Zone& z, const RRsetView& rrset) {
  Name target;
  for (auto rdata : rrset) {
    if (!wire::rdata_target(rrset.type(), rdata, target)) continue;
    zone::Additional add = z.additional(target);
    if (!add_rrset(c, add.a)) return;
    if (!add_rrset(c, add.aaaa)) return;
  }
}

void answer_delegation(Ctx& c, const LookupResult& r) {
  c.w.begin_section(Section::authority);
  if (!add_rrset(c, r.ns)) {
    c.w.set_tc();
    return;
  }
  c.w.begin_section(Section::additional);
  // RFC 9471: glue for in-domain name servers is not optional; if none of it fits the
  // referral is truncated. Sibling glue is best effort.
  size_t added = 0;
  for (const RRsetView& g : r.glue()) {
    if (add_rrset(c, g)) {
      ++added;
    } else {
      if (added == 0) c.w.set_tc();
      return;
    }
  }
}

void answer_nxdomain_or_nodata(Ctx& c, const LookupResult& r, bool nxdomain) {
  if (nxdomain) c.rcode = wire::rcode::NXDOMAIN;
  c.w.begin_section(Section::authority);
  if (!add_negative_soa(c, r)) c.w.set_tc();
}

void answer_authoritative(Ctx& c, const zone::Zone& z, const LookupResult& r) {
  // The answer section: the data, or the alias chain followed inside the zone.
  c.w.begin_section(Section::answer);
  for (const zone::AnswerRRset& a : r.answers()) {
    if (!add_rrset(c, a.rrset)) {
      c.w.set_tc();
      return;
    }
  }
  switch (r.end) {
    case Outcome::nxdomain:
      answer_nxdomain_or_nodata(c, r, true);
      return;
    case Outcome::nodata:
      answer_nxdomain_or_nodata(c, r, false);
      return;
    case Outcome::delegation:
      // The chain led below a zone cut: the referral follows the answers (RFC 1034 4.3.2).
      answer_delegation(c, r);
      return;
    case Outcome::yxdomain:
      c.rcode = wire::rcode::YXDOMAIN;
      return;
    default:
      break;
  }
  if (!c.options.additional_addresses) return;
  c.w.begin_section(Section::additional);
  // rdata_target names the types with such targets: NS, MX, SRV, SVCB and HTTPS
  // (RFC 9460 4.1 suggests the target's addresses for the last two).
  for (const zone::AnswerRRset& a : r.answers()) add_additional_for(c, z, a.rrset);
}

void answer_from_zone(Ctx& c, const zone::Zone& z) {
  const wire::Question& question = c.q.question;
  LookupResult r = z.lookup(question.qname, question.qtype);
  c.w.header().aa = r.authoritative();
  if (r.kind == Outcome::delegation) {
    answer_delegation(c, r);
    return;
  }
  answer_authoritative(c, z, r);
}

// Meta types that are never data: transfers come with the XFR issue; the others are
// not questions at all.
bool answer_meta_query(Ctx& c) {
  uint16_t qt = c.q.question.qtype;
  if (qt == wire::rrtype::AXFR || qt == wire::rrtype::IXFR) {
    c.rcode = wire::rcode::REFUSED;
    c.ede = wire::ede::Prohibited;
    return true;
  }
  if (qt == wire::rrtype::OPT || qt == wire::rrtype::TSIG || qt == wire::rrtype::TKEY) {
    c.rcode = wire::rcode::FORMERR;
    return true;
  }
  return false;
}

size_t finish(Ctx& c, AnswerInfo* info) {
  if (c.q.has_edns) {
    wire::Edns e;
    e.udp_size = c.options.max_udp_payload;
    e.do_bit = c.q.do_bit;
    if (c.ede >= 0) e.options.push_back(wire::encode_ede({static_cast<uint16_t>(c.ede), {}}));
    c.w.set_rcode(c.rcode);
    c.w.add_opt(e);
  } else {
    c.w.set_rcode(c.rcode & 0xF);
  }
  if (info) {
    info->rcode = c.rcode;
    info->truncated = c.w.header().tc;
    info->edns = c.q.has_edns;
  }
  return c.w.finish().size();
}

}  // namespace

size_t answer_query(const zone::ZoneSet& zones, std::span<const uint8_t> query,
                    std::span<uint8_t> out, bool tcp, const AnswerOptions& options,
                    AnswerInfo* info) {
  wire::QueryView q;
  wire::QueryParseOutcome parsed = wire::parse_query(query, q);
  if (parsed == wire::QueryParseOutcome::drop || out.size() < 12) {
    if (info) {
      info->dropped = true;
      info->malformed = parsed == wire::QueryParseOutcome::drop;
    }
    return 0;
  }
  if (info) info->qtype = q.question.qtype;

  MessageWriter w(out.data(), out.size());
  size_t limit = tcp ? 65535 : (q.has_edns ? std::min<size_t>(q.udp_size, options.max_udp_payload)
                                           : wire::kMinUdpSize);
  w.set_limit(std::min(limit, out.size()));
  if (q.has_edns) w.reserve(kOptReserve);

  wire::Header h;
  h.id = q.header.id;
  h.qr = true;
  h.opcode = q.header.opcode;
  h.rd = q.header.rd;
  h.cd = q.header.cd;
  w.write_header(h);
  Ctx c{q, w, options};

  if (parsed != wire::QueryParseOutcome::ok) {
    // FORMERR echoes the header only: the question may be what was malformed.
    c.rcode = wire::rcode::FORMERR;
    if (info) info->malformed = true;
    return finish(c, info);
  }
  w.add_question(q.question.qname, q.question.qtype, q.question.qclass);
  if (q.bad_edns_version()) {
    c.rcode = wire::rcode::BADVERS;  // RFC 6891 6.1.3
    return finish(c, info);
  }
  if (q.header.opcode != wire::opcode::QUERY) {
    c.rcode = wire::rcode::NOTIMP;
    return finish(c, info);
  }
  if (q.question.qclass != wire::rrclass::IN && q.question.qclass != wire::rrclass::ANY) {
    c.rcode = wire::rcode::REFUSED;
    c.ede = wire::ede::NotAuthoritative;
    return finish(c, info);
  }
  if (answer_meta_query(c)) return finish(c, info);

  const zone::Zone* z = zones.find(q.question.qname);
  // DS lives on the parent side of a cut (RFC 4035 3.1.4.1): when we also serve the
  // parent, a DS query for a child apex is answered from the parent.
  if (z != nullptr && q.question.qtype == wire::rrtype::DS && !q.question.qname.is_root() &&
      z->origin() == q.question.qname) {
    if (const zone::Zone* parent = zones.find(q.question.qname.parent())) z = parent;
  }
  if (z == nullptr) {
    c.rcode = wire::rcode::REFUSED;
    c.ede = wire::ede::NotAuthoritative;  // as Knot does for names in no zone
    return finish(c, info);
  }
  answer_from_zone(c, *z);
  return finish(c, info);
}

}  // namespace gitns::auth
