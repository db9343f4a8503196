#include "events/calendar.h"

#include <doctest/doctest.h>

#include "base/error.h"
#include "events/time.h"

namespace jejak::events {
namespace {

int64_t T(const char* rfc3339) { return events::ParseRfc3339(rfc3339); }

TEST_CASE("calendar: durations parse in four units and print back") {
  struct Case {
    const char* text;
    int64_t amount;
    Duration::Unit unit;
  };
  for (const Case& c :
       {Case{"30m", 30, Duration::Unit::kMinutes}, Case{"4h", 4, Duration::Unit::kHours},
        Case{"3d", 3, Duration::Unit::kDays}, Case{"5wd", 5, Duration::Unit::kWorkingDays},
        Case{"999999wd", 999999, Duration::Unit::kWorkingDays}}) {
    Duration d = Duration::Parse(c.text);
    CHECK(d.amount == c.amount);
    CHECK(d.unit == c.unit);
    CHECK(d.ToString() == c.text);
  }
  for (const char* bad : {"", "5", "h", "0d", "-1d", "5 wd", "5w", "5W", "1000000d", "1.5d"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(Duration::Parse(bad), base::Error);
  }
}

TEST_CASE("calendar: working days skip weekends and keep the local time of day") {
  Calendar wib;  // +07:00, Monday to Friday
  // Friday 14:30 WIB + 2 working days = Tuesday 14:30 WIB.
  int64_t friday = T("2026-11-27T14:30:00+07:00");
  CHECK(wib.Deadline(friday, Duration::Parse("2wd")) == T("2026-12-01T14:30:00+07:00"));
  CHECK(wib.Deadline(friday, Duration::Parse("1wd")) == T("2026-11-30T14:30:00+07:00"));
  CHECK(wib.Deadline(friday, Duration::Parse("5wd")) == T("2026-12-04T14:30:00+07:00"));
  // From a Sunday, the first working day is Monday.
  CHECK(wib.Deadline(T("2026-11-29T10:00:00+07:00"), Duration::Parse("1wd")) ==
        T("2026-11-30T10:00:00+07:00"));
}

TEST_CASE("calendar: working days skip holidays") {
  Calendar cal;
  cal.holidays.insert(events::DaysFromCivil(2026, 11, 30));  // a Monday
  int64_t friday = T("2026-11-27T14:30:00+07:00");
  CHECK(cal.Deadline(friday, Duration::Parse("2wd")) == T("2026-12-02T14:30:00+07:00"));
  CHECK_FALSE(cal.IsWorkingDay(events::DaysFromCivil(2026, 11, 30)));
  CHECK(cal.IsWorkingDay(events::DaysFromCivil(2026, 12, 1)));
  CHECK_FALSE(cal.IsWorkingDay(events::DaysFromCivil(2026, 11, 28)));  // Saturday
}

TEST_CASE("calendar: the UTC offset decides which local day a time falls on") {
  // Friday 23:30 UTC is already Saturday 06:30 in WIB.
  int64_t t = T("2026-11-27T23:30:00Z");
  Calendar wib;
  Calendar utc;
  utc.utc_offset_minutes = 0;
  CHECK(wib.Deadline(t, Duration::Parse("1wd")) == T("2026-11-30T06:30:00+07:00"));
  CHECK(utc.Deadline(t, Duration::Parse("1wd")) == T("2026-11-30T23:30:00Z"));
  Calendar wit;
  wit.utc_offset_minutes = 9 * 60;
  CHECK(wit.IsWorkingTime(T("2026-11-30T08:00:00+09:00")));
  CHECK_FALSE(wib.IsWorkingTime(T("2026-11-30T08:00:00+09:00")));  // 06:00 WIB
}

TEST_CASE("calendar: working hours and six-day weeks") {
  Calendar cal;
  CHECK(cal.IsWorkingTime(T("2026-11-30T08:00:00+07:00")));
  CHECK(cal.IsWorkingTime(T("2026-11-30T15:59:59+07:00")));
  CHECK_FALSE(cal.IsWorkingTime(T("2026-11-30T16:00:00+07:00")));
  CHECK_FALSE(cal.IsWorkingTime(T("2026-11-30T07:59:59+07:00")));
  CHECK_FALSE(cal.IsWorkingTime(T("2026-11-28T10:00:00+07:00")));  // Saturday
  cal.working_weekdays = 0b0111111;                                // Monday to Saturday
  CHECK(cal.IsWorkingTime(T("2026-11-28T10:00:00+07:00")));
  CHECK(cal.Deadline(T("2026-11-27T09:00:00+07:00"), Duration::Parse("1wd")) ==
        T("2026-11-28T09:00:00+07:00"));
}

TEST_CASE("calendar: wall-clock durations ignore the calendar") {
  Calendar cal;
  int64_t friday = T("2026-11-27T14:30:00+07:00");
  CHECK(cal.Deadline(friday, Duration::Parse("30m")) == T("2026-11-27T15:00:00+07:00"));
  CHECK(cal.Deadline(friday, Duration::Parse("4h")) == T("2026-11-27T18:30:00+07:00"));
  CHECK(cal.Deadline(friday, Duration::Parse("3d")) == T("2026-11-30T14:30:00+07:00"));
}

TEST_CASE("calendar: Before counts back as Deadline counts forward") {
  Calendar cal;                                      // WIB, Monday to Friday
  cal.holidays.insert(DaysFromCivil(2026, 11, 30));  // a Monday
  int64_t tue = ParseRfc3339("2026-12-01T09:00:00+07:00");
  // Tuesday minus 2 working days: the holiday Monday and the weekend skipped.
  CHECK(cal.Before(tue, Duration::Parse("2wd")) == ParseRfc3339("2026-11-26T09:00:00+07:00"));
  CHECK(cal.Before(tue, Duration::Parse("4h")) == ParseRfc3339("2026-12-01T05:00:00+07:00"));
  CHECK(cal.Before(tue, Duration::Parse("3d")) == ParseRfc3339("2026-11-28T09:00:00+07:00"));
  for (const char* d : {"1wd", "5wd", "12wd"}) {
    CAPTURE(d);
    Duration dur = Duration::Parse(d);
    CHECK(cal.Before(cal.Deadline(tue, dur), dur) == tue);
  }
}

TEST_CASE("calendar: a paused clock keeps the working time left and gives it back") {
  Calendar wib;
  const auto wd = Duration::Unit::kWorkingDays;
  constexpr int64_t kHourUs = int64_t{3600} * 1'000'000;
  // Left on Thursday 10:00 with a deadline of Tuesday 10:00: Thursday,
  // Friday and Monday count in full, the weekend not at all.
  int64_t thursday = T("2026-11-26T10:00:00+07:00");
  int64_t tuesday = T("2026-12-01T10:00:00+07:00");
  CHECK(wib.TimeLeft(thursday, tuesday, wd) == 3 * 24 * kHourUs);
  // Back on Wednesday 9 December at 13:00: the same three working days from then.
  int64_t back = T("2026-12-09T13:00:00+07:00");
  CHECK(wib.Resume(back, 3 * 24 * kHourUs, wd) == T("2026-12-14T13:00:00+07:00"));
  // Back on a Saturday: the clock starts again on Monday at midnight.
  CHECK(wib.Resume(T("2026-12-12T11:00:00+07:00"), 30 * kHourUs, wd) ==
        T("2026-12-15T06:00:00+07:00"));
  // A deadline from Deadline() has its whole length left at the start.
  int64_t start = T("2026-11-27T14:30:00+07:00");
  int64_t deadline = wib.Deadline(start, Duration::Parse("5wd"));
  CHECK(wib.TimeLeft(start, deadline, wd) == 5 * 24 * kHourUs);
  CHECK(wib.Resume(start, 5 * 24 * kHourUs, wd) == deadline);
  // Holidays do not count either.
  Calendar with_holiday;
  with_holiday.holidays.insert(events::DaysFromCivil(2026, 11, 30));  // the Monday
  CHECK(with_holiday.TimeLeft(thursday, tuesday, wd) == 2 * 24 * kHourUs);
  // Passed deadlines leave nothing; wall-clock units count every hour.
  CHECK(wib.TimeLeft(tuesday, thursday, wd) == 0);
  CHECK(wib.Resume(back, 0, wd) == back);
  CHECK(wib.TimeLeft(thursday, tuesday, Duration::Unit::kDays) == 5 * 24 * kHourUs);
  CHECK(wib.Resume(back, 5 * kHourUs, Duration::Unit::kHours) == back + 5 * kHourUs);
}

}  // namespace
}  // namespace jejak::events
