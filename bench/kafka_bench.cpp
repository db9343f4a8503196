// Kafka row: the outbox relay publishing a ledger (read, decode, JSON,
// headers, idempotent produce, delivery reports, saved position) beside a
// raw librdkafka producer sending the very same records, with the same
// producer settings, to the same broker in the same run.
//
// The broker is $JEJAK_KAFKA_BOOTSTRAP; without it the row starts its own
// with scripts/kafka.sh in a scratch directory and stops it at exit.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

#include "bench/bench.h"
#include "events/encoding.h"
#include "kafka/client.h"
#include "kafka/cloud_event.h"
#include "kafka/relay.h"
#include "ledger/ledger.h"

namespace jejak::bench {
namespace {

std::string SourceDir() {
  if (const char* d = std::getenv("JEJAK_SOURCE_DIR")) return d;
  return JEJAK_SOURCE_DIR;
}

// A private broker for runs without $JEJAK_KAFKA_BOOTSTRAP.
class OwnBroker {
 public:
  OwnBroker() {
    std::random_device rd;
    dir_ = (std::filesystem::temp_directory_path() / fmt::format("jejak-bench-kafka-{}", rd()))
               .string();
    fmt::print(stderr, "kafka: starting a broker in {} (set JEJAK_KAFKA_BOOTSTRAP to use yours)\n",
               dir_);
    std::string cmd = fmt::format("bash '{}/scripts/kafka.sh' start --dir '{}'", SourceDir(), dir_);
    std::unique_ptr<FILE, int (*)(FILE*)> out(popen(cmd.c_str(), "r"), pclose);
    char line[256] = {};
    if (!out || !fgets(line, sizeof line, out.get()))
      throw std::runtime_error("kafka.sh start failed");
    bootstrap_ = line;
    while (!bootstrap_.empty() && (bootstrap_.back() == '\n' || bootstrap_.back() == '\r')) {
      bootstrap_.pop_back();
    }
  }
  ~OwnBroker() {
    std::string cmd =
        fmt::format("bash '{}/scripts/kafka.sh' stop --dir '{}' >/dev/null; rm -rf '{}'",
                    SourceDir(), dir_, dir_);
    if (std::system(cmd.c_str()) != 0) fmt::print(stderr, "kafka: stopping {} failed\n", dir_);
  }
  const std::string& bootstrap() const { return bootstrap_; }

 private:
  std::string dir_, bootstrap_;
};

const std::string& Bootstrap() {
  static std::string env = [] {
    const char* b = std::getenv("JEJAK_KAFKA_BOOTSTRAP");
    return std::string(b ? b : "");
  }();
  if (!env.empty()) return env;
  static OwnBroker broker;
  return broker.bootstrap();
}

struct Sizes {
  uint64_t events, partitions;
  static Sizes From(const Context& ctx) {
    Sizes s{ctx.params.Get("kafka_events"), ctx.params.Get("kafka_partitions")};
    if (s.events == 0 || s.partitions == 0) throw std::invalid_argument("sizes must be positive");
    return s;
  }
};

// A ledger of realistic action events on 10,000 requests, made once.
struct Fixture {
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<ledger::Ledger> ledger;
  std::vector<kafka::KafkaRecord> records;  // what the relay will send, for the baseline
};

Fixture& TheFixture() {
  static Fixture f;
  return f;
}

// Closes the fixture's ledger once the runs are done: left to static
// destruction, it would close after RocksDB's own statics are gone.
std::string CloseFixture(const Context&) {
  TheFixture() = Fixture();
  return "";
}

Fixture& Prepared(const Context& ctx) {
  Fixture& f = TheFixture();
  Sizes s = Sizes::From(ctx);
  if (f.ledger && f.ledger->size() == s.events) return f;
  f = Fixture();
  f.dir = std::make_unique<ScratchDir>(ctx, "kafka");
  f.ledger = ledger::Ledger::Open(f.dir->path() + "/ledger");
  std::mt19937_64 rng(7);
  std::vector<std::string> batch;
  for (uint64_t n = 0; n < s.events; ++n) {
    events::Event e;
    for (int i = 0; i < 16; ++i) e.id.bytes[i] = static_cast<uint8_t>(rng());
    e.request_id = fmt::format("OSS-2026-{:06}", rng() % 10'000);
    e.workflow = "oss-izin-usaha";
    e.workflow_version = 1;
    e.type = "action";
    e.actor = {fmt::format("1987010120100110{:02}", n % 20), "verifikator", "DPMPTSP Kota Bandung"};
    e.time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'000;
    e.fields.emplace("action", events::FieldValue::String("periksa_dokumen"));
    e.fields.emplace("from", events::FieldValue::String("diajukan"));
    e.fields.emplace("to", events::FieldValue::String("diverifikasi"));
    e.fields.emplace("reason", events::FieldValue::String("berkas lengkap, NIB dan NPWP sesuai"));
    e.correlation_id = e.request_id;
    batch.push_back(events::Encode(e));
    if (batch.size() == 1000 || n + 1 == s.events)
      f.ledger->AppendBatch(std::move(batch)), batch.clear();
  }
  // The baseline's records: exactly what the relay produces for each entry.
  std::map<std::string, uint64_t> last;
  std::string source = "jejak:ledger:" + ledger::HashToHex(f.ledger->Get(0)->chain);
  f.ledger->Scan(0, s.events, [&](const ledger::Entry& entry) {
    kafka::PublishedEvent p{events::Decode(entry.bytes), ledger::HashToHex(entry.chain), {}};
    p.event.seq = entry.seq;
    auto it = last.find(p.event.request_id);
    if (it != last.end()) p.prev_seq = it->second;
    last[p.event.request_id] = entry.seq;
    f.records.push_back(kafka::ToKafkaRecord(p, "", source));
    return true;
  });
  return f;
}

std::string NewTopic(const Sizes& s, const char* side) {
  static int n = 0;
  std::string topic = fmt::format("jejak.bench.{}.{}.{}", side, getpid(), ++n);
  kafka::CreateTopic(Bootstrap(), {topic, static_cast<int>(s.partitions), 1});
  return topic;
}

double RelayPublish(const Context& ctx) {
  Sizes s = Sizes::From(ctx);
  Fixture& f = Prepared(ctx);
  std::string topic = NewTopic(s, "relay");
  ScratchDir data(ctx, "relay");
  kafka::RelayOptions o;
  o.data_dir = data.path();
  o.bootstrap = Bootstrap();
  o.topic = topic;
  o.partitions = static_cast<int>(s.partitions);
  double start = Now();
  auto relay = kafka::Relay::Start(*f.ledger, o);
  if (!relay->Drain(std::chrono::minutes(10))) {
    throw std::runtime_error("relay did not drain: " + relay->status().last_error);
  }
  double elapsed = Now() - start;
  return s.events / elapsed;
}

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<uint64_t*>(opaque);
}

// librdkafka's C API straight, with the relay's producer settings.
double RawProducer(const Context& ctx) {
  Sizes s = Sizes::From(ctx);
  Fixture& f = Prepared(ctx);
  std::string topic = NewTopic(s, "raw");
  uint64_t delivered = 0;
  char err[512];
  double start = Now();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair<const char*, std::string>{"bootstrap.servers", Bootstrap()},
                      {"enable.idempotence", "true"},
                      {"acks", "all"},
                      {"message.timeout.ms", "0"},
                      {"partitioner", "murmur2"},
                      {"linger.ms", "5"}}) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw std::runtime_error(err);
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &delivered);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(err);
  for (const auto& r : f.records) {
    for (;;) {
      rd_kafka_headers_t* headers = rd_kafka_headers_new(r.headers.size());
      for (const auto& h : r.headers) {
        rd_kafka_header_add(headers, h.name.data(), h.name.size(), h.value.data(), h.value.size());
      }
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(const_cast<char*>(r.key.data()), r.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      rd_kafka_headers_destroy(headers);
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(rd_kafka_err2str(e));
      rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 600'000);
  double elapsed = Now() - start;
  rd_kafka_destroy(rk);
  if (delivered != s.events) throw std::runtime_error("the raw producer lost messages");
  return s.events / elapsed;
}

JEJAK_BENCH_ROW(RowSpec{
    .name = "kafka.relay",
    .description = "outbox relay: ledger entries to Kafka records, delivered and position saved",
    .unit = "events/s",
    .baseline_name = "raw librdkafka producer, same records and settings",
    .min_ratio = 0.7,
    .min_rate = 0,
    .params = {{"kafka_events", 100'000, "ledger entries published per run"},
               {"kafka_partitions", 3, "partitions of each run's fresh topic"}},
    .sizes =
        [](const Context& ctx) {
          Sizes s = Sizes::From(ctx);
          return fmt::format(
              "{} events (~{} B JSON + CloudEvents headers), {} partitions, "
              "idempotent acks=all, broker {}",
              s.events, Prepared(ctx).records.front().value.size(), s.partitions, Bootstrap());
        },
    .jejak = RelayPublish,
    .baseline = RawProducer,
    .notes = CloseFixture,
});

}  // namespace
}  // namespace jejak::bench
