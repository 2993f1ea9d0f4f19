// Promotion windows: a 5-field cron schedule says when a window opens (wall-clock time in an
// IANA time zone), a duration how long it stays open. Time zones come from the system tz
// database (/usr/share/zoneinfo TZif files, including the POSIX TZ footer for times past the
// last listed transition), because g++ 12's libstdc++ has no std::chrono::locate_zone.
//
// Thread-safety: CronSchedule and TimeZone are immutable values; TimeZone::load caches
// loaded zones behind a mutex and may be called from any thread.
#pragma once

#include <bitset>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "freightgate/model/meta.h"
#include "freightgate/model/policy.h"
#include "freightgate/status.h"

namespace freightgate::policy {

using model::Duration;
using model::Time;

// A wall-clock minute, as cron sees it.
struct CivilMinute {
  int year, month, day;  // month 1-12, day 1-31
  int weekday;           // 0 = Sunday
  int hour, minute;
};

// "min hour dom month dow" with lists, ranges, steps, names (JAN-DEC, SUN-SAT), 7 = Sunday,
// `?` as `*`, and the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly macros.
// Day matching follows Vixie cron: when both day fields are restricted, either may match.
class CronSchedule {
 public:
  static Result<CronSchedule> parse(std::string_view text);
  bool matches(const CivilMinute& t) const;
  bool day_matches(int month, int day, int weekday) const;
  bool hour_matches(int hour) const { return hour_[hour]; }
  bool minute_matches(int minute) const { return minute_[minute]; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minute_;
  std::bitset<24> hour_;
  std::bitset<32> dom_;
  std::bitset<13> month_;
  std::bitset<7> dow_;
  bool dom_star_ = true, dow_star_ = true;
};

// An IANA time zone read from a TZif file.
class TimeZone {
 public:
  // Loads (once, then cached) `name` from `zoneinfo_dir`. "" and "UTC" are UTC.
  static Result<std::shared_ptr<const TimeZone>> load(
      std::string_view name, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses TZif bytes (RFC 8536, versions 1-4).
  static Result<std::shared_ptr<const TimeZone>> parse(std::string_view name,
                                                       std::string_view tzif);
  const std::string& name() const { return name_; }
  // UTC offset (east positive) in effect at `t`.
  std::chrono::seconds offset_at(Time t) const;
  // Wall-clock minute at `t` in this zone.
  CivilMinute civil(Time t) const;
  // RFC 3339 with this zone's offset, e.g. "2026-11-27T18:00:00+01:00".
  std::string format(Time t) const;

  struct PosixRule;  // the TZ-string footer, parsed (defined in window.cpp)

 private:
  std::string name_;
  std::vector<long long> transitions_;   // UTC seconds, ascending
  std::vector<int> transition_offsets_;  // utoff after each transition
  int initial_offset_ = 0;               // before the first transition
  std::shared_ptr<const PosixRule> footer_;
};

// One window of a PromotionPolicy, ready to evaluate.
class Window {
 public:
  static Result<Window> make(const model::PromotionWindow& spec);
  bool deny() const { return deny_; }
  const model::PromotionWindow& spec() const { return spec_; }
  const TimeZone& zone() const { return *zone_; }
  // The opening of the occurrence that contains `now` (opened at or before now, closes after
  // now), if any.
  std::optional<Time> open_occurrence(Time now) const;
  // The first opening strictly after `now`, searching up to `horizon` ahead.
  std::optional<Time> next_opening(Time now, Duration horizon = std::chrono::hours(24 * 400)) const;
  Time closes(Time opened) const { return opened + spec_.duration; }
  // `deny window "0 18 * * 5" for 62h (Europe/Berlin)`
  std::string describe() const;

 private:
  model::PromotionWindow spec_;
  CronSchedule cron_;
  std::shared_ptr<const TimeZone> zone_;
  bool deny_ = false;
};

// "62h", "90m", "1h30m", "45s" (Go duration style) for messages.
std::string format_duration(Duration d);

}  // namespace freightgate::policy
