// jejak project against the real broker: projections built from Kafka on a
// directory without a ledger equal, byte for byte, the projections built
// from the ledger, through interleaved partitions and re-published
// duplicates; a missing or misordered event stops it with the missing
// sequence and a non-zero exit, never a wrong view; a restart resumes from
// the committed offsets without reading anything twice.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "events/encoding.h"
#include "kafka/client.h"
#include "kafka/cloud_event.h"
#include "kafka/relay.h"
#include "ledger/ledger.h"
#include "projections/projector.h"
#include "tests/format_vectors.h"
#include "tests/kafka_util.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::KafkaBootstrap;
using testing::RunResult;
using testing::TempDir;
using testing::UniqueName;

RunResult Jejak(const std::string& data, std::vector<std::string> args) {
  return testing::RunJejak(std::move(args), data);
}

// `jejak project` on data from topic in group, with extra flags.
RunResult Project(const std::string& data, const std::string& topic, const std::string& group,
                  std::vector<std::string> extra) {
  std::vector<std::string> args = {"project", "--kafka", KafkaBootstrap(), "--topic", topic,
                                   "--group", group,     "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Jejak(data, args);
}

// The last line of --json output.
json LastLine(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return json::parse(s.substr(s.rfind('\n') == std::string::npos ? 0 : s.rfind('\n') + 1));
}

using testing::DbContents;

// The projections of the ledger in data/ledger, entries [0, end), built in
// a scratch store: what a correct view holds at end.
std::map<std::string, std::string> LedgerProjection(const std::string& data, uint64_t end) {
  TempDir scratch;
  {
    auto ledger = ledger::Ledger::OpenReadOnly(data + "/ledger");
    projections::Projector p(projections::Store::Open(scratch.Sub("projections")));
    p.CatchUp([&](uint64_t from, size_t max) {
      std::vector<events::Event> batch;
      ledger->Scan(from, std::min<uint64_t>(end, from + max), [&](const ledger::Entry& e) {
        batch.push_back(events::Decode(e.bytes));
        batch.back().seq = e.seq;
        return true;
      });
      return batch;
    });
  }
  return DbContents(scratch.Sub("projections"));
}

// Re-publishes data's ledger from entry from on, as a relay restarted at an
// earlier saved position does: each of those records reaches the topic twice.
void RepublishFrom(const std::string& data, const std::string& topic, uint64_t from) {
  TempDir relay_dir;
  auto ledger = ledger::Ledger::OpenReadOnly(data + "/ledger");
  std::filesystem::create_directories(relay_dir.Sub("relay"));
  std::ofstream(relay_dir.Sub("relay/" + topic + ".position"))
      << json({{"topic", topic},
               {"position", from},
               {"chain", ledger::HashToHex(ledger->Get(from - 1)->chain)},
               {"bootstrap", KafkaBootstrap()},
               {"last_error", ""},
               {"updated", "2026-11-28T00:00:00Z"}})
             .dump();
  kafka::RelayOptions o;
  o.data_dir = relay_dir.path();
  o.bootstrap = KafkaBootstrap();
  o.topic = topic;
  auto relay = kafka::Relay::Start(*ledger, o);
  REQUIRE(relay->Drain(60s));
}

// Copies the n records of topic from into a new topic with 3 partitions,
// through edit (which may change a record, or return false to leave it out).
std::string CopyTopic(const std::string& from, size_t n,
                      const std::function<bool(kafka::KafkaRecord&)>& edit) {
  std::string to = UniqueName("project-copy");
  kafka::CreateTopic(KafkaBootstrap(), {to, 3, 1});
  kafka::Consumer consumer(KafkaBootstrap(), UniqueName("group"), {from});
  size_t delivered = 0, produced = 0;
  kafka::Producer producer(KafkaBootstrap(), [&](const kafka::KafkaDelivery& d) {
    REQUIRE(d.ok);
    ++delivered;
  });
  kafka::KafkaRecord r;
  for (size_t read = 0; read < n;) {
    if (!consumer.Poll(1s, &r)) continue;
    ++read;
    r.topic = to;
    if (!edit(r)) continue;
    REQUIRE(producer.Produce(r, read));
    ++produced;
  }
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       delivered < produced && std::chrono::steady_clock::now() < deadline;) {
    producer.Poll(100ms);
  }
  REQUIRE(delivered == produced);
  return to;
}

uint64_t Seq(const kafka::KafkaRecord& r) {
  return std::stoull(*r.Header(kafka::kafka_headers::kSeq));
}

TEST_CASE("kafka project: the view built from Kafka equals the view built from the ledger") {
  TempDir engine_dir, proj_dir;
  std::string engine = engine_dir.path(), proj = proj_dir.Sub("data");
  std::string topic = UniqueName("project"), group = UniqueName("group");
  // Simulated days of three workflows, published over 3 partitions.
  RunResult demo = Jejak(engine, {"demo", "--days", "2", "--requests", "120", "--json", "--kafka",
                                  KafkaBootstrap(), "--topic", topic, "--topic-partitions", "3"});
  INFO(demo.out << demo.err);
  REQUIRE(demo.exit_code == 0);
  json d = LastLine(demo.out);
  uint64_t n = ledger::Ledger::OpenReadOnly(engine + "/ledger")->size();
  REQUIRE(n > 300);
  // A relay that resumes from an earlier position publishes the rest again.
  RepublishFrom(engine, topic, n / 3);

  RunResult p = Project(proj, topic, group, {"--until", std::to_string(n)});
  INFO(p.out << p.err);
  REQUIRE(p.exit_code == 0);
  json last = LastLine(p.out);
  CHECK(last["state"] == "stopped");
  CHECK(last["next_seq"] == n);
  CHECK(last["applied"] == n);
  CHECK(last["partitions"] == 3);
  CHECK(!std::filesystem::exists(proj + "/ledger"));

  REQUIRE(Jejak(engine, {"projections", "rebuild"}).exit_code == 0);
  auto from_ledger = DbContents(engine + "/projections");
  auto from_kafka = DbContents(proj + "/projections");
  CHECK(from_ledger.size() > 100);
  CHECK(from_kafka == from_ledger);

  // The citizen's status reads the same on both machines.
  std::string request = d["example"]["request_id"], code = d["example"]["tracking_code"];
  RunResult s1 = Jejak(engine, {"status", request, "--code", code, "--json"});
  RunResult s2 = Jejak(proj, {"status", request, "--code", code, "--json"});
  INFO(s1.err << s2.err);
  REQUIRE(s1.exit_code == 0);
  REQUIRE(s2.exit_code == 0);
  json j1 = json::parse(s1.out), j2 = json::parse(s2.out);
  CHECK(j2["projection"] == json({{"source", "kafka"}, {"next_seq", n}}));
  j2.erase("projection");
  CHECK(j1 == j2);
  RunResult human = Jejak(proj, {"status", request, "--code", code});
  CHECK(human.out.find(fmt::format("ledger entries 0 to {} applied", n - 1)) != std::string::npos);
  RunResult report = Jejak(proj, {"report", "agency", "--json"});
  CHECK(report.exit_code == 0);
  CHECK(json::parse(report.out) == json::parse(Jejak(engine, {"report", "agency", "--json"}).out));

  // A restart reads on from the committed offsets: the copies left unread
  // by --until, then nothing more.
  RunResult again = Project(proj, topic, group, {"--exit-when-idle", "3"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(LastLine(again.out)["applied"] == 0);
  CHECK(LastLine(again.out)["next_seq"] == n);
  auto snapshot = testing::SnapshotDir(proj + "/projections");

  // One more command: the next run reads exactly its record.
  RunResult sub = Jejak(engine, [&] {
    std::vector<std::string> a = testing::OssSubmitArgs("3273010101990001");
    a.insert(a.end(), {"--kafka", KafkaBootstrap(), "--topic", topic});
    return a;
  }());
  REQUIRE(sub.exit_code == 0);
  RunResult more = Project(proj, topic, group, {"--exit-when-idle", "3"});
  INFO(more.out << more.err);
  REQUIRE(more.exit_code == 0);
  json m = LastLine(more.out);
  CHECK(m["applied"] == 1);
  CHECK(m["records"] == 1);
  CHECK(m["duplicates"] == 0);
  CHECK(m["next_seq"] == n + 1);
  CHECK(testing::SnapshotDir(proj + "/projections") != snapshot);
  REQUIRE(Jejak(engine, {"projections", "rebuild"}).exit_code == 0);
  CHECK(DbContents(proj + "/projections") == DbContents(engine + "/projections"));
}

// A small ledger published to a topic: deployment, then submissions.
struct Published {
  TempDir dir;
  std::string topic = UniqueName("project-src");
  uint64_t n = 0;
  Published() {
    std::vector<std::string> kafka = {"--kafka", KafkaBootstrap(), "--topic", topic};
    std::vector<std::string> deploy = {
        "workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"), "--as",
        "admin-01"};
    deploy.insert(deploy.end(), kafka.begin(), kafka.end());
    REQUIRE(Jejak(dir.path(), deploy).exit_code == 0);
    for (int i = 0; i < 8; ++i) {
      std::vector<std::string> a = testing::OssSubmitArgs(fmt::format("32730101019900{:02}", i));
      a.insert(a.end(), kafka.begin(), kafka.end());
      REQUIRE(Jejak(dir.path(), a).exit_code == 0);
    }
    n = ledger::Ledger::OpenReadOnly(dir.Sub("ledger"))->size();
  }
};

TEST_CASE("kafka project: a missing event stops it at the gap with exit 8, never a wrong view") {
  Published src;
  constexpr uint64_t kMissing = 4;
  kafka::KafkaRecord missing;
  std::string gapped = CopyTopic(src.topic, src.n, [&](kafka::KafkaRecord& r) {
    if (Seq(r) != kMissing) return true;
    missing = r;
    return false;
  });
  TempDir proj_dir;
  std::string proj = proj_dir.Sub("data");
  std::string group = UniqueName("group");

  // Waiting in vain: the idle stream ends the run with the gap.
  RunResult idle = Project(proj, gapped, group, {"--exit-when-idle", "3"});
  INFO(idle.out << idle.err);
  CHECK(idle.exit_code == 8);
  CHECK(idle.err.find(fmt::format("gap: waiting for ledger sequence {} ({} later events buffered",
                                  kMissing, src.n - kMissing - 1)) != std::string::npos);
  CHECK(LastLine(idle.out)["error"]["reason"] == "stream_gap");
  CHECK(DbContents(proj + "/projections") == LedgerProjection(src.dir.path(), kMissing));

  // A full buffer ends it too, without waiting for the stream to go idle
  // (at the missing entry, or earlier if a partition's records came late).
  TempDir other;
  RunResult full = Project(other.Sub("data"), gapped, UniqueName("group"), {"--max-buffer", "3"});
  INFO(full.out << full.err);
  CHECK(full.exit_code == 8);
  std::string said = "gap: waiting for ledger sequence ";
  size_t at = full.err.find(said);
  REQUIRE(at != std::string::npos);
  uint64_t waited = std::stoull(full.err.substr(at + said.size()));
  CHECK(waited <= kMissing);
  CHECK(DbContents(other.Sub("data") + "/projections") == LedgerProjection(src.dir.path(), waited));

  // Once the missing record arrives, the same group resumes and completes.
  {
    bool ok = false;
    kafka::Producer producer(KafkaBootstrap(), [&](const kafka::KafkaDelivery& d) { ok = d.ok; });
    REQUIRE(producer.Produce(missing, 1));
    for (int i = 0; i < 300 && producer.outstanding() > 0; ++i) producer.Poll(100ms);
    REQUIRE(ok);
  }
  RunResult resumed = Project(proj, gapped, group, {"--until", std::to_string(src.n)});
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(LastLine(resumed.out)["applied"] == src.n - kMissing);
  CHECK(DbContents(proj + "/projections") == LedgerProjection(src.dir.path(), src.n));
}

TEST_CASE("kafka project: an event out of its request's chain order is refused") {
  Published src;
  // Entry 3 claims that its request had an earlier event (entry 1, another
  // request's): the stream does not follow the ledger.
  std::string bad = CopyTopic(src.topic, src.n, [&](kafka::KafkaRecord& r) {
    if (Seq(r) == 3) r.headers.push_back({kafka::kafka_headers::kPrev, "1"});
    return true;
  });
  TempDir proj_dir;
  std::string proj = proj_dir.Sub("data");
  RunResult p = Project(proj, bad, UniqueName("group"), {"--until", std::to_string(src.n)});
  INFO(p.out << p.err);
  CHECK(p.exit_code == 6);
  CHECK(p.err.find("ledger sequence 3 names 1 as the request's previous event") !=
        std::string::npos);
  CHECK(p.err.find("the view stays at entry 3") != std::string::npos);
  CHECK(DbContents(proj + "/projections") == LedgerProjection(src.dir.path(), 3));
}

TEST_CASE("kafka project: SIGTERM stops it cleanly, and a restart reads nothing again") {
  Published src;
  std::string group = UniqueName("group");
  TempDir proj_dir;
  std::string proj = proj_dir.Sub("data");
  testing::Subprocess p({testing::JejakBin(), "project", "--kafka", KafkaBootstrap(), "--topic",
                         src.topic, "--group", group, "--data", proj, "--progress-interval", "0"});
  REQUIRE(p.ReadUntil(fmt::format("applied up to ledger entry {}", src.n - 1), 60s));
  p.Kill(SIGTERM);
  int code = p.Wait();
  INFO(p.out() << p.err());
  CHECK(code == 0);
  CHECK(p.out().find(fmt::format("Stopped, applied up to ledger entry {}", src.n - 1)) !=
        std::string::npos);
  RunResult again = Project(proj, src.topic, group, {"--exit-when-idle", "3"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(LastLine(again.out)["records"] == 0);
  CHECK(LastLine(again.out)["next_seq"] == src.n);
  // Nothing was fetched, so the position is the committed offset: no lag
  // (it printed the whole topic as lag).
  CHECK(LastLine(again.out)["kafka_lag"] == 0);
}

TEST_CASE("kafka project: refuses a data directory with a ledger, and a shared group") {
  Published src;
  RunResult p = Project(src.dir.path(), src.topic, UniqueName("group"), {"--until", "1"});
  CHECK(p.exit_code == 2);
  CHECK(p.err.find("holds a ledger") != std::string::npos);

  // A second member of the group takes partitions away from the first.
  std::string group = UniqueName("group");
  TempDir a, b;
  testing::Subprocess first({testing::JejakBin(), "project", "--kafka", KafkaBootstrap(), "--topic",
                             src.topic, "--group", group, "--data", a.Sub("data"),
                             "--progress-interval", "0"});
  REQUIRE(first.ReadUntil("applied up to ledger entry", 60s));
  RunResult second = Project(b.Sub("data"), src.topic, group, {"--exit-when-idle", "20"});
  INFO(second.out << second.err);
  CHECK(second.exit_code == 5);
  int first_exit = first.Wait();
  INFO(first.out() << first.err());
  CHECK(first_exit == 5);
  CHECK(first.err().find("another member uses the group") != std::string::npos);
}

}  // namespace
}  // namespace jejak::cli

namespace jejak::cli {
namespace {

// docs/PRIVACY.md: no topic holds plaintext personal data, whatever its
// retention, and a projection built from Kafka holds none either, before
// and after the subject's erasure arrives.
TEST_CASE("kafka privacy: neither the topic's segments nor a view from Kafka hold personal data") {
  TempDir engine_dir, proj_dir;
  std::string engine = engine_dir.path(), proj = proj_dir.Sub("data");
  std::string topic = UniqueName("privacy"), group = UniqueName("group");
  std::vector<std::string> kafka = {"--kafka", KafkaBootstrap(), "--topic", topic};
  const std::string nik = "3273017777000001", name = "Kartika Sari Dewanti Unik";
  std::vector<std::string> deploy = {
      "workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml")};
  deploy.insert(deploy.end(), kafka.begin(), kafka.end());
  REQUIRE(Jejak(engine, deploy).exit_code == 0);
  std::vector<std::string> submit = testing::OssSubmitArgs(nik);
  for (auto& a : submit) {
    if (a == "nama_pemohon=Siti Aminah") a = "nama_pemohon=" + name;
  }
  submit.insert(submit.end(), kafka.begin(), kafka.end());
  RunResult s = Jejak(engine, submit);
  REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  uint64_t n = ledger::Ledger::OpenReadOnly(engine + "/ledger")->size();
  RunResult p = Project(proj, topic, group, {"--until", std::to_string(n)});
  REQUIRE_MESSAGE(p.exit_code == 0, p.err);

  std::string broker = testing::RequireEnv("JEJAK_KAFKA_DIR");
  auto segments_hold = [&](const std::string& needle) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(broker)) {
      if (!e.is_directory() || e.path().filename().string().rfind(topic + "-", 0) != 0) continue;
      if (!testing::WhereIs(e.path().string(), needle).empty()) return true;
    }
    return false;
  };
  // The records are there (the workflow's name), the personal data is not.
  CHECK(segments_hold("oss-izin-usaha"));
  for (const std::string& needle : {nik, name}) {
    CAPTURE(needle);
    CHECK_FALSE(segments_hold(needle));
    CHECK(testing::WhereIs(proj, needle) == "");
  }

  std::vector<std::string> erase = {"subject", "erase", "--subject", nik, "--reason",
                                    "permintaan subjek", "--as", "NIP-DPO"};
  erase.insert(erase.end(), kafka.begin(), kafka.end());
  RunResult e = Jejak(engine, erase);
  REQUIRE_MESSAGE(e.exit_code == 0, e.err);
  RunResult more = Project(proj, topic, group, {"--exit-when-idle", "3"});
  REQUIRE_MESSAGE(more.exit_code == 0, more.err);
  CHECK(LastLine(more.out)["applied"] == 1);  // the subject_erased event
  for (const std::string& needle : {nik, name}) {
    CAPTURE(needle);
    CHECK_FALSE(segments_hold(needle));
    CHECK(testing::WhereIs(proj, needle) == "");
    CHECK(testing::WhereIs(engine, needle) == "");
  }
}

}  // namespace
}  // namespace jejak::cli
