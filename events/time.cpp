#include "events/time.h"

#include <fmt/format.h>

#include <chrono>

#include "base/error.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

[[noreturn]] void Bad(std::string_view text, std::string_view why) {
  throw Error(ErrorCode::kInvalidArgument, fmt::format("invalid timestamp \"{}\": {}", text, why));
}

// Reads exactly n digits at text[*pos]; advances *pos.
int Digits(std::string_view text, size_t* pos, size_t n) {
  if (*pos + n > text.size()) Bad(text, "too short");
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') Bad(text, "expected a digit");
    value = value * 10 + (c - '0');
  }
  *pos += n;
  return value;
}

void Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) Bad(text, fmt::format("expected '{}'", c));
  ++*pos;
}

}  // namespace

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's algorithms (public domain), valid over the whole int range.
int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (*month <= 2));
}

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<int64_t> ParseDate(std::string_view t) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!digit(t[i])) return std::nullopt;
  }
  int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  unsigned m = (t[5] - '0') * 10 + (t[6] - '0');
  unsigned d = (t[8] - '0') * 10 + (t[9] - '0');
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::string FormatDate(int64_t days) {
  int year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::string FormatRfc3339(int64_t micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t sod = seconds % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  int year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", year, month, day, sod / 3600,
                       (sod / 60) % 60, sod % 60, frac);
  }
  // Digit by digit: the Kafka relay formats one per ledger entry.
  char out[] = "0000-00-00T00:00:00.000000Z";
  auto put = [&out](int at, int width, int64_t v) {
    for (int i = at + width - 1; i >= at; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, year);
  put(5, 2, month);
  put(8, 2, day);
  put(11, 2, sod / 3600);
  put(14, 2, (sod / 60) % 60);
  put(17, 2, sod % 60);
  put(20, 6, frac);
  return std::string(out, sizeof out - 1);
}

int64_t ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int year = Digits(text, &pos, 4);
  Expect(text, &pos, '-');
  unsigned month = Digits(text, &pos, 2);
  Expect(text, &pos, '-');
  unsigned day = Digits(text, &pos, 2);
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) Bad(text, "expected 'T'");
  ++pos;
  int hour = Digits(text, &pos, 2);
  Expect(text, &pos, ':');
  int minute = Digits(text, &pos, 2);
  Expect(text, &pos, ':');
  int second = Digits(text, &pos, 2);
  int64_t frac = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale > 0) frac += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) Bad(text, "expected 1 to 9 fractional digits");
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = Digits(text, &pos, 2);
    Expect(text, &pos, ':');
    int om = Digits(text, &pos, 2);
    if (oh > 23 || om > 59) Bad(text, "bad UTC offset");
    offset_minutes = sign * (oh * 60 + om);
  } else {
    Bad(text, "expected 'Z' or a UTC offset");
  }
  if (pos != text.size()) Bad(text, "unexpected trailing characters");
  if (month < 1 || month > 12) Bad(text, "month out of range");
  int64_t days = DaysFromCivil(year, month, day);
  int cy;
  unsigned cm, cd;
  CivilFromDays(days, &cy, &cm, &cd);
  if (cy != year || cm != month || cd != day) Bad(text, "no such date");
  if (hour > 23 || minute > 59 || second > 59) Bad(text, "time of day out of range");
  int64_t seconds = days * kSecondsPerDay + int64_t{hour} * 3600 + int64_t{minute} * 60 + second -
                    int64_t{offset_minutes} * 60;
  int64_t micros = seconds * kMicrosPerSecond + frac;
  if (!IsTimeInRange(micros)) Bad(text, "outside the years 0000 to 9999 in UTC");
  return micros;
}

}  // namespace jejak::events
