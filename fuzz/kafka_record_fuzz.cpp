// Kafka record mapping (kafka/cloud_event.h): what `jejak project` reads
// from a topic anyone with write access may fill.
//
// Input: the key on the first line, then "name: value" header lines up to a
// blank line, then the value.
//
// Promises: FromKafkaRecord refuses with Error(kInvalidArgument) only; what
// it accepts maps back to a record that reads as the same event.
#include <optional>

#include "base/error.h"
#include "fuzz/fuzz_util.h"
#include "kafka/cloud_event.h"

using jejak::base::Error;
using jejak::base::ErrorCode;
using jejak::fuzz::Take;
using jejak::kafka::KafkaRecord;
using jejak::kafka::PublishedEvent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = jejak::fuzz::AsText(data, size);
  KafkaRecord record;
  record.topic = "jejak.events";
  record.partition = 0;
  record.offset = 7;
  record.key = Take(&in, '\n');
  while (!in.empty()) {
    std::string_view line = Take(&in, '\n');
    if (line.empty()) break;
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    record.headers.push_back(
        {std::string(line.substr(0, colon)), std::string(line.substr(colon + 2))});
  }
  record.value = in;

  std::optional<PublishedEvent> p;
  try {
    p = jejak::kafka::FromKafkaRecord(record);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
    return 0;
  }
  KafkaRecord again = jejak::kafka::ToKafkaRecord(*p, record.topic, "urn:jejak:fuzz");
  PublishedEvent back = jejak::kafka::FromKafkaRecord(again);
  JEJAK_REQUIRE(back.event == p->event);
  JEJAK_REQUIRE(back.chain_hex == p->chain_hex);
  JEJAK_REQUIRE(back.prev_seq == p->prev_seq);
  return 0;
}
