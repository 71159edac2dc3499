#include "controller/api/query_tool.h"

#include <netinet/in.h>

#include <random>
#include <vector>

#include "controller/reconcile/plan_json.h"
#include "resolver/wire/message.h"

namespace gitns::api {

namespace {

nlohmann::json section(const std::vector<wire::RR>& rrs) {
  nlohmann::json out = nlohmann::json::array();
  for (const wire::RR& rr : rrs) out.push_back(reconcile::rr_to_json(rr));
  return out;
}

nlohmann::json flags(const wire::Header& h) {
  nlohmann::json out = nlohmann::json::array();
  for (auto [on, name] : {std::pair{h.qr, "qr"}, {h.aa, "aa"}, {h.tc, "tc"}, {h.rd, "rd"},
                          {h.ra, "ra"}, {h.ad, "ad"}, {h.cd, "cd"}}) {
    if (on) out.push_back(name);
  }
  return out;
}

nlohmann::json extended_errors(const std::optional<wire::Edns>& edns) {
  nlohmann::json out = nlohmann::json::array();
  if (!edns) return out;
  for (const wire::EdnsOption& o : edns->options) {
    if (o.code != wire::edns_option::EDE) continue;
    auto e = wire::decode_ede(o);
    if (!e) continue;
    out.push_back({{"code", e->info_code},
                   {"name", std::string(wire::ede_name(e->info_code))},
                   {"text", e->extra_text}});
  }
  return out;
}

uint16_t random_id() {
  static thread_local std::mt19937 rng(std::random_device{}());
  return static_cast<uint16_t>(rng());
}

}  // namespace

base::Result<nlohmann::json> ask_engine(const engine::Engine& engine, const QueryRequest& req) {
  auto name = reconcile::absolute_name(req.name);
  if (req.name.empty() || !name)
    return base::fail(base::Errc::syntax, "name \"" + req.name + "\": expected a domain name");
  auto type = wire::type_from_text(req.type);
  if (!type)
    return base::fail(base::Errc::syntax,
                      "type \"" + req.type + "\": expected a record type such as A, AAAA, MX");
  if (wire::is_meta_type(*type) && *type != wire::rrtype::ANY)
    return base::fail(base::Errc::syntax, "type " + req.type +
                                              " cannot be asked with the query tool (transfers "
                                              "and meta types are refused); use ANY or a data type");

  wire::Message q;
  q.header.id = random_id();
  q.questions.push_back({*name, *type, wire::rrclass::IN});
  wire::Edns edns;
  edns.udp_size = 1232;
  edns.do_bit = req.dnssec;
  q.edns = edns;
  wire::Bytes query = wire::build_message(q);

  server::QueryContext ctx;
  ctx.transport = req.tcp ? server::Transport::tcp : server::Transport::udp;
  ctx.max_response = req.tcp ? wire::kMaxMessageSize : 1232;
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ctx.peer = reinterpret_cast<const sockaddr*>(&peer);
  ctx.peer_len = sizeof peer;
  std::vector<uint8_t> out(ctx.max_response);
  size_t n = engine.handler()(query, out, ctx);
  if (n == 0) return base::fail(base::Errc::io, "the engine dropped the query (no answer)");
  auto answer = wire::parse_message(std::span<const uint8_t>(out.data(), n));
  if (!answer)
    return base::fail(base::Errc::io, "the engine's answer does not parse: " +
                                          answer.error().to_string());
  return nlohmann::json{
      {"question", {{"name", name->to_text()}, {"type", wire::type_to_text(*type)}}},
      {"transport", req.tcp ? "tcp" : "udp"},
      {"rcode", wire::rcode_to_text(answer->rcode())},
      {"flags", flags(answer->header)},
      {"answer", section(answer->answer)},
      {"authority", section(answer->authority)},
      {"additional", section(answer->additional)},
      {"ede", extended_errors(answer->edns)},
      {"sizeBytes", n}};
}

}  // namespace gitns::api
