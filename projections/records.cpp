#include "projections/records.h"

#include <algorithm>

#include "base/error.h"
#include "projections/codec.h"

namespace jejak::projections {
namespace {

using codec::Reader;
using codec::Writer;

// Record encodings start with a version byte of their own.
constexpr uint64_t kRecordVersion = 1;

void CheckVersion(Reader& r, const char* what) {
  if (r.U64() != kRecordVersion) {
    throw base::Error(base::ErrorCode::kCorruption,
                      std::string("unknown encoding of a projection ") + what);
  }
}

void PutCounts(Writer& w, const std::map<std::string, int64_t>& counts) {
  w.U64(counts.size());
  for (const auto& [k, v] : counts) {
    w.Str(k);
    w.I64(v);
  }
}

void GetCounts(Reader& r, std::map<std::string, int64_t>* counts) {
  for (uint64_t n = r.U64(); n > 0; --n) {
    std::string k = r.Str();
    (*counts)[k] = r.I64();
  }
}

void PutStep(Writer& w, const Step& s) {
  size_t texts = s.type.size() + s.action.size() + s.role.size() + s.officer.size() +
                 s.from.size() + s.to.size() + s.reason.size();
  w.Reserve(20 + 7 * 10 + texts);  // varints take up to 10 bytes
  w.U64(s.seq);
  w.I64(s.time);
  for (const auto* t : {&s.type, &s.action, &s.role, &s.officer, &s.from, &s.to, &s.reason}) {
    w.Str(*t);
  }
}

Step GetStep(Reader& r) {
  Step s;
  s.seq = r.U64();
  s.time = r.I64();
  for (auto* t : {&s.type, &s.action, &s.role, &s.officer, &s.from, &s.to, &s.reason}) {
    *t = r.Str();
  }
  return s;
}

// Reads past a step, checking that it is whole.
void SkipStep(Reader& r) {
  r.U64();
  r.I64();
  for (int i = 0; i < 7; ++i) r.StrView();
}

}  // namespace

std::string RequestRecord::Encode() const {
  Writer w;
  size_t texts = workflow.size() + applicant.size() + state.size() +
                 (last_staff ? last_staff->size() : 0) + (escalated_to ? escalated_to->size() : 0) +
                 (paused_state ? paused_state->size() : 0) + tracking_code_sha256.size();
  for (const auto& [officer, day] : officer_days) texts += officer.size() + 20;
  w.Reserve(history_.size() + texts + size_t{16} * 10);  // varints take up to 10 bytes
  w.U64(kRecordVersion);
  w.Str(workflow);
  w.U64(version);
  w.Str(applicant);
  w.Str(state);
  w.I64(entered_at);
  w.I64(submitted_at);
  w.I64(updated_at);
  w.U64(entry_seq);
  w.U64((breached ? 1 : 0) | (deadline ? 2 : 0) | (last_staff ? 4 : 0) | (escalated_to ? 8 : 0) |
        (paused_state ? 16 : 0));
  if (deadline) w.I64(*deadline);
  if (last_staff) w.Str(*last_staff);
  if (escalated_to) w.Str(*escalated_to);
  if (paused_state) {
    w.Str(*paused_state);
    w.I64(paused_time_left);
  }
  w.Str(tracking_code_sha256);
  w.U64(officer_days.size());
  for (const auto& [officer, day] : officer_days) {
    w.Str(officer);
    w.I64(day);
  }
  w.U64(steps_);
  w.Raw(history_);
  return w.Take();
}

void RequestRecord::AddStep(const Step& s) {
  Writer w(std::move(history_));
  PutStep(w, s);
  history_ = w.Take();
  ++steps_;
}

void RequestRecord::Reset() {
  std::string history = std::move(history_), code = std::move(tracking_code_sha256);
  std::vector<std::pair<std::string, int64_t>> days = std::move(officer_days);
  *this = RequestRecord();
  history_ = std::move(history);
  history_.clear();
  tracking_code_sha256 = std::move(code);
  tracking_code_sha256.clear();
  officer_days = std::move(days);
  officer_days.clear();
}

std::vector<Step> RequestRecord::History() const {
  Reader r(history_);
  std::vector<Step> out;
  out.reserve(steps_);
  for (uint64_t i = 0; i < steps_; ++i) out.push_back(GetStep(r));
  return out;
}

RequestRecord RequestRecord::Decode(std::string_view bytes) {
  Reader r(bytes);
  CheckVersion(r, "request");
  RequestRecord rec;
  rec.workflow = r.Str();
  rec.version = static_cast<uint32_t>(r.U64());
  rec.applicant = r.Str();
  rec.state = r.Str();
  rec.entered_at = r.I64();
  rec.submitted_at = r.I64();
  rec.updated_at = r.I64();
  rec.entry_seq = r.U64();
  uint64_t flags = r.U64();
  rec.breached = flags & 1;
  if (flags & 2) rec.deadline = r.I64();
  if (flags & 4) rec.last_staff = r.Str();
  if (flags & 8) rec.escalated_to = r.Str();
  if (flags & 16) {
    rec.paused_state = r.Str();
    rec.paused_time_left = r.I64();
  }
  rec.tracking_code_sha256 = r.Str();
  for (uint64_t n = r.U64(); n > 0; --n) {
    std::string officer = r.Str();
    rec.officer_days.emplace_back(std::move(officer), r.I64());
  }
  rec.steps_ = r.U64();
  std::string_view history = r.rest();
  for (uint64_t i = 0; i < rec.steps_; ++i) SkipStep(r);
  rec.history_ = history.substr(0, history.size() - r.rest().size());
  return rec;
}

std::string OfficerDay::EncodeCounts() {
  std::sort(repeats.begin(), repeats.end());
  Writer w;
  w.U64(kRecordVersion);
  PutCounts(w, actions);
  PutCounts(w, refusals);
  w.I64(reversed);
  w.I64(requests);
  w.Sorted(repeats);
  return w.Take();
}

std::string OfficerDay::EncodeWaits() {
  std::sort(waits.begin(), waits.end());
  Writer w;
  w.Sorted(waits);
  return w.Take();
}

std::string OfficerDay::EncodeTimes() {
  std::sort(times.begin(), times.end());
  Writer w;
  w.U64(times.size());
  // Deltas modulo 2^64, as Reader::Sorted's.
  uint64_t prev_time = 0, prev_seq = 0;
  for (const auto& [t, seq] : times) {
    w.I64(static_cast<int64_t>(static_cast<uint64_t>(t) - prev_time));
    w.I64(static_cast<int64_t>(seq - prev_seq));
    prev_time = static_cast<uint64_t>(t);
    prev_seq = seq;
  }
  return w.Take();
}

void OfficerDay::DecodeCounts(std::string_view bytes) {
  Reader r(bytes);
  CheckVersion(r, "officer day");
  GetCounts(r, &actions);
  GetCounts(r, &refusals);
  reversed = r.I64();
  requests = r.I64();
  r.Sorted(&repeats);
}

void OfficerDay::DecodeWaits(std::string_view bytes) {
  Reader r(bytes);
  r.Sorted(&waits);
}

void OfficerDay::DecodeTimes(std::string_view bytes) {
  Reader r(bytes);
  uint64_t n = r.Count(2);
  codec::Grow(&times, n);
  uint64_t t = 0, seq = 0;
  for (uint64_t i = 0; i < n; ++i) {
    t += static_cast<uint64_t>(r.I64());
    seq += static_cast<uint64_t>(r.I64());
    times.emplace_back(static_cast<int64_t>(t), seq);
  }
}

std::string AgencyDay::Encode() {
  std::sort(completion_us.begin(), completion_us.end());
  Writer w;
  w.U64(kRecordVersion);
  w.I64(arrivals);
  w.I64(completions);
  w.I64(sla_met);
  w.I64(sla_breached);
  w.Sorted(completion_us);
  PutCounts(w, automatic);
  w.I64(escalations);
  w.I64(reminders);
  return w.Take();
}

AgencyDay AgencyDay::Decode(std::string_view bytes) {
  Reader r(bytes);
  CheckVersion(r, "agency day");
  AgencyDay d;
  d.arrivals = r.I64();
  d.completions = r.I64();
  d.sla_met = r.I64();
  d.sla_breached = r.I64();
  r.Sorted(&d.completion_us);
  GetCounts(r, &d.automatic);
  d.escalations = r.I64();
  d.reminders = r.I64();
  return d;
}

std::string AnomalyRecord::Encode() const {
  Writer w;
  w.U64(kRecordVersion);
  w.I64(lead_us);
  w.I64(time);
  for (const auto* t : {&officer, &role, &request, &workflow, &action, &state, &other_request,
                        &attempted, &message}) {
    w.Str(*t);
  }
  w.U64(other_entry_seq);
  w.U64(events.size());
  for (uint64_t seq : events) w.U64(seq);
  return w.Take();
}

AnomalyRecord AnomalyRecord::Decode(std::string_view bytes) {
  Reader r(bytes);
  CheckVersion(r, "anomaly");
  AnomalyRecord a;
  a.lead_us = r.I64();
  a.time = r.I64();
  for (auto* t : {&a.officer, &a.role, &a.request, &a.workflow, &a.action, &a.state,
                  &a.other_request, &a.attempted, &a.message}) {
    *t = r.Str();
  }
  a.other_entry_seq = r.U64();
  for (uint64_t n = r.U64(); n > 0; --n) a.events.push_back(r.U64());
  return a;
}

}  // namespace jejak::projections
