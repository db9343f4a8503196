// Deadlines in wall-clock or working time. An agency's calendar says which
// days are working days, its working hours, its holidays and its UTC offset
// (WIB +07:00, WITA +08:00, WIT +09:00).
#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace jejak::events {

struct Duration {
  enum class Unit { kMinutes, kHours, kDays, kWorkingDays };
  int64_t amount = 0;
  Unit unit = Unit::kDays;

  // "30m", "4h", "3d" (calendar days), "5wd" (working days). Throws
  // Error(kInvalidArgument) on anything else, or a non-positive amount.
  static Duration Parse(const std::string& text);
  std::string ToString() const;
};

struct Calendar {
  int utc_offset_minutes = 7 * 60;       // WIB
  uint8_t working_weekdays = 0b0011111;  // bit 0 = Monday ... bit 6 = Sunday
  int work_start_minute = 8 * 60;        // 08:00 local
  int work_end_minute = 16 * 60;         // 16:00 local
  std::set<int64_t> holidays;            // local dates, as days since 1970-01-01

  bool IsWorkingDay(int64_t local_day) const;
  // True if t falls on a working day within working hours, local time.
  bool IsWorkingTime(int64_t t_us) const;
  // The deadline for a wait of d that starts at start_us. Working days keep
  // the local time of day and skip weekends and holidays.
  int64_t Deadline(int64_t start_us, const Duration& d) const;
  // The time d before end_us, counted as Deadline counts: working days keep
  // the local time of day and skip weekends and holidays backwards.
  int64_t Before(int64_t end_us, const Duration& d) const;

  // The local day (since 1970-01-01) t_us falls on, and the start (00:00
  // local) of one.
  int64_t LocalDay(int64_t t_us) const;
  int64_t StartOfDay(int64_t local_day) const;
  // local_day moved by days working days (back if negative); the calendar
  // must have working weekdays.
  int64_t AddWorkingDays(int64_t local_day, int64_t days) const;

  // A paused clock (a state's "clock: pause"). TimeLeft is the time from
  // now_us to deadline_us that counts for a wait in unit: for working days
  // only the time on working days (whole local days), otherwise all of it;
  // zero once the deadline has passed. Resume is the deadline that leaves
  // time_left_us of such time after now_us, so that
  // TimeLeft(t, Resume(t, x, u), u) == x.
  int64_t TimeLeft(int64_t now_us, int64_t deadline_us, Duration::Unit unit) const;
  int64_t Resume(int64_t now_us, int64_t time_left_us, Duration::Unit unit) const;

 private:
  // t_us moved by days working days (back if negative), at the same local
  // time of day; the calendar must have working weekdays.
  int64_t ShiftWorkingDays(int64_t t_us, int64_t days) const;
};

}  // namespace jejak::events
