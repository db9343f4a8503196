// How a ledger entry travels as a Kafka record (docs/FORMAT.md, "Kafka
// messages"): the key is the request id, the value the event's JSON form, and
// the headers follow the CloudEvents 1.0 Kafka binding in binary mode, plus
// jejak's own: the ledger sequence, the chain hash, and the sequence of the
// request's previous event, with which consumers detect a missing event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event.h"
#include "kafka/client.h"

namespace jejak::kafka {

namespace kafka_headers {
inline constexpr char kSpecVersion[] = "ce_specversion";  // "1.0"
inline constexpr char kId[] = "ce_id";                    // the event id
inline constexpr char kSource[] = "ce_source";            // the publishing ledger
inline constexpr char kType[] = "ce_type";                // "id.jejak." + event type
inline constexpr char kTime[] = "ce_time";                // RFC 3339, UTC
inline constexpr char kSubject[] = "ce_subject";          // the request id, if any
inline constexpr char kContentType[] = "content-type";    // "application/json"
inline constexpr char kSeq[] = "jejak_seq";               // ledger sequence, decimal
inline constexpr char kChain[] = "jejak_chain";           // chain[seq], lowercase hex
inline constexpr char kPrev[] = "jejak_prev";             // seq of the request's previous event
}  // namespace kafka_headers

inline constexpr char kCloudEventsTypePrefix[] = "id.jejak.";

// A ledger entry as published. prev_seq is the sequence of the previous
// event of the same request; none for a request's first event and for
// system events (empty request id), which are not chained.
struct PublishedEvent {
  events::Event event;  // event.seq is the ledger sequence
  std::string chain_hex;
  std::optional<uint64_t> prev_seq;
};

// The record for topic; source is the CloudEvents source of the ledger.
KafkaRecord ToKafkaRecord(const PublishedEvent& p, std::string_view topic, std::string_view source);
// The same into *out, reusing its buffers: for a producer's hot loop.
void ToKafkaRecord(const PublishedEvent& p, std::string_view topic, std::string_view source,
                   KafkaRecord* out);
// Parses a record made by ToKafkaRecord. Throws Error(kInvalidArgument) if a
// header is missing or disagrees with the value (id, seq, key, type).
PublishedEvent FromKafkaRecord(const KafkaRecord& record);

}  // namespace jejak::kafka
