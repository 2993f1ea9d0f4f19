// Cron schedules, TZif time zones and promotion windows (policy/window.h).
#include "freightgate/policy/window.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace freightgate::policy {

namespace chr = std::chrono;

namespace {

Error cron_error(std::string_view text, std::string message) {
  Error e;
  e.path = "schedule";
  e.message = "\"" + std::string(text) + "\": " + std::move(message) +
              "; use 5 fields \"minute hour day-of-month month day-of-week\", e.g. \"0 18 * * 5\"";
  return e;
}

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;
  int name_count;
};

int field_value(std::string_view s, const FieldSpec& f) {
  if (s.empty() || s.size() > 3) return -1;
  if (std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit((unsigned char)c); })) {
    int v = std::stoi(std::string(s));
    return v >= f.lo && v <= f.hi ? v : -1;
  }
  std::string up;
  for (char c : s) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int i = 0; i < f.name_count; ++i)
    if (up == f.names[i]) return f.lo + i;
  return -1;
}

// Parses one field into the set of values it allows. `star` is set for a bare `*`/`?`.
template <size_t N>
Status parse_field(std::string_view text, std::string_view whole, const FieldSpec& f,
                   std::bitset<N>& out, bool& star) {
  star = text == "*" || text == "?";
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == text.npos ? text.npos : comma - start);
    auto bad = [&] {
      return cron_error(whole, std::string(f.name) + " field \"" + std::string(item) +
                                   "\" is invalid (allowed: * , - / and " + std::to_string(f.lo) +
                                   "-" + std::to_string(f.hi) + ")");
    };
    if (item.empty()) return bad();
    int step = 1;
    std::string_view range = item;
    if (size_t slash = item.find('/'); slash != item.npos) {
      std::string_view s = item.substr(slash + 1);
      range = item.substr(0, slash);
      if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != s.npos) return bad();
      step = std::stoi(std::string(s));
      if (step <= 0) return bad();
    }
    int a, b;
    if (range == "*" || range == "?") {
      a = f.lo;
      b = f.hi;
    } else if (size_t dash = range.find('-'); dash != range.npos) {
      a = field_value(range.substr(0, dash), f);
      b = field_value(range.substr(dash + 1), f);
      if (a < 0 || b < 0 || a > b) return bad();
    } else {
      a = field_value(range, f);
      if (a < 0) return bad();
      // "5/15" means 5,20,35,50 (from 5 to the end, every 15), as in Vixie cron.
      b = item.find('/') != item.npos ? f.hi : a;
    }
    for (int v = a; v <= b; v += step) out.set(static_cast<size_t>(v));
    if (comma == text.npos) return ok_status();
    start = comma + 1;
  }
}

}  // namespace

// ---- CronSchedule ---------------------------------------------------------------------------

Result<CronSchedule> CronSchedule::parse(std::string_view text) {
  std::vector<std::string> fields;
  {
    std::istringstream in{std::string(text)};
    std::string f;
    while (in >> f) fields.push_back(f);
  }
  if (fields.size() == 1 && fields[0][0] == '@') {
    static const std::map<std::string, std::string> kMacros = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"}};
    auto it = kMacros.find(fields[0]);
    if (it == kMacros.end()) return cron_error(text, "unknown macro");
    auto r = parse(it->second);
    if (r) r->text_ = std::string(text);
    return r;
  }
  if (fields.size() != 5)
    return cron_error(text, "has " + std::to_string(fields.size()) + " fields, not 5");
  static const FieldSpec kSpecs[] = {{"minute", 0, 59, nullptr, 0},
                                     {"hour", 0, 23, nullptr, 0},
                                     {"day-of-month", 1, 31, nullptr, 0},
                                     {"month", 1, 12, kMonthNames, 12},
                                     {"day-of-week", 0, 7, kDayNames, 7}};
  CronSchedule c;
  c.text_ = std::string(text);
  bool star;
  if (auto s = parse_field(fields[0], text, kSpecs[0], c.minute_, star); !s) return s.error();
  if (auto s = parse_field(fields[1], text, kSpecs[1], c.hour_, star); !s) return s.error();
  if (auto s = parse_field(fields[2], text, kSpecs[2], c.dom_, c.dom_star_); !s) return s.error();
  if (auto s = parse_field(fields[3], text, kSpecs[3], c.month_, star); !s) return s.error();
  std::bitset<8> dow;
  if (auto s = parse_field(fields[4], text, kSpecs[4], dow, c.dow_star_); !s) return s.error();
  for (size_t i = 0; i < 7; ++i) c.dow_[i] = dow[i];
  if (dow[7]) c.dow_[0] = true;  // 7 is Sunday too
  return c;
}

bool CronSchedule::day_matches(int month, int day, int weekday) const {
  if (!month_[static_cast<size_t>(month)]) return false;
  bool dom = dom_[static_cast<size_t>(day)], dow = dow_[static_cast<size_t>(weekday)];
  if (dom_star_ || dow_star_) return dom && dow;
  return dom || dow;
}

bool CronSchedule::matches(const CivilMinute& t) const {
  return day_matches(t.month, t.day, t.weekday) && hour_matches(t.hour) && minute_matches(t.minute);
}

// ---- TimeZone -------------------------------------------------------------------------------

// A POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"): the rule for times after the last
// transition of a TZif file.
struct TimeZone::PosixRule {
  struct Date {
    char kind = 'M';  // 'M' (month.week.day), 'J' (Julian 1-365, no Feb 29), 'N' (0-365)
    int month = 0, week = 0, day = 0;
    int time = 7200;  // seconds after local midnight
  };
  int std_off = 0;  // utoff, east positive
  bool has_dst = false;
  int dst_off = 0;
  Date start, end;

  // Seconds since epoch (UTC) of local-midnight-based `d` in `year`, then shifted by `off`.
  static long long when(const Date& d, int year, int off) {
    chr::sys_days day;
    if (d.kind == 'M') {
      chr::year_month y_m{chr::year{year}, chr::month{static_cast<unsigned>(d.month)}};
      chr::weekday wd{static_cast<unsigned>(d.day)};
      if (d.week == 5) {
        day = chr::sys_days{y_m / chr::weekday_last{wd}};
      } else {
        day = chr::sys_days{y_m / wd[static_cast<unsigned>(d.week)]};
      }
    } else {
      chr::sys_days jan1{chr::year{year} / 1 / 1};
      int n = d.day;
      if (d.kind == 'J') {
        n -= 1;  // 1-based, Feb 29 never counted
        if (chr::year{year}.is_leap() && n >= 59) n += 1;
      }
      day = jan1 + chr::days{n};
    }
    return chr::duration_cast<chr::seconds>(day.time_since_epoch()).count() + d.time - off;
  }

  int offset_at(long long t) const {
    if (!has_dst) return std_off;
    int year = static_cast<int>(
        chr::year_month_day{chr::floor<chr::days>(chr::sys_seconds{chr::seconds{t}})}.year());
    long long s = when(start, year, std_off);
    long long e = when(end, year, dst_off);
    if (s < e) return t >= s && t < e ? dst_off : std_off;
    return t >= e && t < s ? std_off : dst_off;  // southern hemisphere
  }
};

namespace {

using PosixRule = TimeZone::PosixRule;

// Parses "[+-]hh[:mm[:ss]]" into seconds.
bool parse_hms(std::string_view& s, int& out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    if (n == 0) return false;
    parts[i] = std::stoi(std::string(s.substr(0, n)));
    s.remove_prefix(n);
    if (i < 2 && !s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      continue;
    }
    break;
  }
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool parse_name(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    size_t close = s.find('>');
    if (close == s.npos) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

bool parse_date(std::string_view& s, PosixRule::Date& d) {
  auto number = [&](int& v) {
    size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    if (n == 0) return false;
    v = std::stoi(std::string(s.substr(0, n)));
    s.remove_prefix(n);
    return true;
  };
  if (!s.empty() && s[0] == 'M') {
    d.kind = 'M';
    s.remove_prefix(1);
    if (!number(d.month) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!number(d.week) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!number(d.day)) return false;
    if (d.month < 1 || d.month > 12 || d.week < 1 || d.week > 5 || d.day > 6) return false;
  } else if (!s.empty() && s[0] == 'J') {
    d.kind = 'J';
    s.remove_prefix(1);
    if (!number(d.day) || d.day < 1 || d.day > 365) return false;
  } else {
    d.kind = 'N';
    if (!number(d.day) || d.day > 365) return false;
  }
  d.time = 7200;
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    if (!parse_hms(s, d.time)) return false;
  }
  return true;
}

std::optional<PosixRule> parse_posix(std::string_view s) {
  PosixRule r;
  int off = 0;
  if (!parse_name(s) || !parse_hms(s, off)) return std::nullopt;
  r.std_off = -off;
  if (s.empty()) return r;
  if (!parse_name(s)) return std::nullopt;
  r.has_dst = true;
  r.dst_off = r.std_off + 3600;
  if (!s.empty() && s[0] != ',') {
    if (!parse_hms(s, off)) return std::nullopt;
    r.dst_off = -off;
  }
  if (s.empty()) {
    // No rule given: POSIX leaves it implementation-defined; use the US rules as glibc does.
    r.start = {'M', 3, 2, 0, 7200};
    r.end = {'M', 11, 1, 0, 7200};
    return r;
  }
  if (s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!parse_date(s, r.start) || s.empty() || s[0] != ',') return std::nullopt;
  s.remove_prefix(1);
  if (!parse_date(s, r.end) || !s.empty()) return std::nullopt;
  return r;
}

long long be(std::string_view b, size_t at, size_t n) {
  unsigned long long v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<long long>(v);
}

Error tz_error(std::string_view name, std::string message) {
  Error e;
  e.path = "timeZone";
  e.message = "\"" + std::string(name) + "\": " + std::move(message);
  return e;
}

}  // namespace

Result<std::shared_ptr<const TimeZone>> TimeZone::parse(std::string_view name, std::string_view b) {
  auto corrupt = [&](const char* what) {
    return tz_error(name, std::string("corrupt TZif data (") + what + ")");
  };
  if (b.size() < 44 || b.substr(0, 4) != "TZif") return corrupt("no TZif header");
  auto counts = [&](size_t at, long long c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be(b, at + 20 + 4 * static_cast<size_t>(i), 4);
  };
  long long c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  size_t at = 44;
  size_t tsize = 4;
  if (b[4] >= '2') {
    // Skip the v1 block, read the 64-bit v2+ block.
    at += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (b.size() < at + 44 || b.substr(at, 4) != "TZif") return corrupt("no v2 header");
    counts(at, c);
    at += 44;
    tsize = 8;
  }
  const size_t timecnt = static_cast<size_t>(c[3]), typecnt = static_cast<size_t>(c[4]);
  size_t need = timecnt * tsize + timecnt + typecnt * 6 + static_cast<size_t>(c[5]) +
                static_cast<size_t>(c[2]) * (tsize + 4) + static_cast<size_t>(c[1] + c[0]);
  if (typecnt == 0 || b.size() < at + need) return corrupt("truncated");
  auto tz = std::make_shared<TimeZone>();
  tz->name_ = std::string(name);
  const size_t idx_at = at + timecnt * tsize, types_at = idx_at + timecnt;
  std::vector<int> type_off(typecnt);
  for (size_t i = 0; i < typecnt; ++i) type_off[i] = static_cast<int>(be(b, types_at + 6 * i, 4));
  tz->initial_offset_ = type_off[0];
  for (size_t i = 0; i < timecnt; ++i) {
    size_t t = static_cast<unsigned char>(b[idx_at + i]);
    if (t >= typecnt) return corrupt("bad type index");
    tz->transitions_.push_back(be(b, at + i * tsize, tsize));
    tz->transition_offsets_.push_back(type_off[t]);
  }
  if (tsize == 8) {
    size_t footer = at + need;
    if (footer < b.size() && b[footer] == '\n') {
      size_t end = b.find('\n', footer + 1);
      if (end != b.npos && end > footer + 1) {
        auto rule = parse_posix(b.substr(footer + 1, end - footer - 1));
        if (!rule) return corrupt("unreadable TZ footer");
        tz->footer_ = std::make_shared<PosixRule>(*rule);
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(tz));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::load(std::string_view name,
                                                       const std::string& zoneinfo_dir) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  const std::string key = zoneinfo_dir + "\n" + std::string(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::shared_ptr<const TimeZone> zone;
  if (name.empty() || name == "UTC") {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    zone = z;
  } else {
    const std::string fix = "; use an IANA name such as \"UTC\" or \"Europe/Berlin\"";
    if (name.front() == '/' || name.find("..") != name.npos ||
        name.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+") != name.npos)
      return tz_error(name, "not a time zone name" + fix);
    std::ifstream in(zoneinfo_dir + "/" + std::string(name), std::ios::binary);
    if (!in) return tz_error(name, "unknown time zone (not in " + zoneinfo_dir + ")" + fix);
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = parse(name, ss.str());
    if (!parsed) return parsed.error();
    zone = *parsed;
  }
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace(key, zone);
  return zone;
}

std::chrono::seconds TimeZone::offset_at(Time t) const {
  long long s = chr::duration_cast<chr::seconds>(t.time_since_epoch()).count();
  if (transitions_.empty() || s < transitions_.front()) {
    if (transitions_.empty() && footer_) return chr::seconds{footer_->offset_at(s)};
    return chr::seconds{initial_offset_};
  }
  if (s >= transitions_.back() && footer_) return chr::seconds{footer_->offset_at(s)};
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  size_t i = static_cast<size_t>(it - transitions_.begin()) - 1;
  return chr::seconds{transition_offsets_[i]};
}

CivilMinute TimeZone::civil(Time t) const {
  auto local = chr::floor<chr::seconds>(t) + offset_at(t);
  auto day = chr::floor<chr::days>(local);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss hms{chr::floor<chr::seconds>(local - day)};
  CivilMinute m;
  m.year = static_cast<int>(ymd.year());
  m.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  m.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  m.weekday = static_cast<int>(chr::weekday{day}.c_encoding());
  m.hour = static_cast<int>(hms.hours().count());
  m.minute = static_cast<int>(hms.minutes().count());
  return m;
}

std::string TimeZone::format(Time t) const {
  auto off = offset_at(t);
  auto local = chr::floor<chr::seconds>(t) + off;
  auto day = chr::floor<chr::days>(local);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss hms{chr::floor<chr::seconds>(local - day)};
  char buf[64];
  long long o = off.count();
  char sign = o < 0 ? '-' : '+';
  o = o < 0 ? -o : o;
  if (o == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02lld:%02lld",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  sign, o / 3600, (o % 3600) / 60);
  }
  return buf;
}

// ---- Window ---------------------------------------------------------------------------------

Result<Window> Window::make(const model::PromotionWindow& spec) {
  Window w;
  w.spec_ = spec;
  if (spec.kind != "allow" && spec.kind != "deny") {
    Error e;
    e.path = "kind";
    e.message = "\"" + spec.kind + "\" is not a window kind; use allow or deny";
    return e;
  }
  w.deny_ = spec.kind == "deny";
  if (spec.duration <= Duration::zero()) {
    Error e;
    e.path = "duration";
    e.message = "must be positive; say how long the window stays open, e.g. 62h";
    return e;
  }
  auto cron = CronSchedule::parse(spec.schedule);
  if (!cron) return cron.error();
  w.cron_ = std::move(*cron);
  auto zone = TimeZone::load(spec.timeZone);
  if (!zone) return zone.error();
  w.zone_ = *zone;
  return w;
}

std::optional<Time> Window::open_occurrence(Time now) const {
  // Walk back over candidate wall-clock minutes, skipping whole days and hours that cannot
  // match; the first match at or before `now` is the latest opening.
  Time t = chr::floor<chr::minutes>(now);
  const Time lower = now - spec_.duration;  // openings at or before this have closed
  while (t > lower) {
    CivilMinute c = zone_->civil(t);
    if (!cron_.day_matches(c.month, c.day, c.weekday)) {
      t -= chr::minutes{c.hour * 60 + c.minute + 1};
    } else if (!cron_.hour_matches(c.hour)) {
      t -= chr::minutes{c.minute + 1};
    } else if (!cron_.minute_matches(c.minute)) {
      t -= chr::minutes{1};
    } else {
      return t;
    }
  }
  return std::nullopt;
}

std::optional<Time> Window::next_opening(Time now, Duration horizon) const {
  Time t = chr::floor<chr::minutes>(now) + chr::minutes{1};
  const Time upper = now + horizon;
  while (t <= upper) {
    CivilMinute c = zone_->civil(t);
    if (!cron_.day_matches(c.month, c.day, c.weekday)) {
      t += chr::minutes{(23 - c.hour) * 60 + (60 - c.minute)};
    } else if (!cron_.hour_matches(c.hour)) {
      t += chr::minutes{60 - c.minute};
    } else if (!cron_.minute_matches(c.minute)) {
      t += chr::minutes{1};
    } else {
      return t;
    }
  }
  return std::nullopt;
}

std::string Window::describe() const {
  return spec_.kind + " window \"" + spec_.schedule + "\" for " + format_duration(spec_.duration) +
         " (" + zone_->name() + ")";
}

std::string format_duration(Duration d) {
  long long s = chr::duration_cast<chr::seconds>(d).count();
  if (s == 0) return "0s";
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s % 3600 >= 60) out += std::to_string((s % 3600) / 60) + "m";
  if (s % 60) out += std::to_string(s % 60) + "s";
  return out;
}

}  // namespace freightgate::policy
