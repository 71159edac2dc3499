#include "resolver/zone/zone_check.h"

#include <string>

namespace gitns::zone {

namespace rrtype = wire::rrtype;

namespace {

class Checker {
 public:
  Checker(const Zone& zone, const LocateRRset& locate, std::vector<ZoneIssue>& out)
      : zone_(zone), locate_(locate), out_(out) {}

  void apex() {
    NodeView apex = zone_.apex();
    const std::string origin = zone_.origin().to_text();
    RRsetView soa = apex.find(rrtype::SOA);
    if (soa.empty()) {
      report(Severity::error, {}, 0, "zone " + origin + " has no SOA record at its apex");
    } else if (soa.size() > 1) {
      report(Severity::error, apex, rrtype::SOA,
             "zone " + origin + " has " + std::to_string(soa.size()) +
                 " SOA records at its apex; exactly one is allowed");
    }
    if (apex.find(rrtype::NS).empty()) {
      report(Severity::error, {}, 0, "zone " + origin + " has no NS records at its apex");
    }
  }

  // The owner's text is made only for a message: a clean zone of a million names
  // would otherwise format a million strings.
  void node(const NodeView& n) {
    if (n.is_empty_nonterminal()) return;
    if (!n.is_apex() && !n.find(rrtype::SOA).empty()) {
      report(Severity::error, n, rrtype::SOA,
             "SOA record at " + text(n) + " is not at the zone apex " + zone_.origin().to_text());
    }
    singletons(n);
    occluded(n);
    if (!n.is_nonauth() && (n.is_apex() || n.is_delegation())) name_servers(n);
  }

 private:
  void report(Severity s, const NodeView& n, uint16_t type, std::string message) {
    std::optional<Location> where;
    if (n.valid() && locate_) where = locate_(n, type);
    out_.push_back({s, std::move(where), std::move(message)});
  }

  // CNAME and DNAME: one record per name, and CNAME alone (RFC 1034 3.6.2, RFC 2181
  // 10.1, RFC 6672 2.4); RRSIG and NSEC may sit beside a CNAME (RFC 4035 2.5).
  static std::string text(const NodeView& n) { return n.owner().to_text(); }

  void singletons(const NodeView& n) {
    RRsetView cname = n.find(rrtype::CNAME);
    RRsetView dname = n.find(rrtype::DNAME);
    if (cname.size() > 1) {
      report(Severity::error, n, rrtype::CNAME,
             text(n) + " has " + std::to_string(cname.size()) +
                 " CNAME records; a name can have only one (RFC 2181 10.1)");
    }
    if (dname.size() > 1) {
      report(Severity::error, n, rrtype::DNAME,
             text(n) + " has " + std::to_string(dname.size()) +
                 " DNAME records; a name can have only one (RFC 6672 2.4)");
    }
    if (cname.empty()) return;
    if (!dname.empty()) {
      report(Severity::error, n, rrtype::CNAME,
             text(n) + " has both a CNAME and a DNAME record; they cannot share a name (RFC 6672 2.4)");
    }
    std::string others;
    for (size_t i = 0; i < n.rrset_count(); ++i) {
      uint16_t t = n.rrset(i).type();
      if (t == rrtype::CNAME || t == rrtype::DNAME || t == rrtype::RRSIG || t == rrtype::NSEC) continue;
      if (!others.empty()) others += ", ";
      others += wire::type_to_text(t);
    }
    if (!others.empty()) {
      report(Severity::error, n, rrtype::CNAME,
             "CNAME at " + text(n) + " is beside other data (" + others +
                 "); a CNAME must be the only record at its name (RFC 1034 3.6.2, RFC 2181 10.1)");
    }
  }

  // Data a resolver can never get from this zone: below a cut (other than glue), at a
  // cut (other than the NS, DS and the glue of an NS naming the cut itself), or below
  // a DNAME.
  void occluded(const NodeView& n) {
    if (!n.is_nonauth() && !n.is_delegation() && !n.is_below_dname()) return;
    for (size_t i = 0; i < n.rrset_count(); ++i) {
      uint16_t t = n.rrset(i).type();
      const bool address = t == rrtype::A || t == rrtype::AAAA;
      std::string what = text(n) + " " + wire::type_to_text(t);
      if (n.is_nonauth()) {
        if (address) continue;
        NodeView cut = zone_.enclosing_cut(n.owner());
        report(Severity::warning, n, t,
               what + " is below the delegation at " +
                   (cut ? cut.owner().to_text() : std::string("?")) +
                   " and is not served (occluded; only A/AAAA glue belongs there)");
      } else if (n.is_delegation()) {
        if (address || t == rrtype::NS || t == rrtype::DS || t == rrtype::NSEC ||
            t == rrtype::RRSIG) {
          continue;
        }
        report(Severity::warning, n, t,
               what + " is at the delegation point and is not served (occluded by the NS records)");
      } else if (n.is_below_dname()) {
        report(Severity::warning, n, t,
               what + " is below a DNAME and is not served (occluded, RFC 6672 2.4)");
      }
    }
  }

  // An NS target inside the zone needs an address here: glue when it lies below the
  // delegation it serves, authoritative data when the zone itself answers for it.
  // Targets below some other delegation (sibling glue) are looked up there.
  void name_servers(const NodeView& n) {
    RRsetView ns = n.find(rrtype::NS);
    const wire::Name cut = n.owner();
    for (auto rd : ns) {
      auto target = wire::Name::from_wire(rd);
      if (!target || !target->is_subdomain_of(zone_.origin())) continue;
      const bool below_own_cut = n.is_delegation() && target->is_subdomain_of(cut);
      if (!below_own_cut && zone_.enclosing_cut(*target)) continue;
      NodeView t = zone_.find_node(*target);
      const bool alias = t && !t.find(rrtype::CNAME).empty();
      Additional a;
      if (!alias) a = zone_.additional(*target);
      if (!alias && (!a.a.empty() || !a.aaaa.empty())) continue;  // fine: no text needed
      const std::string owner = text(n);
      const std::string tt = target->to_text();
      if (alias) {
        report(Severity::error, n, rrtype::NS,
               "NS record at " + owner + " names " + tt +
                   ", which is an alias (CNAME); an NS must name a host (RFC 2181 10.3)");
      } else {
        report(Severity::error, n, rrtype::NS,
               below_own_cut
                   ? "NS record at " + owner + " names " + tt +
                         ", which is below the delegation, but there is no A or AAAA glue "
                         "record for " + tt
                   : "NS record at " + owner + " names " + tt +
                         ", which is inside the zone, but " + tt + " has no A or AAAA record");
      }
    }
  }

  const Zone& zone_;
  const LocateRRset& locate_;
  std::vector<ZoneIssue>& out_;
};

}  // namespace

std::vector<ZoneIssue> check_zone(const Zone& zone, const LocateRRset& locate) {
  std::vector<ZoneIssue> out;
  if (zone.node_count() == 0) {
    out.push_back({Severity::error, std::nullopt, "the zone is empty"});
    return out;
  }
  Checker c(zone, locate, out);
  c.apex();
  for (size_t i = 0; i < zone.node_count(); ++i) c.node(zone.node(i));
  return out;
}

}  // namespace gitns::zone
