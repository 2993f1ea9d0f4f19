// ObjectMeta, LabelSelector and ObjectBase helpers; Go-style durations and RFC 3339 times.
#include "freightgate/model/meta.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "freightgate/model/argocd.h"

namespace freightgate::model {

std::string ObjectMeta::annotation(const std::string& key) const {
  auto it = annotations.find(key);
  return it == annotations.end() ? std::string() : it->second;
}

std::string ObjectMeta::label(const std::string& key) const {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& [k, v] : matchLabels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& r : matchExpressions) {
    auto it = labels.find(r.key);
    const bool has = it != labels.end();
    const bool in =
        has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    if (r.operator_ == "In") {
      if (!in) return false;
    } else if (r.operator_ == "NotIn") {
      // Kubernetes: NotIn matches objects without the key too.
      if (in) return false;
    } else if (r.operator_ == "Exists") {
      if (!has) return false;
    } else if (r.operator_ == "DoesNotExist") {
      if (has) return false;
    } else {
      return false;  // an unknown operator never matches (decoding rejects it)
    }
  }
  return true;
}

std::string ObjectBase::display_name() const {
  std::string k = kind.empty() ? std::string("object") : kind;
  if (!metadata.name.empty()) return k + " \"" + metadata.name + "\"";
  if (!metadata.generateName.empty()) return k + " \"" + metadata.generateName + "*\"";
  return k;
}

std::string ObjectBase::qualified_name() const {
  std::string k = kind.empty() ? std::string("object") : kind;
  std::string n = metadata.name.empty()
                      ? metadata.generateName + (metadata.generateName.empty() ? "" : "*")
                      : metadata.name;
  if (n.empty()) return k;
  if (!metadata.namespace_.empty()) n = metadata.namespace_ + "/" + n;
  return k + " \"" + n + "\"";
}

std::optional<std::string> ApplicationSource::env(const std::string& name) const {
  for (const auto& e : pluginEnv)
    if (e.name == name) return e.value;
  return std::nullopt;
}

// ---- durations ------------------------------------------------------------------------------

namespace {

Error duration_error(std::string_view text, const std::string& why) {
  Error e;
  e.message = "invalid duration \"" + std::string(text) + "\": " + why +
              "; use Go duration syntax such as 30s, 5m, 1h30m or 5m0s";
  return e;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  std::string_view s = text;
  if (s.empty()) return duration_error(text, "empty");
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return duration_error(text, "no number");
  long double total_ns = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double whole = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      ++i;
      digits = true;
    }
    long double frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac = frac * 10 + (s[i] - '0');
        scale *= 10;
        ++i;
        digits = true;
      }
    }
    if (!digits) return duration_error(text, "expected a number");
    size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    std::string_view unit = s.substr(i, u - i);
    const bool spaced = !unit.empty() && (unit.front() == ' ' || unit.front() == '\t');
    while (!unit.empty() && (unit.front() == ' ' || unit.front() == '\t')) unit.remove_prefix(1);
    if (unit.empty()) return duration_error(text, "missing unit (one of ns, us, ms, s, m, h)");
    long double ns;
    if (unit == "ns")
      ns = 1;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs")
      ns = 1e3;
    else if (unit == "ms")
      ns = 1e6;
    else if (unit == "s")
      ns = 1e9;
    else if (unit == "m")
      ns = 60e9;
    else if (unit == "h")
      ns = 3600e9;
    else
      return duration_error(text, "unknown unit \"" + std::string(unit) + "\"");
    if (spaced) return duration_error(text, "no space allowed before the unit");
    total_ns += (whole + frac / scale) * ns;
    if (total_ns > static_cast<long double>(std::numeric_limits<long long>::max()))
      return duration_error(text, "too large");
    s.remove_prefix(u);
  }
  auto ms = static_cast<long long>(total_ns / 1e6L + 1e-9L);
  return Duration{neg ? -ms : ms};
}

std::string format_duration(Duration d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  unsigned long long u = ms < 0 ? static_cast<unsigned long long>(-(ms + 1)) + 1 : ms;
  if (u < 1000) return sign + std::to_string(u) + "ms";
  unsigned long long h = u / 3600000, m = (u / 60000) % 60, s = (u / 1000) % 60, f = u % 1000;
  std::string secs = std::to_string(s);
  if (f) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03llu", f);
    std::string fs = buf;
    while (fs.back() == '0') fs.pop_back();
    secs += fs;
  }
  std::string out = sign;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += secs + "s";
  return out;
}

// ---- times ----------------------------------------------------------------------------------

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

Error time_error(std::string_view text) {
  Error e;
  e.message = "invalid time \"" + std::string(text) + "\": use RFC 3339, e.g. 2024-05-01T10:00:00Z";
  return e;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

Result<Time> parse_time(std::string_view s) {
  int Y, M, D, h, m, sec;
  if (!digits(s, 0, 4, Y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' ||
      !digits(s, 8, 2, D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, m) || s[16] != ':' ||
      !digits(s, 17, 2, sec))
    return time_error(s);
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return time_error(s);
  size_t i = 19;
  long long ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 3) ms = ms * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return time_error(s);
    for (; n < 3; ++n) ms *= 10;
  }
  long long offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om))
      return time_error(s);
    offset_s = (oh * 3600LL + om * 60LL) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return time_error(s);
  }
  if (i != s.size()) return time_error(s);
  long long secs = days_from_civil(Y, M, D) * 86400LL + h * 3600LL + m * 60LL + sec - offset_s;
  return Time{std::chrono::milliseconds(secs * 1000 + ms)};
}

std::string format_time(Time t) {
  long long ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  long long secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  long long frac = ms - secs * 1000;
  long long days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  long long rem = secs - days * 86400;
  // civil_from_days
  long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mo = mp < 10 ? mp + 3 : mp - 9;
  y += mo <= 2;
  char buf[128];
  if (frac)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", y, mo, d,
                  rem / 3600, (rem / 60) % 60, rem % 60, frac);
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, mo, d, rem / 3600,
                  (rem / 60) % 60, rem % 60);
  return buf;
}

}  // namespace freightgate::model
