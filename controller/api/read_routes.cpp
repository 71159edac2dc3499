// GET routes of API.md "Read" (viewer).
#include <algorithm>
#include <map>

#include "controller/api/api_internal.h"
#include "controller/http/pagination.h"
#include "controller/reconcile/plan_json.h"

namespace gitns::api {

using http::Request;
using http::Response;
using nlohmann::json;

namespace detail {

http::Response needs_repo() {
  return Response::error(503, "not_ready",
                         "gitnsd serves zone files (--zone); this needs gitnsd --repo (a git "
                         "repository of manifests)");
}

std::optional<wire::Name> zone_param(const Request& request) {
  std::string_view text = request.param("zone");
  if (text.empty()) return std::nullopt;
  auto name = reconcile::absolute_name(text);
  if (!name) return std::nullopt;
  return *name;
}

Body optional_object(const Request& request, std::initializer_list<std::string_view> allowed) {
  Body b;
  bool blank = std::all_of(request.body.begin(), request.body.end(),
                           [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank) return b;
  auto parsed = http::parse_json_object(request);
  if (!parsed) {
    b.error = http::error_response(parsed.error());
    return b;
  }
  if (auto ok = http::check_members(*parsed, allowed); !ok) {
    b.error = http::error_response(ok.error());
    return b;
  }
  b.object = std::move(parsed).value();
  return b;
}

json with_continue(json page) {
  if (auto c = page["metadata"].find("continue"); c != page["metadata"].end())
    page["continue"] = *c;
  return page;
}

}  // namespace detail

namespace {

constexpr size_t kDefaultLimit = 500, kMaxLimit = 5000;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A zero-padded number whose byte order is the reverse of its numeric order: keys for
// lists shown newest first.
std::string descending_key(uint64_t n) {
  std::string s = std::to_string(UINT64_MAX - n);
  return std::string(20 - s.size(), '0') + s;
}

std::string file_of(const std::string& location) {
  // "zones/example.com.yaml:4:9" -> "zones/example.com.yaml"
  size_t last = location.rfind(':');
  if (last == std::string::npos) return location;
  size_t prev = location.rfind(':', last - 1);
  if (prev == std::string::npos) return location;
  return location.substr(0, prev);
}

json node_json(const ApiContext& c) {
  auto now = std::chrono::system_clock::now();
  auto started = std::chrono::duration_cast<std::chrono::seconds>(c.started.time_since_epoch());
  return {{"version", c.version},
          {"started", http::rfc3339(started.count())},
          {"uptimeSeconds",
           std::chrono::duration_cast<std::chrono::seconds>(now - c.started).count()},
          {"mode", c.reconciler ? "repo" : "zones"}};
}

struct ZoneItem {
  std::string key;  // Name::lookup_key(): canonical order
  json item;
  const reconcile::ObjectStatus* object = nullptr;
};

std::string zone_state(const reconcile::ObjectStatus* o, bool suspended) {
  if (suspended) return "Suspended";
  if (!o) return "Ready";  // zone-file mode: loaded zones are served
  const reconcile::Condition* ready = reconcile::find_condition(o->conditions, reconcile::kReady);
  return ready && ready->status ? "Ready" : "Stalled";
}

// Served zones (engine) merged with the Zone objects of the status (repository mode),
// which also lists zones not served yet.
std::vector<ZoneItem> zone_items(const ApiContext& c, const reconcile::StatusDocument& doc,
                                 const reconcile::Suspensions& sus) {
  std::map<std::string, ZoneItem> by_key;
  auto served = c.engine->zones();
  for (const auto& z : served->zones()) {
    ZoneItem& it = by_key[z->origin().lookup_key()];
    it.key = z->origin().lookup_key();
    it.item = {{"name", z->origin().to_text()},
               {"serial", z->serial()},
               {"records", z->record_count()}};
  }
  for (const reconcile::ObjectStatus& o : doc.objects) {
    if (o.kind != "Zone") continue;
    auto name = wire::Name::from_text(o.name);
    if (!name) continue;
    ZoneItem& it = by_key[name->lookup_key()];
    if (it.key.empty()) {
      it.key = name->lookup_key();
      it.item = {{"name", o.name}, {"serial", nullptr}, {"records", nullptr}};
    }
    it.object = &o;
  }
  std::vector<ZoneItem> out;
  for (auto& [key, it] : by_key) {
    bool suspended = sus.objects.count("Zone/" + lower(it.item["name"].get<std::string>())) > 0;
    it.item["state"] = zone_state(it.object, suspended);
    it.item["suspended"] = suspended;
    it.item["file"] = it.object ? file_of(it.object->location) : "";
    it.item["lastChangedRevision"] = it.object ? it.object->last_changed_revision : "";
    out.push_back(std::move(it));
  }
  return out;
}

reconcile::StatusDocument status_of(const ApiContext& c) {
  return c.reconciler ? c.reconciler->status() : reconcile::StatusDocument{};
}
reconcile::Suspensions suspensions_of(const ApiContext& c) {
  return c.reconciler ? c.reconciler->suspensions() : reconcile::Suspensions{};
}

Response status_route(const ApiContext& c, const Request&) {
  json body;
  if (c.reconciler) {
    body = c.reconciler->status().to_json();
  } else {
    json items = json::array();
    for (ZoneItem& z : zone_items(c, {}, {})) items.push_back(z.item);
    body = {{"source", nullptr}, {"objects", json::array()}, {"history", json::array()},
            {"zones", items}};
  }
  body["node"] = node_json(c);
  return Response::json(body);
}

Response history_route(const ApiContext& c, const Request& r) {
  if (!c.reconciler) return detail::needs_repo();
  auto page = http::parse_page_request(r, kDefaultLimit, kMaxLimit);
  if (!page) return http::error_response(page.error());
  auto records = c.reconciler->history_records();
  if (!records) return http::error_response(records.error());
  std::vector<std::pair<std::string, json>> items;
  for (const auto& h : *records) items.emplace_back(descending_key(h.seq), record_json(h.record));
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return Response::json(detail::with_continue(http::paginate(
      items, [](const auto& i) -> const std::string& { return i.first; },
      [](const auto& i) { return i.second; }, *page)));
}

Response revisions_route(const ApiContext& c, const Request& r) {
  if (!c.reconciler) return detail::needs_repo();
  auto page = http::parse_page_request(r, kDefaultLimit, kMaxLimit);
  if (!page) return http::error_response(page.error());
  auto revs = c.reconciler->applied_revisions();
  if (!revs) return http::error_response(revs.error());
  // When each generation was applied: its history entry (the newest with that revision).
  std::map<std::string, std::string> applied_at;
  if (auto records = c.reconciler->history_records()) {
    for (auto it = records->rbegin(); it != records->rend(); ++it) {
      if (it->record.result == reconcile::ReconcileResult::applied)
        applied_at[it->record.revision] = it->record.started;
    }
  }
  std::string current = c.reconciler->status().source.last_applied_revision;
  std::vector<std::pair<std::string, json>> items;
  for (size_t i = 0; i < revs->size(); ++i) {
    const store::AppliedRevision& rev = (*revs)[i];
    auto at = applied_at.find(rev.revision);
    items.emplace_back(descending_key(rev.generation),
                       json{{"generation", rev.generation},
                            {"revision", rev.revision},
                            {"applied", at == applied_at.end() ? json(nullptr) : json(at->second)},
                            {"current", i == 0 && rev.revision == current}});
  }
  return Response::json(detail::with_continue(http::paginate(
      items, [](const auto& i) -> const std::string& { return i.first; },
      [](const auto& i) { return i.second; }, *page)));
}

Response plan_route(const ApiContext& c, const Request&) {
  if (!c.reconciler) return detail::needs_repo();
  json plan = c.reconciler->last_plan();
  if (plan.is_null())
    return Response::error(404, "no_plan", "no reconcile has made a plan yet since gitnsd started");
  return Response::json(plan);
}

Response zones_route(const ApiContext& c, const Request& r) {
  auto page = http::parse_page_request(r, kDefaultLimit, kMaxLimit);
  if (!page) return http::error_response(page.error());
  reconcile::StatusDocument doc = status_of(c);
  std::vector<ZoneItem> items = zone_items(c, doc, suspensions_of(c));
  return Response::json(detail::with_continue(http::paginate(
      items, [](const ZoneItem& z) -> const std::string& { return z.key; },
      [](const ZoneItem& z) { return z.item; }, *page)));
}

Response unknown_zone(std::string_view text) {
  return Response::error(404, "not_found",
                         "zone " + std::string(text) +
                             " is not served here (GET /api/v1/zones lists the zones)");
}

Response zone_route(const ApiContext& c, const Request& r) {
  auto name = detail::zone_param(r);
  if (!name) return Response::bad_request("the zone in the path is not a domain name");
  reconcile::StatusDocument doc = status_of(c);
  for (ZoneItem& z : zone_items(c, doc, suspensions_of(c))) {
    if (z.key != name->lookup_key()) continue;
    json item = z.item;
    item["conditions"] = json::array();
    item["lastError"] = "";
    item["location"] = "";
    if (z.object) {
      json full = reconcile::StatusDocument{{}, {*z.object}, {}}.to_json()["objects"][0];
      item["conditions"] = full["conditions"];
      item["lastError"] = z.object->last_error;
      item["location"] = z.object->location;
      item["lastAppliedRevision"] = z.object->last_applied_revision;
    }
    return Response::json(item);
  }
  return unknown_zone(r.param("zone"));
}

std::string record_key(const wire::RR& rr, uint32_t index) {
  std::string k = rr.owner.lookup_key();
  k.push_back('\0');  // below every label byte: a parent's records sort before its children
  // Types in numeric order, but the SOA first (as zone files and AXFR show it).
  uint16_t order = rr.type == wire::rrtype::SOA ? 0 : rr.type;
  for (int shift : {8, 0}) k.push_back(static_cast<char>((order >> shift) & 0xff));
  for (int shift : {24, 16, 8, 0}) k.push_back(static_cast<char>((index >> shift) & 0xff));
  return k;
}

struct RecordFilter {
  std::optional<wire::Name> exact;
  std::optional<wire::Name> below;  // "*.example.com": names under it
  std::optional<uint16_t> type;
  bool matches(const wire::RR& rr) const {
    if (type && rr.type != *type) return false;
    if (exact && !(rr.owner == *exact)) return false;
    if (below && (!rr.owner.is_subdomain_of(*below) || rr.owner == *below)) return false;
    return true;
  }
};

base::Result<RecordFilter> record_filter(const Request& r, const wire::Name& origin) {
  RecordFilter f;
  if (auto n = r.query_param("name"); n && !n->empty()) {
    bool suffix = n->starts_with("*.");
    std::string_view text = suffix ? n->substr(2) : *n;
    // Absolute (with or without the final dot) when it ends in the zone; else relative.
    auto name = reconcile::absolute_name(text);
    if (!name || !name->is_subdomain_of(origin)) name = wire::Name::from_text(text, &origin);
    if (!name)
      return base::fail(base::Errc::syntax,
                        "name \"" + std::string(*n) +
                            "\": expected an owner name (relative to the zone or absolute) or "
                            "*.suffix");
    (suffix ? f.below : f.exact) = *name;
  }
  if (auto t = r.query_param("type"); t && !t->empty()) {
    auto type = wire::type_from_text(*t);
    if (!type)
      return base::fail(base::Errc::syntax,
                        "type \"" + std::string(*t) + "\": expected a record type such as A or MX");
    f.type = *type;
  }
  return f;
}

Response records_route(const ApiContext& c, const Request& r) {
  auto name = detail::zone_param(r);
  if (!name) return Response::bad_request("the zone in the path is not a domain name");
  auto zone = c.engine->zones()->get(*name);
  if (!zone) return unknown_zone(r.param("zone"));
  auto page = http::parse_page_request(r, kDefaultLimit, kMaxLimit);
  if (!page) return http::error_response(page.error());
  auto filter = record_filter(r, zone->origin());
  if (!filter) return http::error_response(filter.error());
  std::vector<std::pair<std::string, wire::RR>> items;
  std::map<std::pair<std::string, uint16_t>, uint32_t> seen;
  for (wire::RR& rr : zone->records()) {
    uint32_t index = seen[{rr.owner.lookup_key(), rr.type}]++;
    if (filter->matches(rr)) items.emplace_back(record_key(rr, index), std::move(rr));
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json body = detail::with_continue(http::paginate(
      items, [](const auto& i) -> const std::string& { return i.first; },
      [](const auto& i) { return reconcile::rr_to_json(i.second); }, *page));
  body["zone"] = zone->origin().to_text();
  body["serial"] = zone->serial();
  return Response::json(body);
}

}  // namespace

json record_json(const reconcile::ReconcileRecord& record) {
  json j = record.to_json();
  j["zonesCreated"] = record.zones_created;
  j["zonesUpdated"] = record.zones_updated;
  j["zonesDeleted"] = record.zones_deleted;
  return j;
}

base::Status add_read_routes(http::Router& router, const ApiContext& c) {
  using Fn = Response (*)(const ApiContext&, const Request&);
  const std::pair<const char*, Fn> routes[] = {
      {"/api/v1/status", status_route},
      {"/api/v1/history", history_route},
      {"/api/v1/revisions", revisions_route},
      {"/api/v1/plan", plan_route},
      {"/api/v1/zones", zones_route},
      {"/api/v1/zones/{zone}", zone_route},
      {"/api/v1/zones/{zone}/records", records_route},
  };
  for (const auto& [path, fn] : routes) {
    GITNS_CHECK(router.add("GET", path, http::Role::viewer,
                           [c, fn = fn](const Request& r) { return fn(c, r); }));
  }
  return {};
}

base::Status add_api_routes(http::Router& router, const ApiContext& context) {
  GITNS_CHECK(add_read_routes(router, context));
  GITNS_CHECK(add_revision_plan_route(router, context));
  return add_control_routes(router, context);
}

}  // namespace gitns::api
