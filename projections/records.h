// Internal: the records the projector keeps per request, per officer and
// day, and per workflow and day, with their binary encodings (codec.h).
// Encodings are deterministic functions of the content (lists are sorted
// when encoded), so a rebuilt store equals an incrementally built one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jejak::projections {

// One step of a request's public history. Titles come from the model when
// the view is read.
struct Step {
  uint64_t seq = 0;
  int64_t time = 0;
  std::string type, action, role, officer, from, to, reason;
};

struct RequestRecord {
  std::string workflow;
  uint32_t version = 0;
  std::string applicant, state;
  int64_t entered_at = 0, submitted_at = 0, updated_at = 0;
  uint64_t entry_seq = 0;
  bool breached = false;
  std::optional<int64_t> deadline;
  std::optional<std::string> last_staff;
  // The role a passed deadline called in (sla_escalated), for this stay.
  std::optional<std::string> escalated_to;
  // A paused clock (clock: pause) while the applicant has the request: the
  // state it waits to return to, and the time that state had left.
  std::optional<std::string> paused_state;
  int64_t paused_time_left = 0;
  std::string tracking_code_sha256;  // the raw digest
  // The local days on which each officer acted on the request, as sorted
  // (officer, day) pairs: a report over a period counts each request once
  // per officer.
  std::vector<std::pair<std::string, int64_t>> officer_days;

  // The public history, oldest step first. It is kept encoded: a request
  // only ever gains steps and the projector never reads them, so a record
  // loaded, changed and written again copies its history as it is.
  void AddStep(const Step& s);
  std::vector<Step> History() const;

  // Back to an empty record, keeping the memory of its lists for the next
  // request (a rebuild goes through records by the million).
  void Reset();

  std::string Encode() const;
  // Throws Error(kCorruption) if bytes are not a request record.
  static RequestRecord Decode(std::string_view bytes);

 private:
  uint64_t steps_ = 0;
  std::string history_;  // the steps' encodings, one after another
};

// One officer's work on one local day.
struct OfficerDay {
  std::map<std::string, int64_t> actions, refusals;  // by action, by reason
  int64_t reversed = 0;
  int64_t requests = 0;  // distinct requests acted on this day
  // For each request also acted on at an earlier day, the latest such day:
  // a report over days [from, to] subtracts those >= from (counted twice).
  std::vector<int64_t> repeats;
  std::vector<int64_t> waits;                       // us from entering the state
  std::vector<std::pair<int64_t, uint64_t>> times;  // (time, seq) of each action

  // Three values: counts (od|), waits (ow|), times (ot|). Sorts the lists.
  std::string EncodeCounts();
  std::string EncodeWaits();
  std::string EncodeTimes();
  void DecodeCounts(std::string_view bytes);
  void DecodeWaits(std::string_view bytes);
  void DecodeTimes(std::string_view bytes);
};

// One workflow's figures for one local day.
struct AgencyDay {
  int64_t arrivals = 0, completions = 0, sla_met = 0, sla_breached = 0;
  std::vector<int64_t> completion_us;        // submission to completion
  std::map<std::string, int64_t> automatic;  // actions taken as system, by action
  int64_t escalations = 0, reminders = 0;

  std::string Encode();  // sorts completion_us
  static AgencyDay Decode(std::string_view bytes);
};

// One anomaly (the type is in its key, or its table for queue jumps). The
// report applies the grace period to queue jumps and words the details.
struct AnomalyRecord {
  int64_t lead_us = 0;  // queue jumps: how much longer the other request waited
  int64_t time = 0;
  std::string officer, role, request, workflow;
  std::string action;                // self-dealing, after hours
  std::string state, other_request;  // queue jumps: the state, the passed-over request
  uint64_t other_entry_seq = 0;      // and the seq of its entry into the state
  std::string attempted, message;    // four-eyes attempts
  std::vector<uint64_t> events;      // the seqs that show it

  std::string Encode() const;
  static AnomalyRecord Decode(std::string_view bytes);
};

}  // namespace jejak::projections
