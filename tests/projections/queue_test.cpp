// Queue positions (status "queue_ahead"): how many requests of the same
// workflow have waited longer in the same state, ties in time broken by
// request id. Checked against hand-computed answers and against a count
// over the events themselves, after every event of a live projector (the
// store's in-memory queue index kept up to date), after catch-ups whose
// commits are written in the background, after reopening, and by a reader.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <map>
#include <random>
#include <tuple>

#include "base/error.h"
#include "engine/engine.h"
#include "events/vocabulary.h"
#include "projections/keys.h"
#include "projections/projector.h"
#include "projections/status.h"
#include "projections/waiting_queue.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/projections/ledger_events.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

using testing::LedgerEvents;

// Two workflows with the same state names: their queues are apart.
std::string Workflow(const std::string& name) {
  return fmt::format(R"(workflow: {}
version: 1
agency: Kantor Antre
title: Antrean
fields:
  nama: {{title: Nama, type: string, required: true}}
states:
  masuk: {{title: Masuk, initial: true}}
  periksa: {{title: Diperiksa}}
  selesai: {{title: Selesai, terminal: true}}
actions:
  periksa: {{title: Periksa, from: masuk, to: periksa, roles: [petugas]}}
  kembalikan: {{title: Kembalikan, from: periksa, to: masuk, roles: [petugas]}}
  selesaikan: {{title: Selesaikan, from: periksa, to: selesai, roles: [petugas]}}
)",
                     name);
}

constexpr int64_t kQueueMinute = 60'000'000;
const int64_t kT0 = 1'800'000'000'000'000;  // 2027-01-15

const events::Actor kOfficer{"NIP-P", "petugas", "Kantor Antre"};

// Submissions with ties in time, requests moving on, coming back, finishing
// and withdrawn, in two workflows; R[n] is the nth request.
struct Office {
  testing::TempDir dir;
  std::atomic<int64_t> now{kT0};
  std::map<int, std::string> r;

  Office() {
    engine::EngineOptions o = testing::ClockedEngineOptions(dir.path(), now);
    auto eng = engine::Engine::Open(o);
    for (const char* w : {"antre-a", "antre-b"}) {
      eng->Deploy(workflow::ParseWorkflow(Workflow(w), "antre.yaml"), {"admin", "admin", ""});
    }
    auto submit = [&](int n, const char* workflow, int64_t minute) {
      now = kT0 + minute * kQueueMinute;
      r[n] = eng->Submit({workflow, fmt::format("C{}", n), {{"nama", "P"}}, ""}).event.request_id;
    };
    auto act = [&](int n, const char* action, int64_t minute) {
      now = kT0 + minute * kQueueMinute;
      engine::ActCommand c;
      c.request_id = r[n];
      c.action = action;
      c.actor = kOfficer;
      eng->Act(c);
    };
    submit(1, "antre-a", 0);
    submit(2, "antre-a", 0);  // R1, R2, R3 tie
    submit(3, "antre-a", 0);
    submit(4, "antre-b", 0);  // another workflow, same time and state
    submit(5, "antre-a", 1);
    submit(6, "antre-a", 2);
    submit(7, "antre-a", 2);  // R6, R7 tie
    act(2, "periksa", 3);     // R2 leaves masuk
    act(5, "periksa", 4);
    act(1, "periksa", 4);     // R1 and R5 tie in periksa
    act(5, "kembalikan", 5);  // R5 back in masuk, now the last
    act(1, "selesaikan", 6);  // R1 leaves the queues
    now = kT0 + 7 * kQueueMinute;
    eng->Withdraw({r[6], "C6", "Tidak jadi", std::nullopt, ""});
    submit(8, "antre-a", 7);
  }

  std::vector<events::Event> Events() const {
    return LedgerEvents(*ledger::Ledger::OpenReadOnly(dir.Sub("ledger")));
  }
};

// The expected answer, counted over the events: where each request waits
// (workflow, state, time of entry), and who waits before it.
struct Expected {
  std::map<std::string, std::tuple<std::string, std::string, int64_t>> waiting;

  void Apply(const events::Event& e) {
    namespace t = events::types;
    if (e.type != t::kSubmitted && e.type != t::kAction && e.type != t::kWithdrawn) return;
    std::string to = e.fields.at(events::fields::kTo).text();
    if (to == "selesai" || e.type == t::kWithdrawn) {
      waiting.erase(e.request_id);
    } else {
      waiting[e.request_id] = {e.workflow, to, e.time_us};
    }
  }

  int64_t Ahead(const std::string& id) const {
    const auto& [workflow, state, entered] = waiting.at(id);
    int64_t n = 0;
    for (const auto& [other, at] : waiting) {
      const auto& [w, s, t] = at;
      if (w == workflow && s == state && std::tie(t, other) < std::tie(entered, id)) ++n;
    }
    return n;
  }
};

// Every request's status agrees with the count over the events.
void CheckAll(const Store& store, const Expected& expected, const std::map<int, std::string>& r) {
  for (const auto& entry : r) {
    int n = entry.first;
    const std::string& id = entry.second;
    auto status = RequestStatus(store, id, kT0);
    if (!status) continue;  // not submitted yet
    INFO("R" << n);
    if (expected.waiting.count(id) == 0) {
      CHECK((*status)["terminal"] == true);
      CHECK(!status->contains("queue_ahead"));
      continue;
    }
    CHECK((*status)["queue_ahead"] == expected.Ahead(id));
    CHECK((*status)["queue_position"] == expected.Ahead(id) + 1);
  }
}

TEST_CASE("projections: queue positions are exact, with ties, after each event") {
  Office office;
  // Ids follow submission order, so ties are broken in it.
  for (int n = 1; n < 8; ++n) REQUIRE(office.r[n] < office.r[n + 1]);
  testing::TempDir out;
  Projector p(Store::Open(out.Sub("proj")));
  Expected expected;
  for (const auto& e : office.Events()) {
    p.Apply({e});
    expected.Apply(e);
    CheckAll(p.store(), expected, office.r);
  }
  // By hand: masuk of antre-a holds R3 (0), R7 (2), R5 (5), R8 (7);
  // periksa holds R2 (3); antre-b's masuk holds R4 alone.
  auto ahead = [&](int n) { return (*RequestStatus(p.store(), office.r[n], kT0))["queue_ahead"]; };
  CHECK(ahead(3) == 0);
  CHECK(ahead(7) == 1);
  CHECK(ahead(5) == 2);
  CHECK(ahead(8) == 3);
  CHECK(ahead(2) == 0);
  CHECK(ahead(4) == 0);
  CHECK(expected.Ahead(office.r[8]) == 3);
}

TEST_CASE("projections: queue positions after background commits, reopening, and for readers") {
  Office office;
  std::vector<events::Event> all = office.Events();
  Expected expected;
  for (const auto& e : all) expected.Apply(e);
  testing::TempDir out;
  std::string path = out.Sub("proj");
  {
    // Two events per chunk and a commit every three: most commits are
    // written in the background while the next events are applied.
    Projector p(Store::Open(path), 3);
    p.CatchUp([&](uint64_t from, size_t) {
      size_t end = std::min<size_t>(all.size(), from + 2);
      return std::vector<events::Event>(all.begin() + std::min<size_t>(from, end),
                                        all.begin() + end);
    });
    CHECK(p.next_seq() == all.size());
    CheckAll(p.store(), expected, office.r);
  }
  CheckAll(*Store::OpenReadOnly(path), expected, office.r);
  Projector reopened(Store::Open(path));
  CheckAll(reopened.store(), expected, office.r);
}

TEST_CASE("projections: a commit in the background is read at once and written in order") {
  testing::TempDir dir;
  std::string path = dir.Sub("proj");
  std::string queued = keys::Queue("w", "s", 5, "R1");
  {
    auto s = Store::Open(path);
    CHECK(s->QueueKeysBefore(keys::Queue("w", "s", 9, "R9")) == 0);  // loads the index
    s->Put("a|1", "one");
    s->Write("b|1", "record");
    s->Put(queued, "");
    s->CommitInBackground(3);
    CHECK(s->Get("a|1") == std::optional<std::string>("one"));
    CHECK(s->Get("b|1") == std::optional<std::string>("record"));
    CHECK(s->QueueKeysBefore(keys::Queue("w", "s", 9, "R9")) == 1);
    CHECK(s->QueueKeysBefore(keys::Queue("w", "s", 5, "R0")) == 0);
    CHECK(s->QueueKeysBefore(keys::Queue("w", "t", 9, "R9")) == 0);
    s->Put("a|1", "uno");
    s->Delete(queued);
    s->CommitInBackground(4);
    int n = 0;
    s->Scan("a|", [&](std::string_view, std::string_view v) {
      CHECK(v == "uno");
      return ++n > 0;
    });
    CHECK(n == 1);
    CHECK(s->next_seq() == 4);
    CHECK(s->QueueKeysBefore(keys::Queue("w", "s", 9, "R9")) == 0);
    s->Write("b|2", "later");
    s->CommitInBackground(5);
  }  // closing waits for it
  auto s = Store::OpenReadOnly(path);
  CHECK(s->next_seq() == 5);
  CHECK(s->Get("a|1") == std::optional<std::string>("uno"));
  CHECK(s->Get("b|2") == std::optional<std::string>("later"));
  CHECK(!s->Get(queued));
}

TEST_CASE("projections: the in-memory waiting queue agrees with an ordered map") {
  // Mostly in order, as requests enter: sometimes earlier or at the same
  // time (ties by id), sometimes again after leaving; leaving anywhere,
  // mostly near the front; enough to sweep the entries that left often.
  WaitingQueue q;
  std::map<std::pair<int64_t, std::string>, uint64_t> model;
  std::mt19937_64 rng(7);
  int64_t now = 0;
  for (uint64_t seq = 1; seq <= 20000; ++seq) {
    if (model.empty() || rng() % 100 < 52) {
      int64_t entered = rng() % 10 == 0 ? now - static_cast<int64_t>(rng() % 50) : now;
      std::string id = fmt::format("R{}", rng() % 3000);
      q.Add(entered, id, seq);
      model[{entered, id}] = seq;
      now += static_cast<int64_t>(rng() % 3);
    } else {
      auto it = model.begin();
      std::advance(
          it, rng() % 4 == 0 ? rng() % model.size() : rng() % std::min<size_t>(model.size(), 3));
      bool stored = true;
      REQUIRE(q.Remove(it->first.first, it->first.second, &stored));
      CHECK(!stored);
      CHECK(!q.Remove(it->first.first, it->first.second, &stored));
      model.erase(it);
    }
    if (seq % 97 == 0) {
      for (const auto& [key, s] : model) {
        WaitingQueue::Entry* e = q.Find(key.first, key.second);
        REQUIRE(e != nullptr);
        CHECK(e->seq == s);
      }
    }
    const WaitingQueue::Entry* first = q.FirstExcept("none");
    REQUIRE((first != nullptr) == !model.empty());
    if (first != nullptr) {
      CHECK(std::pair(first->entered, first->id) == model.begin()->first);
      const WaitingQueue::Entry* second = q.FirstExcept(first->id);
      if (model.size() > 1 && std::next(model.begin())->first.second != first->id) {
        REQUIRE(second != nullptr);
        CHECK(std::pair(second->entered, second->id) == std::next(model.begin())->first);
      }
    }
  }
  // Entries from the store keep their flag until they enter again.
  WaitingQueue stored;
  stored.AddStored(1, "A", 5);
  stored.AddStored(2, "B", 6);
  bool was_stored = false;
  REQUIRE(stored.Remove(1, "A", &was_stored));
  CHECK(was_stored);
  stored.Add(2, "B", 9);
  REQUIRE(stored.Find(2, "B"));
  CHECK(!stored.Find(2, "B")->stored);
  CHECK(stored.Find(2, "B")->seq == 9);
}

}  // namespace
}  // namespace jejak::projections
