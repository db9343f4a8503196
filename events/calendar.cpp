#include "events/calendar.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "events/time.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

constexpr int64_t kMinuteUs = 60'000'000;
constexpr int64_t kDayUs = int64_t{24} * 60 * kMinuteUs;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Duration Duration::Parse(const std::string& text) {
  size_t i = 0;
  int64_t amount = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && amount < 1'000'000) {
    amount = amount * 10 + (text[i++] - '0');
  }
  std::string unit = text.substr(i);
  Duration d;
  d.amount = amount;
  if (unit == "m") {
    d.unit = Unit::kMinutes;
  } else if (unit == "h") {
    d.unit = Unit::kHours;
  } else if (unit == "d") {
    d.unit = Unit::kDays;
  } else if (unit == "wd") {
    d.unit = Unit::kWorkingDays;
  } else {
    i = 0;
  }
  if (i == 0 || amount <= 0 || amount >= 1'000'000) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("bad duration \"{}\": expected a positive number and a unit: "
                            "m (minutes), h (hours), d (days) or wd (working days), "
                            "as in \"4h\" or \"5wd\"",
                            text));
  }
  return d;
}

std::string Duration::ToString() const {
  static constexpr const char* kUnits[] = {"m", "h", "d", "wd"};
  return fmt::format("{}{}", amount, kUnits[static_cast<int>(unit)]);
}

bool Calendar::IsWorkingDay(int64_t local_day) const {
  // 1970-01-01 was a Thursday: weekday index 3 with Monday = 0.
  int weekday = static_cast<int>(((local_day % 7) + 7 + 3) % 7);
  return (working_weekdays >> weekday & 1) != 0 && holidays.count(local_day) == 0;
}

bool Calendar::IsWorkingTime(int64_t t_us) const {
  int64_t day = LocalDay(t_us);
  int64_t minute = (t_us - StartOfDay(day)) / kMinuteUs;
  return IsWorkingDay(day) && minute >= work_start_minute && minute < work_end_minute;
}

int64_t Calendar::Deadline(int64_t start_us, const Duration& d) const {
  switch (d.unit) {
    case Duration::Unit::kMinutes:
      return start_us + d.amount * kMinuteUs;
    case Duration::Unit::kHours:
      return start_us + d.amount * 60 * kMinuteUs;
    case Duration::Unit::kDays:
      return start_us + d.amount * kDayUs;
    case Duration::Unit::kWorkingDays:
      break;
  }
  if (working_weekdays == 0) return start_us + d.amount * kDayUs;  // no working days at all
  return ShiftWorkingDays(start_us, d.amount);
}

int64_t Calendar::Before(int64_t end_us, const Duration& d) const {
  // Fixed lengths: the same span Deadline adds.
  if (d.unit != Duration::Unit::kWorkingDays || working_weekdays == 0) {
    return end_us - Deadline(0, d);
  }
  return ShiftWorkingDays(end_us, -d.amount);
}

int64_t Calendar::LocalDay(int64_t t_us) const {
  return FloorDiv(t_us + utc_offset_minutes * kMinuteUs, kDayUs);
}

int64_t Calendar::StartOfDay(int64_t local_day) const {
  return local_day * kDayUs - utc_offset_minutes * kMinuteUs;
}

int64_t Calendar::AddWorkingDays(int64_t local_day, int64_t days) const {
  int64_t step = days < 0 ? -1 : 1;
  for (int64_t left = days * step; left > 0;) {
    local_day += step;
    if (IsWorkingDay(local_day)) --left;
  }
  return local_day;
}

int64_t Calendar::TimeLeft(int64_t now_us, int64_t deadline_us, Duration::Unit unit) const {
  if (deadline_us <= now_us) return 0;
  if (unit != Duration::Unit::kWorkingDays || working_weekdays == 0) return deadline_us - now_us;
  int64_t offset = utc_offset_minutes * kMinuteUs;
  int64_t from = now_us + offset, to = deadline_us + offset;
  int64_t counted = 0;
  for (int64_t day = FloorDiv(from, kDayUs); day * kDayUs < to; ++day) {
    if (!IsWorkingDay(day)) continue;
    counted += std::min(to, (day + 1) * kDayUs) - std::max(from, day * kDayUs);
  }
  return counted;
}

int64_t Calendar::Resume(int64_t now_us, int64_t time_left_us, Duration::Unit unit) const {
  if (time_left_us <= 0) return now_us;
  if (unit != Duration::Unit::kWorkingDays || working_weekdays == 0) return now_us + time_left_us;
  int64_t offset = utc_offset_minutes * kMinuteUs;
  int64_t at = now_us + offset;
  // A working weekday comes within every week, holidays aside; a calendar
  // of nothing but holidays would be refused long before this many years.
  for (int64_t day = FloorDiv(at, kDayUs), n = 0; n < 366 * 100; ++day, ++n) {
    if (!IsWorkingDay(day)) continue;
    int64_t start = std::max(at, day * kDayUs), end = (day + 1) * kDayUs;
    if (time_left_us <= end - start) return start + time_left_us - offset;
    time_left_us -= end - start;
  }
  return now_us + time_left_us;
}

int64_t Calendar::ShiftWorkingDays(int64_t t_us, int64_t days) const {
  int64_t day = LocalDay(t_us);
  return StartOfDay(AddWorkingDays(day, days)) + (t_us - StartOfDay(day));
}

}  // namespace jejak::events
