#include "flags.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <regex>
#include <thread>

namespace freightgate::webhook {
namespace {

using Setter = std::function<Status(Flags&, const std::string&)>;

struct Spec {
  const char* flag;  // without "--"
  const char* env;   // nullptr: flag only
  const char* arg;   // "" for switches
  const char* help;
  Setter set;
};

Error bad(const std::string& flag, const std::string& value, const std::string& want) {
  return Error{"", 0, "", "--" + flag, "invalid value \"" + value + "\": " + want};
}

Setter str(std::string Flags::*field) {
  return [field](Flags& f, const std::string& v) -> Status {
    f.*field = v;
    return ok_status();
  };
}

Setter dur(std::chrono::milliseconds Flags::*field, const char* name) {
  return [field, name](Flags& f, const std::string& v) -> Status {
    auto d = parse_duration(v);
    if (!d) return bad(name, v, d.error().message);
    if (d->count() <= 0) return bad(name, v, "must be positive, e.g. 10s");
    f.*field = *d;
    return ok_status();
  };
}

Result<unsigned long long> parse_uint(const std::string& v) {
  unsigned long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty())
    return Error{"", 0, "", "", "want a whole number"};
  return n;
}

Status check_listen(const std::string& flag, const std::string& v, bool allow_empty) {
  if (v.empty() && allow_empty) return ok_status();
  static const std::regex re(R"(^(\[[0-9a-fA-F:.]+\]|[^:\[\]]*):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(v, m, re) || std::stoi(m[2].str()) > 65535)
    return bad(flag, v, "want ADDR:PORT, e.g. 0.0.0.0:9443, 127.0.0.1:0 or [::]:9443");
  return ok_status();
}

const std::vector<Spec>& specs() {
  static const std::vector<Spec> s = {
      {"listen", "FG_LISTEN", "ADDR:PORT",
       "HTTPS address for /mutate /validate /healthz /readyz /metrics (default 0.0.0.0:9443; port "
       "0 picks a free port)",
       [](Flags& f, const std::string& v) -> Status {
         if (auto st = check_listen("listen", v, false); !st) return st;
         f.listen = v;
         return ok_status();
       }},
      {"tls-cert-file", "FG_TLS_CERT_FILE", "FILE",
       "PEM certificate chain, re-read when it changes (default /etc/freightgate/tls/tls.crt)",
       str(&Flags::tls_cert_file)},
      {"tls-key-file", "FG_TLS_KEY_FILE", "FILE",
       "PEM private key, re-read when it changes (default /etc/freightgate/tls/tls.key)",
       str(&Flags::tls_key_file)},
      {"state", "FG_STATE", "dir:PATH|kube", "where the pipeline state comes from (default kube)",
       [](Flags& f, const std::string& v) -> Status {
         if (v != "kube" && (v.rfind("dir:", 0) != 0 || v.size() == 4))
           return bad("state", v,
                      "want dir:PATH (a directory of YAML, e.g. dir:examples/guestbook) or kube");
         f.state = v;
         return ok_status();
       }},
      {"webhook-name", "FG_WEBHOOK_NAME", "NAME",
       "webhook name as registered (default applications.freightgate.io)",
       str(&Flags::webhook_name)},
      {"control-plane-users", "FG_CONTROL_PLANE_USERS", "REGEX",
       "usernames that bypass the promote check (default: Kargo/Argo CD controller service "
       "accounts)",
       [](Flags& f, const std::string& v) -> Status {
         try {
           std::regex re(v);
         } catch (const std::regex_error& e) {
           return bad("control-plane-users", v,
                      std::string("not a valid regular expression: ") + e.what());
         }
         f.control_plane_users = v;
         return ok_status();
       }},
      {"metrics-listen", "FG_METRICS_LISTEN", "ADDR:PORT",
       "also serve plain-HTTP /metrics here (default off)",
       [](Flags& f, const std::string& v) -> Status {
         if (auto st = check_listen("metrics-listen", v, true); !st) return st;
         f.metrics_listen = v;
         return ok_status();
       }},
      {"log-level", "FG_LOG_LEVEL", "LEVEL", "trace|debug|info|warn|error|off (default info)",
       [](Flags& f, const std::string& v) -> Status {
         static const std::vector<std::string> ok = {"trace", "debug", "info",
                                                     "warn",  "error", "off"};
         if (std::find(ok.begin(), ok.end(), v) == ok.end())
           return bad("log-level", v, "want one of trace, debug, info, warn, error, off");
         f.log_level = v;
         return ok_status();
       }},
      {"drain-grace", "FG_DRAIN_GRACE", "DURATION",
       "on SIGTERM, how long in-flight requests may take before exit (default 20s)",
       dur(&Flags::drain_grace, "drain-grace")},
      {"now", "FG_NOW", "RFC3339",
       "fixed clock for demos, e.g. 2026-11-27T10:00:00Z (default: real clock)",
       [](Flags& f, const std::string& v) -> Status {
         if (v.empty()) return ok_status();
         auto t = parse_rfc3339(v);
         if (!t) return bad("now", v, t.error().message);
         f.now = *t;
         f.now_text = v;
         return ok_status();
       }},
      {"kubeconfig", "KUBECONFIG", "FILE",
       "kubeconfig for --state kube (default in-cluster config)", str(&Flags::kubeconfig)},
      {"context", "FG_CONTEXT", "NAME", "kubeconfig context for --state kube",
       str(&Flags::context)},
      {"namespaces", "FG_NAMESPACES", "a,b", "namespaces to watch with --state kube (default all)",
       [](Flags& f, const std::string& v) -> Status {
         f.namespaces.clear();
         size_t start = 0;
         while (start <= v.size()) {
           size_t end = v.find(',', start);
           if (end == std::string::npos) end = v.size();
           if (end > start) f.namespaces.push_back(v.substr(start, end - start));
           start = end + 1;
         }
         return ok_status();
       }},
      {"max-staleness", "FG_MAX_STALENESS", "DURATION",
       "/readyz fails when the state has been stale this long (default 5m)",
       dur(&Flags::max_staleness, "max-staleness")},
      {"threads", "FG_THREADS", "N", "I/O threads (default: one per core)",
       [](Flags& f, const std::string& v) -> Status {
         auto n = parse_uint(v);
         if (!n || *n > 1024)
           return bad("threads", v, "want a number from 0 (one per core) to 1024");
         f.threads = static_cast<unsigned>(*n);
         return ok_status();
       }},
      {"read-header-timeout", "FG_READ_HEADER_TIMEOUT", "DURATION",
       "from a request's first byte to the end of its headers (default 10s)",
       dur(&Flags::read_header_timeout, "read-header-timeout")},
      {"read-body-timeout", "FG_READ_BODY_TIMEOUT", "DURATION",
       "from the end of the headers to the end of the body (default 10s)",
       dur(&Flags::read_body_timeout, "read-body-timeout")},
      {"idle-timeout", "FG_IDLE_TIMEOUT", "DURATION",
       "how long a keep-alive connection may sit idle (default 120s)",
       dur(&Flags::idle_timeout, "idle-timeout")},
      {"tls-reload-interval", "FG_TLS_RELOAD_INTERVAL", "DURATION",
       "how often the cert/key files are checked for changes (default 1s)",
       dur(&Flags::tls_reload_interval, "tls-reload-interval")},
      {"max-body-bytes", "FG_MAX_BODY_BYTES", "N",
       "request body cap; larger bodies get 413 (default 7340032 = 7 MiB)",
       [](Flags& f, const std::string& v) -> Status {
         auto n = parse_uint(v);
         if (!n || *n < 1024) return bad("max-body-bytes", v, "want a number of bytes >= 1024");
         f.max_body_bytes = static_cast<std::size_t>(*n);
         return ok_status();
       }},
      {"help", nullptr, "", "print this help",
       [](Flags& f, const std::string&) -> Status {
         f.help = true;
         return ok_status();
       }},
      {"version", nullptr, "", "print the version",
       [](Flags& f, const std::string&) -> Status {
         f.version = true;
         return ok_status();
       }},
  };
  return s;
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Flags> parse_flags(const std::vector<std::string>& args, const EnvLookup& env) {
  Flags f;
  for (const auto& s : specs()) {
    if (s.env == nullptr) continue;
    if (auto v = env(s.env)) {
      if (auto st = s.set(f, *v); !st) {
        Error e = st.error();
        e.path = std::string(s.env) + " (env for " + e.path + ")";
        return e;
      }
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h") {
      f.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0)
      return Error{"", 0, "", a, "unexpected argument; flags look like --name VALUE (see --help)"};
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Spec* spec = nullptr;
    for (const auto& s : specs())
      if (name == s.flag) spec = &s;
    if (spec == nullptr) return Error{"", 0, "", "--" + name, "unknown flag (see --help)"};
    if (*spec->arg != '\0' && !has_value) {
      if (i + 1 >= args.size())
        return Error{"", 0, "", "--" + name,
                     std::string("needs a value: --") + name + " " + spec->arg};
      value = args[++i];
    }
    if (auto st = spec->set(f, value); !st) return st.error();
  }
  return f;
}

std::string usage() {
  std::string out =
      "usage: freightgate-webhook --listen ADDR:PORT --tls-cert-file F --tls-key-file F "
      "--state dir:PATH|kube [flags]\n\n"
      "Serves the freightgate admission policy over HTTPS: POST /mutate, POST /validate\n"
      "(AdmissionReview admission.k8s.io/v1), GET /healthz, /readyz, /metrics.\n\nflags (env):\n";
  for (const auto& s : specs()) {
    std::string left = std::string("  --") + s.flag + (*s.arg ? std::string(" ") + s.arg : "");
    if (left.size() < 36) left.resize(36, ' ');
    out += left + " " + s.help + (s.env ? std::string(" [$") + s.env + "]" : "") + "\n";
  }
  return out;
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const Error err{"", 0, "", "", "want a duration like 10s, 1m30s, 250ms or 1h"};
  if (text.empty()) return err;
  double total_ms = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start) return err;
    double n = 0;
    try {
      n = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return err;
    }
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    double mult = 0;
    if (unit.empty()) {
      if (any || i != text.size()) return err;
      mult = 1000;  // bare number: seconds
    } else if (unit == "ms") {
      mult = 1;
    } else if (unit == "s") {
      mult = 1000;
    } else if (unit == "m") {
      mult = 60000;
    } else if (unit == "h") {
      mult = 3600000;
    } else if (unit == "us" || unit == "µs") {
      mult = 0.001;
    } else if (unit == "ns") {
      mult = 0.000001;
    } else {
      return err;
    }
    total_ms += n * mult;
    any = true;
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms + 0.5));
}

Result<model::Time> parse_rfc3339(std::string_view text) {
  static const std::regex re(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::string s(text);
  std::smatch m;
  if (!std::regex_match(s, m, re))
    return Error{"", 0, "", "", "want an RFC 3339 time like 2026-11-27T10:00:00Z"};
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return Error{"", 0, "", "", "date or time out of range"};
  long long secs = static_cast<long long>(timegm(&tm));
  if (m[9].matched) {
    long long off = std::stoi(m[10]) * 3600LL + std::stoi(m[11]) * 60LL;
    secs -= (m[9] == "+" ? off : -off);
  }
  auto t = model::Time(std::chrono::seconds(secs));
  if (m[7].matched) {
    double frac = std::stod("0" + m[7].str());
    t += std::chrono::duration_cast<model::Clock::duration>(std::chrono::duration<double>(frac));
  }
  return t;
}

}  // namespace freightgate::webhook
