// UTC timestamps as microseconds since the Unix epoch, the unit of every time
// in jejak's events, and their RFC 3339 text form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jejak::events {

// The times RFC 3339 can write, 0000-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999Z: every time in an event lies within them, so
// that each has its JSON form (docs/FORMAT.md).
inline constexpr int64_t kMinTimeMicros = -62'167'219'200'000'000;
inline constexpr int64_t kMaxTimeMicros = 253'402'300'799'999'999;
inline bool IsTimeInRange(int64_t micros) {
  return micros >= kMinTimeMicros && micros <= kMaxTimeMicros;
}

// Current wall-clock time in UTC microseconds.
int64_t NowMicros();

// "2026-11-28T06:28:26.123456Z": always six fractional digits and "Z".
std::string FormatRfc3339(int64_t micros);

// Accepts "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)"; digits past
// microseconds are truncated. Throws Error(kInvalidArgument) otherwise, and
// for a time that is not IsTimeInRange once in UTC.
int64_t ParseRfc3339(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int* year, unsigned* month, unsigned* day);
// 28 to 31.
unsigned DaysInMonth(int year, unsigned month);

// The day (since 1970-01-01) of a "YYYY-MM-DD" date of the years 0001 to
// 9999; nullopt for anything else.
std::optional<int64_t> ParseDate(std::string_view text);
// "YYYY-MM-DD" of a day since 1970-01-01 (ParseDate's inverse in its range).
std::string FormatDate(int64_t days);

}  // namespace jejak::events
