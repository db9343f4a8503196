#include "kafka/cloud_event.h"

#include <fmt/format.h>

#include <charconv>

#include "base/error.h"
#include "events/json.h"
#include "events/json_text.h"
#include "events/time.h"

namespace jejak::kafka {
namespace {

using base::Error;
using base::ErrorCode;
using events::Event;
using events::FormatRfc3339;
using events::FromJson;
using events::ToJsonText;

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
  KafkaRecord r;
  ToKafkaRecord(p, topic, source, &r);
  return r;
}

void ToKafkaRecord(const PublishedEvent& p, std::string_view topic, std::string_view source,
                   KafkaRecord* r) {
  namespace h = kafka_headers;
  const Event& e = p.event;
  r->topic.assign(topic);
  r->partition = -1;
  r->offset = -1;
  r->key.assign(e.request_id);
  r->value = ToJsonText(e);
  r->headers.resize(8 + !e.request_id.empty() + p.prev_seq.has_value());
  size_t i = 0;
  auto set = [&](const char* name, std::string_view value) {
    r->headers[i].name.assign(name);
    r->headers[i++].value.assign(value);
  };
  auto set_number = [&](const char* name, uint64_t value) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    set(name, std::string_view(buf, end - buf));
  };
  set(h::kSpecVersion, "1.0");
  set(h::kId, e.id.ToString());
  set(h::kSource, source);
  set(h::kType, kCloudEventsTypePrefix);
  r->headers[i - 1].value += e.type;
  set(h::kTime, FormatRfc3339(e.time_us));
  set(h::kContentType, "application/json");
  set_number(h::kSeq, e.seq);
  set(h::kChain, p.chain_hex);
  if (!e.request_id.empty()) set(h::kSubject, e.request_id);
  if (p.prev_seq) set_number(h::kPrev, *p.prev_seq);
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

}  // namespace jejak::kafka
