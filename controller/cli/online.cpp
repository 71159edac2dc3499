#include "controller/cli/online.h"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>

#include "controller/cli/plan_render.h"
#include "controller/cli/table.h"
#include "controller/cli/workspace.h"
#include "controller/git/tree_path.h"
#include "controller/reconcile/revision_plan.h"

namespace gitns::cli {
namespace {

using nlohmann::json;

constexpr int kOk = 0;
constexpr int kFail = 1;

ArgSpec with_globals(ArgSpec spec) {
  for (const char* f : {"--context", "--server", "--token", "--ca-file"}) spec.values.insert(f);
  spec.switches.insert("--insecure-skip-tls-verify");
  return spec;
}

int fail(Io& io, const std::string& verb, const std::string& message) {
  io.err << "error: " << (verb.empty() ? "" : verb + ": ") << message << "\n";
  return kFail;
}

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number member, also from a nested object (history records: zones.created or zonesCreated).
std::string num(const json& j, const char* outer, const char* inner, const char* flat) {
  if (!j.is_object()) return "0";
  if (auto o = j.find(outer); o != j.end() && o->is_object())
    if (auto v = o->find(inner); v != o->end() && v->is_number()) return v->dump();
  if (auto v = j.find(flat); v != j.end() && v->is_number()) return v->dump();
  return "0";
}

std::string short_rev(const std::string& r) { return r.empty() ? "<none>" : r.substr(0, 12); }

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '*') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const json* condition(const json& obj, const std::string& type) {
  if (!obj.contains("conditions") || !obj["conditions"].is_array()) return nullptr;
  for (const auto& c : obj["conditions"])
    if (str(c, "type") == type) return &c;
  return nullptr;
}

std::string cond_status(const json* c) {
  if (!c) return "Unknown";
  const json& s = (*c)["status"];
  if (s.is_boolean()) return s.get<bool>() ? "True" : "False";
  return s.is_string() ? s.get<std::string>() : "Unknown";
}

// -o: "" (table), wide, json, yaml.
base::Result<std::string> output_format(const Args& a) {
  std::string o = a.get_or("--output", "");
  if (o.empty() || o == "wide" || o == "json" || o == "yaml") return o;
  return base::fail(base::Errc::syntax, "-o must be wide, json or yaml, got '" + o + "'");
}

bool print_structured(const std::string& format, const json& value, std::ostream& out) {
  if (format == "json") {
    out << value.dump(2) << "\n";
    return true;
  }
  if (format == "yaml") {
    out << to_yaml(value);
    return true;
  }
  return false;
}

std::string read_secret_line(Io& io, const std::string& prompt, bool from_stdin) {
  std::string line;
  if (from_stdin) {
    std::getline(io.in, line);
  } else if (::isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios old {};
    bool have = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (have) {
      termios quiet = old;
      quiet.c_lflag &= ~tcflag_t(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::getline(std::cin, line);
    if (have) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

std::string context_name_for(const std::string& server) {
  std::string s = server;
  if (auto p = s.find("://"); p != std::string::npos) s = s.substr(p + 3);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s.empty() ? "default" : s;
}

void apply_tls(http::ClientOptions& o, const Args& a, const Context* c) {
  if (c) {
    o.tls.ca_file = c->ca_file;
    o.tls.pinned_sha256 = c->pinned_sha256;
    o.tls.insecure_skip_verify = c->insecure_skip_verify;
  }
  if (auto ca = a.get("--ca-file")) o.tls.ca_file = *ca;
  if (a.has("--insecure-skip-tls-verify")) o.tls.insecure_skip_verify = true;
}

}  // namespace

std::string object_ref(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return "Zone/" + text;
  std::string kind = text.substr(0, slash);
  std::string lower;
  for (char c : kind) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "zone" || lower == "zones") kind = "Zone";
  return kind + text.substr(slash);
}

base::Result<Session> open_session(const Args& a) {
  Session s;
  GITNS_TRY(std::string path, config_path());
  GITNS_TRY(Config cfg, load_config(path));
  std::string name = a.get_or("--context", cfg.current);
  const Context* ctx = name.empty() ? nullptr : cfg.find(name);
  if (a.has("--context") && !ctx)
    return base::fail(base::Errc::not_found, "no context named '" + name + "' in " + path +
                                                 " (gitnsctl config get-contexts lists them)");
  http::ClientOptions o;
  o.base_url = a.get_or("--server", ctx ? ctx->server : "");
  if (o.base_url.empty())
    return base::fail(base::Errc::not_found, "no context: run gitnsctl login --server URL");
  while (o.base_url.size() > 1 && o.base_url.back() == '/') o.base_url.pop_back();
  // A context's token belongs to its server only.
  bool same_server = ctx && (!a.has("--server") || ctx->server == o.base_url);
  o.token = a.get_or("--token", "");
  if (o.token.empty())
    if (const char* t = std::getenv("GITNS_TOKEN"); t && *t) o.token = t;
  if (o.token.empty() && same_server) o.token = ctx->token;
  apply_tls(o, a, same_server ? ctx : nullptr);
  s.client = http::Client(o);
  s.context = same_server ? ctx->name : "";
  s.server = o.base_url;
  return s;
}

base::Result<json> api_call(Session& s, const std::string& method, const std::string& path,
                            const json* body) {
  http::ClientRequest req;
  req.method = method;
  req.path = path;
  if (body) req.body = body->dump();
  auto r = s.client.send(req);
  if (!r)
    return base::fail(r.error().code, "cannot reach " + s.server + ": " + r.error().message +
                                          " (is gitnsd running with --http? is the URL right?)");
  if (r->status == 401)
    return base::fail(base::Errc::io, s.server + " refused the credentials (401: " + r->error_message() +
                                          "): run gitnsctl login --server " + s.server);
  if (r->status == 403)
    return base::fail(base::Errc::io, "not allowed (403: " + r->error_message() +
                                          "): this needs a user with a higher role (operator or admin)");
  if (r->status < 200 || r->status >= 300)
    return base::fail(base::Errc::io, method + " " + path + ": " + std::to_string(r->status) + ": " +
                                          r->error_message());
  if (r->body.empty()) return json::object();
  auto j = r->json();
  if (!j)
    return base::fail(base::Errc::syntax, method + " " + path + ": the answer is not JSON (" +
                                              s.server + " may not be gitnsd)");
  return std::move(j).value();
}

base::Result<json> api_list(Session& s, const std::string& path) {
  json items = json::array();
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    std::string p = path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=5000";
    if (!token.empty()) p += "&continue=" + url_encode(token);
    GITNS_TRY(json j, api_call(s, "GET", p));
    if (j.contains("items") && j["items"].is_array())
      for (auto& i : j["items"]) items.push_back(std::move(i));
    token = str(j, "continue");
    if (token.empty() && j.contains("metadata")) token = str(j["metadata"], "continue");
    if (token.empty()) return items;
  }
  return base::fail(base::Errc::limit, "GET " + path + ": too many pages");
}

// ---- tables ------------------------------------------------------------------------

void print_zones(const json& zones, const json& revisions, bool wide, int64_t now, std::ostream& out) {
  std::map<std::string, json> applied;
  for (const auto& r : revisions)
    if (!str(r, "revision").empty() && !applied.count(str(r, "revision")))
      applied[str(r, "revision")] = r.value("applied", json());
  std::vector<std::string> head = {"NAME", "SERIAL", "RECORDS", "STATE", "AGE"};
  if (wide) head.insert(head.end(), {"REVISION", "FILE"});
  Table t(head);
  for (const auto& z : zones) {
    auto at = applied.find(str(z, "lastChangedRevision"));
    std::vector<std::string> row = {cell(z.value("name", json())), cell(z.value("serial", json())),
                                    cell(z.value("records", json())), cell(z.value("state", json())),
                                    at == applied.end() ? "<unknown>" : age(at->second, now)};
    if (wide) row.insert(row.end(), {short_rev(str(z, "lastChangedRevision")), cell(z.value("file", json()))});
    t.add(std::move(row));
  }
  t.print(out);
}

void print_objects(const json& status, bool wide, int64_t now, std::ostream& out) {
  std::vector<std::string> head = {"KIND", "NAME", "READY", "REASON", "AGE"};
  if (wide) head.insert(head.end(), {"SERIAL", "RECORDS", "LOCATION", "MESSAGE"});
  Table t(head);
  const json& objects = status.contains("objects") ? status["objects"] : json::array();
  for (const auto& o : objects) {
    const json* ready = condition(o, "Ready");
    std::vector<std::string> row = {str(o, "kind"), str(o, "name"), cond_status(ready),
                                    ready ? str(*ready, "reason") : "<none>",
                                    ready ? age((*ready).value("lastTransitionTime", json()), now) : "<unknown>"};
    if (wide) {
      row.push_back(cell(o.value("servedSerial", json())));
      row.push_back(cell(o.value("recordCount", json())));
      row.push_back(cell(o.value("location", json())));
      row.push_back(ready ? cell((*ready).value("message", json())) : "<none>");
    }
    t.add(std::move(row));
  }
  t.print(out);
}

void print_revisions(const json& items, bool wide, int64_t now, std::ostream& out) {
  std::vector<std::string> head = {"GENERATION", "REVISION", "CURRENT", "AGE"};
  if (wide) head.push_back("APPLIED");
  Table t(head);
  for (const auto& r : items) {
    bool current = r.value("current", false);
    std::vector<std::string> row = {cell(r.value("generation", json())), short_rev(str(r, "revision")),
                                    current ? "*" : "", age(r.value("applied", json()), now)};
    if (wide) row.push_back(cell(r.value("applied", json())));
    t.add(std::move(row));
  }
  t.print(out);
}

void print_history(const json& items, bool wide, int64_t now, std::ostream& out) {
  std::vector<std::string> head = {"ID", "REVISION", "TRIGGER", "RESULT", "ZONES(+/~/-)",
                                   "RECORDS(+/-/~)", "DURATION", "AGE"};
  if (wide) head.push_back("MESSAGE");
  Table t(head);
  for (const auto& r : items) {
    std::string zones = num(r, "zones", "created", "zonesCreated") + "/" +
                        num(r, "zones", "updated", "zonesUpdated") + "/" +
                        num(r, "zones", "deleted", "zonesDeleted");
    std::string recs = num(r, "records", "added", "recordsAdded") + "/" +
                       num(r, "records", "removed", "recordsRemoved") + "/" +
                       num(r, "records", "changed", "recordsChanged");
    std::vector<std::string> row = {str(r, "id"), short_rev(str(r, "revision")), str(r, "trigger"),
                                    str(r, "result"), zones, recs,
                                    r.contains("durationMs") ? r["durationMs"].dump() + "ms" : "<none>",
                                    age(r.value("started", json()), now)};
    if (wide) row.push_back(str(r, "message"));
    t.add(std::move(row));
  }
  t.print(out);
}

void print_records(const json& items, std::ostream& out) {
  Table t({"NAME", "TTL", "TYPE", "DATA"});
  for (const auto& r : items)
    t.add({str(r, "name"), cell(r.value("ttl", json())), str(r, "type"), str(r, "data")});
  t.print(out);
}

void print_zone_description(const json& z, int64_t now, std::ostream& out) {
  auto line = [&](const char* k, const std::string& v) {
    out << k << std::string(k[0] ? 22 - std::string(k).size() : 0, ' ') << v << "\n";
  };
  line("Name:", cell(z.value("name", json())));
  line("State:", cell(z.value("state", json())));
  line("Suspended:", z.value("suspended", false) ? "true" : "false");
  line("Serial:", cell(z.value("serial", json())));
  line("Records:", cell(z.value("records", json())));
  line("Manifest:", cell(z.contains("location") && !str(z, "location").empty() ? z["location"] : z.value("file", json())));
  line("Last Changed:", cell(z.value("lastChangedRevision", json())));
  if (z.contains("lastAppliedRevision")) line("Last Applied:", cell(z["lastAppliedRevision"]));
  line("Last Error:", cell(z.value("lastError", json())));
  out << "Conditions:\n";
  Table t({"TYPE", "STATUS", "REASON", "AGE", "MESSAGE"});
  if (z.contains("conditions") && z["conditions"].is_array())
    for (const auto& c : z["conditions"])
      t.add({str(c, "type"), cond_status(&c), str(c, "reason"), age(c.value("lastTransitionTime", json()), now),
             str(c, "message")});
  if (t.size() == 0)
    out << "  <none>\n";
  else
    t.print(out, "  ");
}

void print_query_answer(const json& a, std::ostream& out) {
  std::string flags;
  if (a.contains("flags") && a["flags"].is_array())
    for (const auto& f : a["flags"]) flags += (flags.empty() ? "" : " ") + cell(f);
  out << ";; rcode: " << str(a, "rcode") << ", flags: " << flags;
  if (a.contains("sizeBytes")) out << ", size: " << a["sizeBytes"].dump() << " bytes";
  if (!str(a, "transport").empty()) out << ", over " << str(a, "transport");
  out << "\n";
  for (const char* section : {"answer", "authority", "additional"}) {
    if (!a.contains(section) || !a[section].is_array() || a[section].empty()) continue;
    std::string upper;
    for (const char* c = section; *c; ++c) upper.push_back(static_cast<char>(std::toupper(*c)));
    out << "\n;; " << upper << " SECTION:\n";
    for (const auto& rr : a[section])
      out << str(rr, "name") << "\t" << cell(rr.value("ttl", json())) << "\tIN\t" << str(rr, "type") << "\t"
          << str(rr, "data") << "\n";
  }
  if (a.contains("ede") && a["ede"].is_array())
    for (const auto& e : a["ede"])
      out << ";; EDE: " << cell(e.value("code", json())) << " (" << cell(e.value("name", json())) << ")"
          << (str(e, "text").empty() ? "" : ": " + str(e, "text")) << "\n";
}

// ---- verbs -------------------------------------------------------------------------

int cmd_login(std::span<const std::string> argv, Io& io) {
  ArgSpec spec = with_globals({{"--username", "--totp", "--pin-sha256"}, {"--password-stdin"}, {}, 0});
  spec.aliases["-u"] = "--username";
  auto a = parse_args(argv, spec);
  if (!a) return fail(io, "login", a.error().message);
  auto path = config_path();
  if (!path) return fail(io, "login", path.error().message);
  std::string warning;
  auto cfg = load_config(*path, &warning);
  if (!cfg) return fail(io, "login", cfg.error().message);
  const Context* current = cfg->find(a->get_or("--context", cfg->current));
  std::string server = a->get_or("--server", current ? current->server : "");
  if (server.empty()) return fail(io, "login", "which server? run gitnsctl login --server URL");
  while (server.size() > 1 && server.back() == '/') server.pop_back();
  std::string user = a->get_or("--username", current && current->server == server ? current->user : "admin");
  if (user.empty()) user = "admin";
  std::string password;
  if (a->has("--password-stdin")) {
    password = read_secret_line(io, "", true);
  } else if (const char* p = std::getenv("GITNS_PASSWORD"); p && *p) {
    password = p;
  } else {
    password = read_secret_line(io, "Password for " + user + "@" + server + ": ", false);
  }
  if (password.empty())
    return fail(io, "login", "no password: pipe it with --password-stdin or set GITNS_PASSWORD");

  Context ctx;
  ctx.name = a->get_or("--context", context_name_for(server));
  ctx.server = server;
  ctx.user = user;
  ctx.ca_file = a->get_or("--ca-file", "");
  ctx.pinned_sha256 = a->get_or("--pin-sha256", "");
  ctx.insecure_skip_verify = a->has("--insecure-skip-tls-verify");
  http::ClientOptions o;
  o.base_url = server;
  o.tls = {ctx.pinned_sha256, ctx.ca_file, ctx.insecure_skip_verify};
  Session s;
  s.client = http::Client(o);
  s.server = server;
  json body{{"username", user}, {"password", password}};
  if (auto totp = a->get("--totp")) body["totp"] = *totp;
  http::ClientRequest req;
  req.method = "POST";
  req.path = "/api/v1/login";
  req.body = body.dump();
  auto r = s.client.send(req);
  if (!r) return fail(io, "login", "cannot reach " + server + ": " + r.error().message);
  if (r->status == 401) {
    auto j = r->json();
    std::string code = j && j->contains("error") ? str((*j)["error"], "code") : "";
    if (code == "totp_required")
      return fail(io, "login", user + " has two-factor authentication: add --totp CODE (from the authenticator app)");
    return fail(io, "login", "the server refused the login (401: " + r->error_message() + ")");
  }
  if (r->status == 429) return fail(io, "login", "too many attempts (429): wait a minute and try again");
  if (r->status != 200) return fail(io, "login", "POST /api/v1/login: " + std::to_string(r->status) + ": " + r->error_message());
  auto j = r->json();
  if (!j || str(*j, "token").empty()) return fail(io, "login", "the answer has no token (is " + server + " gitnsd?)");
  ctx.token = str(*j, "token");
  ctx.expires_at = str(*j, "expiresAt");
  std::string role = j->contains("user") ? str((*j)["user"], "role") : "";
  cfg->upsert(ctx);
  cfg->current = ctx.name;
  if (auto saved = save_config(*path, *cfg); !saved) return fail(io, "login", saved.error().message);
  io.out << "Logged in to " << server << " as " << user << (role.empty() ? "" : " (" + role + ")")
         << "; context \"" << ctx.name << "\" saved in " << *path
         << (ctx.expires_at.empty() ? "" : ", the session ends " + ctx.expires_at) << "\n";
  return kOk;
}

int cmd_config(std::span<const std::string> argv, Io& io) {
  constexpr const char* synopsis =
      "gitnsctl config get-contexts | current-context | use-context NAME | delete-context NAME | view";
  ArgSpec spec{{}, {}, {}, 2};
  auto a = parse_args(argv, spec);
  if (!a || a->positional.empty()) return fail(io, "config", std::string(a ? "which action?" : a.error().message) + "\nusage: " + synopsis);
  auto path = config_path();
  if (!path) return fail(io, "config", path.error().message);
  auto cfg = load_config(*path);
  if (!cfg) return fail(io, "config", cfg.error().message);
  const std::string& action = a->positional[0];
  std::string arg = a->positional.size() > 1 ? a->positional[1] : "";
  if (action == "get-contexts") {
    Table t({"CURRENT", "NAME", "SERVER", "USER"});
    for (const Context& c : cfg->contexts) t.add({c.name == cfg->current ? "*" : "", c.name, c.server, c.user});
    t.print(io.out);
    return kOk;
  }
  if (action == "current-context") {
    if (cfg->current.empty()) return fail(io, "config", "no current context: run gitnsctl login --server URL");
    io.out << cfg->current << "\n";
    return kOk;
  }
  if (action == "view") {
    json j = cfg->to_json();
    for (auto& c : j["contexts"]) c["token"] = c["token"].get<std::string>().empty() ? "" : "REDACTED";
    io.out << j.dump(2) << "\n";
    return kOk;
  }
  if (action == "use-context" || action == "delete-context") {
    if (arg.empty()) return fail(io, "config", action + " needs a context name");
    if (!cfg->find(arg))
      return fail(io, "config", "no context named '" + arg + "' (gitnsctl config get-contexts lists them)");
    if (action == "use-context")
      cfg->current = arg;
    else
      cfg->remove(arg);
    if (auto s = save_config(*path, *cfg); !s) return fail(io, "config", s.error().message);
    io.out << (action == "use-context" ? "Switched to context \"" : "Deleted context \"") << arg << "\".\n";
    return kOk;
  }
  return fail(io, "config", "unknown action '" + action + "'\nusage: " + synopsis);
}

int cmd_logout(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{}, {}, {}, 0}));
  if (!a) return fail(io, "logout", a.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "logout", s.error().message);
  auto r = api_call(*s, "POST", "/api/v1/logout");  // best effort: the session may be gone
  auto path = config_path();
  auto cfg = path ? load_config(*path) : base::Result<Config>(base::fail(base::Errc::io, ""));
  if (cfg && !s->context.empty()) {
    for (Context& c : cfg->contexts)
      if (c.name == s->context) c.token.clear();
    (void)save_config(*path, *cfg);
  }
  io.out << "Logged out of " << s->server << (r ? "" : " (the server said: " + r.error().message + ")") << "\n";
  return kOk;
}

namespace {

int get_zones(Session& s, const Args& a, const std::string& fmt, Io& io) {
  json items;
  if (a.positional.size() > 1) {
    auto one = api_call(s, "GET", "/api/v1/zones/" + url_encode(a.positional[1]));
    if (!one) return fail(io, "get zones", one.error().message);
    items = json::array({*one});
  } else {
    auto list = api_list(s, "/api/v1/zones");
    if (!list) return fail(io, "get zones", list.error().message);
    items = std::move(list).value();
  }
  if (print_structured(fmt, json{{"items", items}}, io.out)) return kOk;
  json revisions = json::array();
  if (auto r = api_list(s, "/api/v1/revisions")) revisions = std::move(r).value();  // for AGE only
  print_zones(items, revisions, fmt == "wide", unix_now(), io.out);
  return kOk;
}

int get_list(Session& s, const std::string& path, const std::string& fmt, Io& io,
             void (*print)(const json&, bool, int64_t, std::ostream&)) {
  auto list = api_list(s, path);
  if (!list) return fail(io, "get", list.error().message);
  if (print_structured(fmt, json{{"items", *list}}, io.out)) return kOk;
  print(*list, fmt == "wide", unix_now(), io.out);
  return kOk;
}

}  // namespace

int cmd_get(std::span<const std::string> argv, Io& io) {
  constexpr const char* synopsis =
      "gitnsctl get zones [NAME] | objects | revisions | history | records ZONE [--name N] [--type T] "
      "[-o wide|yaml|json]";
  auto a = parse_args(argv, with_globals({{"--output", "--name", "--type"}, {}, {{"-o", "--output"}}, 2}));
  if (!a) return fail(io, "get", a.error().message);
  if (a->positional.empty()) return fail(io, "get", std::string("what? usage: ") + synopsis);
  auto fmt = output_format(*a);
  if (!fmt) return fail(io, "get", fmt.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  std::string what = a->positional[0];
  if (what == "zones" || what == "zone") return get_zones(*s, *a, *fmt, io);
  if (what == "revisions" || what == "revision") return get_list(*s, "/api/v1/revisions", *fmt, io, print_revisions);
  if (what == "history") return get_list(*s, "/api/v1/history", *fmt, io, print_history);
  if (what == "objects" || what == "object") {
    auto st = api_call(*s, "GET", "/api/v1/status");
    if (!st) return fail(io, "get objects", st.error().message);
    if (print_structured(*fmt, json{{"items", st->value("objects", json::array())}}, io.out)) return kOk;
    print_objects(*st, *fmt == "wide", unix_now(), io.out);
    return kOk;
  }
  if (what == "records" || what == "record") {
    if (a->positional.size() < 2) return fail(io, "get records", "which zone? gitnsctl get records ZONE");
    std::string path = "/api/v1/zones/" + url_encode(a->positional[1]) + "/records";
    std::string q;
    if (auto n = a->get("--name")) q += "name=" + url_encode(*n);
    if (auto t = a->get("--type")) q += (q.empty() ? "" : "&") + std::string("type=") + url_encode(*t);
    auto list = api_list(*s, q.empty() ? path : path + "?" + q);
    if (!list) return fail(io, "get records", list.error().message);
    if (print_structured(*fmt, json{{"items", *list}}, io.out)) return kOk;
    print_records(*list, io.out);
    return kOk;
  }
  return fail(io, "get", "unknown resource '" + what + "'; usage: " + synopsis);
}

int cmd_history(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--output"}, {}, {{"-o", "--output"}}, 0}));
  if (!a) return fail(io, "history", a.error().message);
  auto fmt = output_format(*a);
  if (!fmt) return fail(io, "history", fmt.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  return get_list(*s, "/api/v1/history", *fmt, io, print_history);
}

int cmd_describe(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--output"}, {}, {{"-o", "--output"}}, 2}));
  if (!a) return fail(io, "describe", a.error().message);
  if (a->positional.size() != 2 || (a->positional[0] != "zone" && a->positional[0] != "zones"))
    return fail(io, "describe", "usage: gitnsctl describe zone NAME");
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  auto z = api_call(*s, "GET", "/api/v1/zones/" + url_encode(a->positional[1]));
  if (!z) return fail(io, "describe zone", z.error().message);
  auto fmt = output_format(*a);
  if (fmt && print_structured(*fmt, *z, io.out)) return kOk;
  print_zone_description(*z, unix_now(), io.out);
  return kOk;
}

int cmd_reconcile(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--timeout"}, {"--wait"}, {}, 0}));
  if (!a) return fail(io, "reconcile", a.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  bool wait = a->has("--wait");
  std::string path = "/api/v1/reconcile";
  if (wait) path += "?wait=true&timeout=" + url_encode(a->get_or("--timeout", "30s"));
  if (wait) {
    auto o = s->client.options();
    o.timeout = std::chrono::milliseconds(10 * 60 * 1000);  // the server bounds the wait
    s->client = http::Client(o);
  }
  auto r = api_call(*s, "POST", path);
  if (!r) return fail(io, "reconcile", r.error().message);
  if (!wait) {
    io.out << "Reconcile requested (gitnsctl history shows its result).\n";
    return kOk;
  }
  json rec = r->value("record", json::object());
  std::string result = str(rec, "result");
  io.out << "Reconcile " << str(rec, "id") << ": " << result << " revision " << short_rev(str(rec, "revision"))
         << " in " << cell(rec.value("durationMs", json())) << "ms: " << str(rec, "message") << "\n";
  if (result == "applied" || result == "unchanged") return kOk;
  if (result == "invalid" || result == "held") {
    // The errors and held reasons are in the status: show them, they say what to fix.
    if (auto st = api_call(*s, "GET", "/api/v1/status")) {
      const json& src = (*st)["source"];
      if (src.is_object() && src.contains("errors") && src["errors"].is_array())
        for (const auto& e : src["errors"]) io.out << cell(e) << "\n";
      if (result == "held")
        if (auto plan = api_call(*s, "GET", "/api/v1/plan"); plan && plan->contains("held"))
          for (const auto& h : (*plan)["held"]) io.out << "held: " << cell(h) << "\n";
    }
  }
  return kFail;
}

int cmd_suspend(std::span<const std::string> argv, Io& io, bool resume) {
  const char* verb = resume ? "resume" : "suspend";
  auto a = parse_args(argv, with_globals({{"--reason"}, {}, {}, 1}));
  if (!a) return fail(io, verb, a.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  json body = json::object();
  if (!a->positional.empty()) body["object"] = object_ref(a->positional[0]);
  if (auto r = a->get("--reason")) body["reason"] = *r;
  auto r = api_call(*s, "POST", std::string("/api/v1/") + verb, &body);
  if (!r) return fail(io, verb, r.error().message);
  std::string what = a->positional.empty() ? "the source" : object_ref(a->positional[0]);
  io.out << (resume ? "Resumed " : "Suspended ") << what << ".";
  if (r->contains("suspended") && (*r)["suspended"].is_array() && !(*r)["suspended"].empty()) {
    std::string list;
    for (const auto& k : (*r)["suspended"]) list += (list.empty() ? "" : ", ") + cell(k);
    io.out << " Suspended now: " << list;
  }
  io.out << "\n";
  return kOk;
}

int cmd_rollback(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--to", "--repo"}, {}, {}, 0}));
  if (!a) return fail(io, "rollback", a.error().message);
  auto to = a->get("--to");
  if (!to) return fail(io, "rollback", "which revision? gitnsctl rollback --to REV (gitnsctl get revisions lists them)");
  bool hex = to->size() >= 7 && to->find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!hex) {
    // HEAD~1, a tag, a branch: the server wants a commit id; a local clone can tell it.
    auto repo = Repo::open(a->get_or("--repo", "."), "");
    auto id = repo ? (*repo)->resolve(*to) : base::Result<std::string>(repo.failure());
    if (!id)
      return fail(io, "rollback", "'" + *to + "' is not a commit id and cannot be resolved here (" +
                                      id.error().message + "); give an id from gitnsctl get revisions");
    *to = *id;
  }
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  json body{{"revision", *to}};
  auto r = api_call(*s, "POST", "/api/v1/rollback", &body);
  if (!r) return fail(io, "rollback", r.error().message);
  io.out << "Serving revision " << short_rev(str(*r, "revision")) << " (generation "
         << cell(r->value("generation", json())) << "). The source is suspended: run gitnsctl resume "
         << "to follow git again.\n";
  return kOk;
}

int cmd_query(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--output"}, {"--dnssec", "--tcp"}, {{"-o", "--output"}}, 2}));
  if (!a) return fail(io, "query", a.error().message);
  if (a->positional.empty()) return fail(io, "query", "usage: gitnsctl query NAME [TYPE] [--dnssec] [--tcp]");
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  json body{{"name", a->positional[0]},
            {"type", a->positional.size() > 1 ? a->positional[1] : "A"},
            {"dnssec", a->has("--dnssec")},
            {"tcp", a->has("--tcp")}};
  auto r = api_call(*s, "POST", "/api/v1/query", &body);
  if (!r) return fail(io, "query", r.error().message);
  auto fmt = output_format(*a);
  if (fmt && print_structured(*fmt, *r, io.out)) return kOk;
  print_query_answer(*r, io.out);
  return kOk;
}

void print_plan_json(const json& plan, std::ostream& out, size_t max_records) {
  out << "Last plan " << short_rev(str(plan, "fromRevision")) << " -> " << short_rev(str(plan, "revision"))
      << ": " << str(plan, "result") << "\n";
  if (plan.contains("held") && plan["held"].is_array())
    for (const auto& h : plan["held"]) out << "HELD: " << cell(h) << "\n";
  const json& zones = plan.contains("zones") && plan["zones"].is_array() ? plan["zones"] : json::array();
  size_t unchanged = 0;
  for (const auto& z : zones) {
    std::string action = str(z, "action");
    if (action == "unchanged" || action.empty()) {
      ++unchanged;
      continue;
    }
    const json& c = z.value("counts", json::object());
    out << "\n" << (action == "create" ? '+' : action == "delete" ? '-' : '~') << " zone " << str(z, "zone")
        << ": " << action << ", serial " << cell(z.value("serialFrom", json())) << " -> "
        << cell(z.value("serialTo", json())) << ", " << cell(c.value("added", json(0))) << " added, "
        << cell(c.value("removed", json(0))) << " removed, " << cell(c.value("changed", json(0))) << " changed\n";
    if (!z.value("unsafe", json()).is_null())
      out << "    unsafe: " << cell(z["unsafe"])
          << (str(z, "allowedBy").empty() ? "" : " (allowed by " + str(z, "allowedBy") + ")") << "\n";
    size_t shown = 0;
    for (const char* side : {"removed", "added"}) {
      if (!z.contains(side) || !z[side].is_array()) continue;
      for (const auto& rr : z[side]) {
        if (shown++ >= max_records) break;
        out << "    " << (side[0] == 'r' ? "- " : "+ ") << str(rr, "name") << " " << cell(rr.value("ttl", json()))
            << " IN " << str(rr, "type") << " " << str(rr, "data") << "\n";
      }
    }
    if (z.value("truncated", false) || shown > max_records) out << "    ... (more record changes)\n";
  }
  if (unchanged) out << "\n" << unchanged << " zone(s) unchanged\n";
}

int cmd_plan(std::span<const std::string> argv, Io& io) {
  auto a = parse_args(argv, with_globals({{"--output", "--max-records"}, {}, {{"-o", "--output"}}, 0}));
  if (!a) return fail(io, "plan", a.error().message);
  auto fmt = output_format(*a);
  if (!fmt) return fail(io, "plan", fmt.error().message);
  auto s = open_session(*a);
  if (!s) return fail(io, "", s.error().message);
  auto plan = api_call(*s, "GET", "/api/v1/plan");
  if (!plan) return fail(io, "plan", plan.error().message);
  if (print_structured(*fmt, *plan, io.out)) return kOk;
  print_plan_json(*plan, io.out, std::strtoul(a->get_or("--max-records", "100").c_str(), nullptr, 10));
  return kOk;
}

namespace {

// "URL branch=B path=P" (RevisionSource::describe) -> P
std::string path_of_source(const std::string& describe) {
  size_t p = describe.find(" path=");
  if (p == std::string::npos) return {};
  std::string rest = describe.substr(p + 6);
  return rest.substr(0, rest.find(' '));
}

}  // namespace

int cmd_diff_server(std::span<const std::string> argv, Io& io) {
  // "--server" alone (or before another flag) means the context's server.
  std::vector<std::string> args;
  for (size_t i = 0; i < argv.size(); ++i) {
    bool bare = argv[i] == "--server" && (i + 1 == argv.size() || argv[i + 1].rfind("-", 0) == 0);
    if (!bare) args.push_back(argv[i]);
  }
  auto a = parse_args(args, with_globals({{"--repo", "--rev", "--path", "--output", "--max-records"},
                                          {}, {{"-o", "--output"}}, 0}));
  if (!a) {
    io.err << "error: diff: " << a.error().message << "\n";
    return kExitError;
  }
  auto err = [&](const std::string& m) {
    io.err << "error: diff --server: " << m << "\n";
    return kExitError;
  };
  std::string output = a->get_or("--output", "text");
  if (output != "text" && output != "json" && output != "markdown")
    return err("-o must be text, json or markdown, got '" + output + "'");
  auto s = open_session(*a);
  if (!s) return err(s.error().message);
  auto st = api_call(*s, "GET", "/api/v1/status");
  if (!st) return err(st.error().message);
  const json& src = (*st)["source"];
  if (!src.is_object()) return err("the server serves zone files (--zone), not a repository: nothing to diff");
  std::string applied = str(src, "lastAppliedRevision");
  if (applied.empty()) return err("the server has applied no revision yet");
  std::string sub = a->get_or("--path", path_of_source(str(src, "source")));
  std::string repo_path = a->get_or("--repo", ".");
  auto repo = Repo::open(repo_path, sub);
  if (!repo) return err(repo.error().message);
  auto from = (*repo)->resolve(applied);
  if (!from)
    return err("the server's applied revision " + applied.substr(0, 12) + " is not in " + repo_path +
               ": git fetch, then try again");
  base::Result<reconcile::RevisionPlan> plan = base::fail(base::Errc::io, "");
  if (auto rev = a->get("--rev")) {
    auto to = (*repo)->resolve(*rev);
    if (!to) return err(to.error().message);
    plan = reconcile::plan_revisions((*repo)->source(), *from, *to);
  } else {
    // The working tree: the files on disk against the applied revision.
    auto before = reconcile::load_revision((*repo)->source(), *from);
    if (!before) return err(before.error().message);
    if (!before->ok()) return err("the applied revision does not validate here (is --path right?)");
    auto folder = read_folder(git::join_tree_path(repo_path, sub));
    if (!folder) return err(folder.error().message);
    reconcile::AppliedSerial serials = [&](const wire::Name& apex) -> std::optional<uint32_t> {
      const reconcile::RevisionZone* z = before->find_zone(apex);
      if (!z) return std::nullopt;
      return z->desired.zone->serial();
    };
    reconcile::RevisionState after = load_folder(*folder, serials);
    std::string head = (*repo)->tip().empty() ? "HEAD" : (*repo)->tip();
    auto& source = (*repo)->source();
    std::string from_id = *from;
    reconcile::TrailerReader trailers = [&source, from_id, head]() {
      return source.trailer_values(from_id, head, "Gitns-Allow-Unsafe");
    };
    plan = reconcile::plan_states(&*before, after, trailers);
  }
  if (!plan) return err(plan.error().message);
  RenderOptions render;
  if (auto m = a->get("--max-records")) render.max_records = std::strtoul(m->c_str(), nullptr, 10);
  if (output == "json")
    io.out << reconcile::to_json(*plan).dump(2) << "\n";
  else if (output == "markdown")
    render_plan_markdown(*plan, io.out, render);
  else
    render_plan_text(*plan, io.out, render);
  if (!plan->valid()) return kExitError;
  return plan->changes() ? kExitFindings : kExitOk;
}

}  // namespace gitns::cli
