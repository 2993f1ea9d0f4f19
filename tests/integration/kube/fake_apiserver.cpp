#include "fake_apiserver.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <sstream>

namespace fgtest {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

struct FakeApiServer::Conn {
  ssl::stream<tcp::socket> stream;
  int fd = -1;
  std::atomic<bool> done{false};
  Conn(tcp::socket s, ssl::context& ctx) : stream(std::move(s), ctx) {
    fd = stream.next_layer().native_handle();
  }
  void kill() {
    if (!done.exchange(true) && fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
};

namespace {

ssl::context& ctx_of(const std::shared_ptr<void>& p) {
  return *static_cast<ssl::context*>(p.get());
}
tcp::acceptor& acc_of(const std::shared_ptr<void>& p) {
  return *static_cast<tcp::acceptor*>(p.get());
}

std::string reason_for(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 410:
      return "Expired";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return "Unknown";
  }
}

json status_object(int code, const std::string& message, json details = nullptr) {
  json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason_for(code)}};
  if (!details.is_null()) s["details"] = std::move(details);
  s["code"] = code;
  return s;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& q) {
  std::map<std::string, std::string> out;
  std::istringstream ss(q);
  std::string kv;
  while (std::getline(ss, kv, '&')) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos)
      out[url_decode(kv)] = "";
    else
      out[url_decode(kv.substr(0, eq))] = url_decode(kv.substr(eq + 1));
  }
  return out;
}

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  std::istringstream ss(p);
  std::string seg;
  while (std::getline(ss, seg, '/'))
    if (!seg.empty()) out.push_back(seg);
  return out;
}

std::string key_of(const json& o) {
  const json& m = o["metadata"];
  std::string ns = m.value("namespace", "");
  return ns.empty() ? m.value("name", "") : ns + "/" + m.value("name", "");
}

std::string chunk(const std::string& data) {
  char head[32];
  std::snprintf(head, sizeof head, "%zx\r\n", data.size());
  return head + data + "\r\n";
}

}  // namespace

FakeApiServer::FakeApiServer(const TestPki& pki) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(net::buffer(pki.server.cert_pem));
  ctx->use_private_key(net::buffer(pki.server.key_pem), ssl::context::pem);
  ctx->add_certificate_authority(net::buffer(pki.ca.cert_pem));
  ctx->set_verify_mode(ssl::verify_peer);  // ask for a client cert, do not require one
  ssl_ctx_ = ctx;
  auto ioc = std::make_shared<net::io_context>();
  ioc_ = ioc;
  auto acc = std::make_shared<tcp::acceptor>(*ioc);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  acc->open(ep.protocol());
  acc->set_option(net::socket_base::reuse_address(true));
  acc->bind(ep);
  acc->listen();
  port_ = acc->local_endpoint().port();
  acceptor_ = acc;
  accept_thread_ = std::thread([this] { accept_loop(); });
}

FakeApiServer::~FakeApiServer() { stop(); }

std::string FakeApiServer::url() const { return "https://127.0.0.1:" + std::to_string(port_); }

void FakeApiServer::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(acc_of(acceptor_).native_handle(), SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : conns_) c->kill();
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
  boost::system::error_code ec;
  acc_of(acceptor_).close(ec);
}

void FakeApiServer::accept_loop() {
  auto& acc = acc_of(acceptor_);
  auto& ioc = *static_cast<net::io_context*>(ioc_.get());
  while (!stopping_) {
    tcp::socket sock(ioc);
    boost::system::error_code ec;
    acc.accept(sock, ec);
    if (ec || stopping_) break;
    ++connections_;
    auto c = std::make_shared<Conn>(std::move(sock), ctx_of(ssl_ctx_));
    std::lock_guard<std::mutex> lock(mu_);
    conns_.push_back(c);
    threads_.emplace_back([this, c] {
      serve(c);
      c->kill();
      boost::system::error_code e;
      c->stream.next_layer().close(e);
    });
  }
}

void FakeApiServer::install(const std::string& group, const std::string& version,
                            const std::string& plural, const std::string& kind, bool namespaced) {
  std::lock_guard<std::mutex> lock(mu_);
  Resource& r = resources_[plural];
  r.group = group;
  r.version = version;
  r.plural = plural;
  r.kind = kind;
  r.namespaced = namespaced;
  installed_.insert(plural);
}

void FakeApiServer::install_freightgate_kinds() {
  install("", "v1", "namespaces", "Namespace", false);
  install("kargo.akuity.io", "v1alpha1", "projects", "Project", false);
  for (auto [plural, kind] :
       std::vector<std::pair<const char*, const char*>>{{"projectconfigs", "ProjectConfig"},
                                                        {"warehouses", "Warehouse"},
                                                        {"freights", "Freight"},
                                                        {"stages", "Stage"},
                                                        {"promotions", "Promotion"}})
    install("kargo.akuity.io", "v1alpha1", plural, kind, true);
  install("freightgate.io", "v1alpha1", "promotionpolicies", "PromotionPolicy", true);
  install("argoproj.io", "v1alpha1", "applications", "Application", true);
}

void FakeApiServer::uninstall(const std::string& plural) {
  std::lock_guard<std::mutex> lock(mu_);
  installed_.erase(plural);
}

std::string FakeApiServer::api_version(const Resource& r) const {
  return r.group.empty() ? r.version : r.group + "/" + r.version;
}

std::string FakeApiServer::emit(const std::string& plural, const std::string& type, json object) {
  // Caller holds mu_.
  Resource& r = resources_.at(plural);
  ++rv_;
  json& m = object["metadata"];
  m["resourceVersion"] = std::to_string(rv_);
  if (!m.contains("uid")) m["uid"] = "uid-" + std::to_string(rv_);
  if (!m.contains("creationTimestamp")) m["creationTimestamp"] = "2026-01-01T00:00:00Z";
  object["apiVersion"] = api_version(r);
  object["kind"] = r.kind;
  std::string key = key_of(object);
  if (type == "DELETED")
    r.objects.erase(key);
  else
    r.objects[key] = object;
  history_.push_back(Event{rv_, plural, type, std::move(object)});
  cv_.notify_all();
  return std::to_string(rv_);
}

std::string FakeApiServer::apply(const std::string& plural, json object) {
  std::lock_guard<std::mutex> lock(mu_);
  Resource& r = resources_.at(plural);
  std::string type = r.objects.count(key_of(object)) ? "MODIFIED" : "ADDED";
  return emit(plural, type, std::move(object));
}

std::string FakeApiServer::remove(const std::string& plural, const std::string& ns,
                                  const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Resource& r = resources_.at(plural);
  auto it = r.objects.find(ns.empty() ? name : ns + "/" + name);
  if (it == r.objects.end()) return "";
  json obj = it->second;
  return emit(plural, "DELETED", std::move(obj));
}

std::optional<json> FakeApiServer::get(const std::string& plural, const std::string& ns,
                                       const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = resources_.find(plural);
  if (r == resources_.end()) return std::nullopt;
  auto it = r->second.objects.find(ns.empty() ? name : ns + "/" + name);
  if (it == r->second.objects.end()) return std::nullopt;
  return it->second;
}

std::string FakeApiServer::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::to_string(rv_);
}

void FakeApiServer::bookmark(const std::string& plural) {
  std::lock_guard<std::mutex> lock(mu_);
  ++bookmark_gen_[plural];
  cv_.notify_all();
}

void FakeApiServer::compact_and_expire(const std::string& plural) {
  std::lock_guard<std::mutex> lock(mu_);
  compacted_ = rv_;
  ++expire_gen_;
  expire_plural_ = plural;
  cv_.notify_all();
}

void FakeApiServer::drop_watches(const std::string& plural) {
  std::lock_guard<std::mutex> lock(mu_);
  ++drop_gen_;
  drop_plural_ = plural;
  cv_.notify_all();
}

void FakeApiServer::set_watch_gone_status(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  watch_gone_status_ = on;
}

void FakeApiServer::set_tokens(std::set<std::string> tokens) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_ = std::move(tokens);
}

void FakeApiServer::inject(Fault f) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(f));
}

void FakeApiServer::clear_faults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

void FakeApiServer::set_sar_handler(std::function<bool(const json&)> handler) {
  std::lock_guard<std::mutex> lock(mu_);
  sar_ = std::move(handler);
}

std::vector<json> FakeApiServer::sar_reviews() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sar_reviews_;
}

std::vector<LoggedRequest> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

int FakeApiServer::count(const std::string& method, const std::string& prefix, bool watch) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& r : log_)
    if ((method.empty() || r.method == method) && r.path.rfind(prefix, 0) == 0 && r.watch == watch)
      ++n;
  return n;
}

int FakeApiServer::open_watches(const std::string& plural) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (const auto& [p, c] : open_watches_)
    if (plural.empty() || p == plural) n += c;
  return n;
}

void FakeApiServer::serve(std::shared_ptr<Conn> c) {
  boost::system::error_code ec;
  c->stream.handshake(ssl::stream_base::server, ec);
  if (ec) return;
  bool cert_user = false;
  if (X509* peer = SSL_get_peer_certificate(c->stream.native_handle())) {
    cert_user = SSL_get_verify_result(c->stream.native_handle()) == X509_V_OK;
    X509_free(peer);
  }
  beast::flat_buffer buffer;
  while (!stopping_) {
    http::request<http::string_body> req;
    http::read(c->stream, buffer, req, ec);
    if (ec) return;
    std::string target(req.target());
    size_t q = target.find('?');
    std::string path = target.substr(0, q);
    auto query = parse_query(q == std::string::npos ? "" : target.substr(q + 1));
    bool is_watch = query.count("watch") && (query["watch"] == "1" || query["watch"] == "true");
    std::string method(req.method_string());

    auto respond = [&](int code, const json& body, std::optional<int> retry_after = std::nullopt) {
      http::response<http::string_body> res{static_cast<http::status>(code), 11};
      res.set(http::field::content_type, "application/json");
      if (retry_after) res.set(http::field::retry_after, std::to_string(*retry_after));
      res.keep_alive(req.keep_alive());
      res.body() = body.dump();
      res.prepare_payload();
      {
        std::lock_guard<std::mutex> lock(mu_);
        log_.push_back(
            {method, target, path, std::string(req[http::field::authorization]), is_watch, code});
      }
      http::write(c->stream, res, ec);
      return !ec && req.keep_alive();
    };

    // Injected faults first (they model the server or a proxy in front of it).
    std::optional<Fault> fault;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (!it->method.empty() && it->method != method) continue;
        if (path.rfind(it->path_prefix, 0) != 0) continue;
        if (it->watch == "only" && !is_watch) continue;
        if (it->watch == "never" && is_watch) continue;
        fault = *it;
        if (it->count > 0 && --it->count == 0) faults_.erase(it);
        break;
      }
    }
    if (fault) {
      if (fault->disconnect) {
        std::lock_guard<std::mutex> lock(mu_);
        log_.push_back(
            {method, target, path, std::string(req[http::field::authorization]), is_watch, -1});
        c->kill();
        return;
      }
      std::string msg;
      json details = nullptr;
      switch (fault->status) {
        case 401:
          msg = "Unauthorized";
          break;
        case 403:
          msg =
              "forbidden: User \"system:serviceaccount:freightgate:freightgate-webhook\" cannot " +
              std::string(is_watch ? "watch" : "list") + " resource at path " + path;
          break;
        case 429:
          msg = "Too many requests, please try again later.";
          details = {{"retryAfterSeconds", fault->retry_after.value_or(1)}};
          break;
        default:
          msg = "Internal error occurred: injected failure";
          break;
      }
      if (!respond(fault->status, status_object(fault->status, msg, details), fault->retry_after))
        return;
      continue;
    }

    // Authentication.
    std::string authz(req[http::field::authorization]);
    bool authed = cert_user;
    if (!authed && authz.rfind("Bearer ", 0) == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      authed = tokens_.count(authz.substr(7)) > 0;
    }
    if (!authed) {
      if (!respond(401, status_object(401, "Unauthorized"))) return;
      continue;
    }

    // SubjectAccessReview.
    if (path == "/apis/authorization.k8s.io/v1/subjectaccessreviews") {
      if (method != "POST") {
        if (!respond(405,
                     status_object(
                         405, "the server does not allow this method on the requested resource")))
          return;
        continue;
      }
      json body = json::parse(req.body(), nullptr, false);
      if (body.is_discarded() || !body.contains("spec")) {
        if (!respond(400, status_object(400, "the body of the request was in an unknown format")))
          return;
        continue;
      }
      bool allowed = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        sar_reviews_.push_back(body);
        if (sar_) allowed = sar_(body["spec"]);
      }
      json out = {{"kind", "SubjectAccessReview"},
                  {"apiVersion", "authorization.k8s.io/v1"},
                  {"metadata", {{"creationTimestamp", nullptr}}},
                  {"spec", body["spec"]},
                  {"status", {{"allowed", allowed}}}};
      if (allowed) out["status"]["reason"] = "RBAC: allowed by test handler";
      if (!respond(201, out)) return;
      continue;
    }

    // Resource routing.
    auto segs = split_path(path);
    std::string group, version;
    std::vector<std::string> rest;
    if (segs.size() >= 2 && segs[0] == "api") {
      version = segs[1];
      rest.assign(segs.begin() + 2, segs.end());
    } else if (segs.size() >= 3 && segs[0] == "apis") {
      group = segs[1];
      version = segs[2];
      rest.assign(segs.begin() + 3, segs.end());
    }
    std::string plural, ns;
    if (rest.size() == 1) {
      plural = rest[0];
    } else if (rest.size() == 3 && rest[0] == "namespaces") {
      ns = rest[1];
      plural = rest[2];
    }
    std::unique_lock<std::mutex> lock(mu_);
    auto rit = resources_.find(plural);
    bool found = !plural.empty() && rit != resources_.end() && installed_.count(plural) &&
                 rit->second.group == group && rit->second.version == version &&
                 (ns.empty() || rit->second.namespaced);
    if (!found) {
      lock.unlock();
      if (!respond(404, status_object(404, "the server could not find the requested resource",
                                      json::object())))
        return;
      continue;
    }
    if (method != "GET") {
      lock.unlock();
      if (!respond(405,
                   status_object(
                       405, "the server does not allow this method on the requested resource")))
        return;
      continue;
    }
    Resource& res = rit->second;
    if (is_watch) {
      if (watch_gone_status_) {
        lock.unlock();
        if (!respond(410, status_object(410, "too old resource version"))) return;
        continue;
      }
      uint64_t from = 0;
      std::string rvq = query.count("resourceVersion") ? query["resourceVersion"] : "";
      if (!rvq.empty()) from = std::stoull(rvq);
      int timeout = query.count("timeoutSeconds") ? std::stoi(query["timeoutSeconds"]) : 1800;
      log_.push_back({method, target, path, authz, true, 200});
      lock.unlock();
      handle_watch(*c, plural, ns, from, timeout);
      return;  // watch connections are not reused
    }
    // List, with pagination.
    int64_t limit = query.count("limit") ? std::stoll(query["limit"]) : 0;
    uint64_t list_rv = rv_;
    size_t offset = 0;
    if (query.count("continue") && !query["continue"].empty()) {
      std::string tok = query["continue"];
      size_t colon = tok.find(':');
      list_rv = std::stoull(tok.substr(0, colon));
      offset = std::stoull(tok.substr(colon + 1));
      if (list_rv < compacted_) {
        lock.unlock();
        if (!respond(410,
                     status_object(
                         410,
                         "The provided continue parameter is too old to display a consistent "
                         "list result. You can start a new list without the continue parameter.")))
          return;
        continue;
      }
    }
    json items = json::array();
    size_t index = 0, next = 0;
    bool more = false;
    for (const auto& [key, obj] : res.objects) {
      if (!ns.empty() && obj["metadata"].value("namespace", "") != ns) continue;
      if (index++ < offset) continue;
      if (limit > 0 && static_cast<int64_t>(items.size()) == limit) {
        more = true;
        break;
      }
      json item = obj;
      if (res.group.empty()) {  // core kinds: list items carry no TypeMeta
        item.erase("kind");
        item.erase("apiVersion");
      }
      items.push_back(std::move(item));
    }
    next = offset + items.size();
    json meta = {{"resourceVersion", std::to_string(list_rv)}};
    if (more) meta["continue"] = std::to_string(list_rv) + ":" + std::to_string(next);
    json list = {{"kind", res.kind + "List"},
                 {"apiVersion", api_version(res)},
                 {"metadata", meta},
                 {"items", std::move(items)}};
    lock.unlock();
    if (!respond(200, list)) return;
  }
}

void FakeApiServer::handle_watch(Conn& c, const std::string& plural, const std::string& ns,
                                 uint64_t from, int timeout_seconds) {
  boost::system::error_code ec;
  auto write = [&](const std::string& bytes) {
    net::write(c.stream, net::buffer(bytes), ec);
    return !ec;
  };
  if (!write("HTTP/1.1 200 OK\r\nCache-Control: no-cache, private\r\nContent-Type: "
             "application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"))
    return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::unique_lock<std::mutex> lock(mu_);
  ++open_watches_[plural];
  struct Closer {
    FakeApiServer* s;
    std::string p;
    ~Closer() { --s->open_watches_[p]; }  // runs with mu_ held (lock is declared before)
  };
  Closer closer{this, plural};
  Resource& res = resources_.at(plural);
  std::vector<std::string> out;
  uint64_t sent = from;
  if (from == 0) {  // "any": synthetic ADDED for everything, then from now
    for (const auto& [key, obj] : res.objects)
      if (ns.empty() || obj["metadata"].value("namespace", "") == ns)
        out.push_back(json{{"type", "ADDED"}, {"object", obj}}.dump() + "\n");
    sent = rv_;
  } else if (from < compacted_) {
    std::string msg = "too old resource version: " + std::to_string(from) + " (" +
                      std::to_string(compacted_) + ")";
    std::string ev = json{{"type", "ERROR"}, {"object", status_object(410, msg)}}.dump() + "\n";
    lock.unlock();
    write(chunk(ev));
    write("0\r\n\r\n");
    lock.lock();
    return;
  }
  uint64_t drop_seen = drop_gen_, expire_seen = expire_gen_, bookmark_seen = bookmark_gen_[plural];
  while (true) {
    for (const auto& e : history_) {
      if (e.rv <= sent || e.plural != plural) continue;
      if (!ns.empty() && e.object["metadata"].value("namespace", "") != ns) continue;
      out.push_back(json{{"type", e.type}, {"object", e.object}}.dump() + "\n");
    }
    if (!history_.empty()) sent = std::max(sent, history_.back().rv);
    if (bookmark_gen_[plural] != bookmark_seen) {
      bookmark_seen = bookmark_gen_[plural];
      json bm = {{"kind", res.kind},
                 {"apiVersion", api_version(res)},
                 {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
      out.push_back(json{{"type", "BOOKMARK"}, {"object", bm}}.dump() + "\n");
    }
    bool drop = drop_gen_ != drop_seen && (drop_plural_.empty() || drop_plural_ == plural);
    bool expire =
        expire_gen_ != expire_seen && (expire_plural_.empty() || expire_plural_ == plural);
    drop_seen = drop_gen_;
    expire_seen = expire_gen_;
    bool timed_out = std::chrono::steady_clock::now() >= deadline;
    lock.unlock();
    for (const auto& ev : out)
      if (!write(chunk(ev))) {
        lock.lock();
        return;
      }
    out.clear();
    if (drop || stopping_) {
      c.kill();  // abrupt: no final chunk, no TLS close_notify
      lock.lock();
      return;
    }
    if (expire) {
      std::string ev =
          json{{"type", "ERROR"},
               {"object", status_object(410, "too old resource version: " + std::to_string(sent) +
                                                 " (" + std::to_string(compacted_) + ")")}}
              .dump() +
          "\n";
      write(chunk(ev));
      write("0\r\n\r\n");
      lock.lock();
      return;
    }
    if (timed_out) {
      write("0\r\n\r\n");
      lock.lock();
      return;
    }
    lock.lock();
    cv_.wait_until(lock, deadline, [&] {
      return stopping_ || drop_gen_ != drop_seen || expire_gen_ != expire_seen ||
             bookmark_gen_[plural] != bookmark_seen ||
             (!history_.empty() && history_.back().rv > sent);
    });
  }
}

Fault fault(const std::string& method, const std::string& path_prefix, int status, int count) {
  Fault f;
  f.method = method;
  f.path_prefix = path_prefix;
  f.status = status;
  f.count = count;
  return f;
}

Fault disconnect(const std::string& method, const std::string& path_prefix, int count) {
  Fault f = fault(method, path_prefix, 0, count);
  f.disconnect = true;
  return f;
}

bool wait_for(const std::function<bool()>& pred, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

json make_namespace(const std::string& name, bool kargo_project) {
  json ns = {{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata", {{"name", name}}},
             {"spec", {{"finalizers", {"kubernetes"}}}},
             {"status", {{"phase", "Active"}}}};
  if (kargo_project) ns["metadata"]["labels"] = {{"kargo.akuity.io/project", "true"}};
  return ns;
}

json make_object(const std::string& api_version, const std::string& kind, const std::string& ns,
                 const std::string& name, json body) {
  json o = body.is_object() ? body : json::object();
  o["apiVersion"] = api_version;
  o["kind"] = kind;
  o["metadata"]["name"] = name;
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

}  // namespace fgtest
