#include "events/kafka_message.h"

#include <fmt/format.h>

#include <charconv>

#include "events/error.h"
#include "events/json.h"
#include "events/json_text.h"
#include "events/time.h"

namespace jejak::events {
namespace {

Error Bad(const KafkaRecord& r, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("kafka record {}/{}@{}: {}", r.topic, r.partition, r.offset, why));
}

const std::string& Need(const KafkaRecord& r, const char* name) {
  const std::string* v = r.Header(name);
  if (!v) throw Bad(r, fmt::format("header {} is missing", name));
  return *v;
}

uint64_t ParseSeq(const KafkaRecord& r, const char* name, const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw Bad(r, fmt::format("header {} is not a sequence number: \"{}\"", name, text));
  }
  return v;
}

}  // namespace

KafkaRecord ToKafkaRecord(const PublishedEvent& p, std::string_view topic,
                          std::string_view source) {
  namespace h = kafka_headers;
  const Event& e = p.event;
  KafkaRecord r;
  r.topic = topic;
  r.key = e.request_id;
  r.value = ToJsonText(e);
  r.headers = {{h::kSpecVersion, "1.0"},
               {h::kId, e.id.ToString()},
               {h::kSource, std::string(source)},
               {h::kType, kCloudEventsTypePrefix + e.type},
               {h::kTime, FormatRfc3339(e.time_us)},
               {h::kContentType, "application/json"},
               {h::kSeq, std::to_string(e.seq)},
               {h::kChain, p.chain_hex}};
  if (!e.request_id.empty()) r.headers.push_back({h::kSubject, e.request_id});
  if (p.prev_seq) r.headers.push_back({h::kPrev, std::to_string(*p.prev_seq)});
  return r;
}

PublishedEvent FromKafkaRecord(const KafkaRecord& r) {
  namespace h = kafka_headers;
  if (Need(r, h::kSpecVersion) != "1.0") throw Bad(r, "ce_specversion is not 1.0");
  PublishedEvent p;
  nlohmann::json json = nlohmann::json::parse(r.value, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw Bad(r, "the value is not JSON");
  p.event = FromJson(json);
  uint64_t seq = ParseSeq(r, h::kSeq, Need(r, h::kSeq));
  if (seq != p.event.seq) {
    throw Bad(r, fmt::format("jejak_seq {} but the event says seq {}", seq, p.event.seq));
  }
  if (Need(r, h::kId) != p.event.id.ToString()) throw Bad(r, "ce_id differs from the event id");
  if (Need(r, h::kType) != kCloudEventsTypePrefix + p.event.type) {
    throw Bad(r, "ce_type differs from the event type");
  }
  if (r.key != p.event.request_id) throw Bad(r, "the key differs from the request id");
  p.chain_hex = Need(r, h::kChain);
  if (const std::string* prev = r.Header(h::kPrev)) {
    p.prev_seq = ParseSeq(r, h::kPrev, *prev);
    if (*p.prev_seq >= seq) throw Bad(r, "jejak_prev is not before jejak_seq");
  }
  return p;
}

}  // namespace jejak::events
