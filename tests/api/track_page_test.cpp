// GET /track driven in headless Chromium: the page reads ?id=&code=, calls
// the API, checks the receipt with WebCrypto, and the dumped DOM shows it.
// Chromium is a test dependency (scripts/setup.sh): without it this fails.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ledger/note.h"
#include "tests/api/witness_fixture.h"

namespace jejak::testing {
namespace {

std::string FindChromium() {
  if (const char* env = std::getenv("JEJAK_CHROMIUM")) return env;
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      std::filesystem::path p = std::filesystem::path(path.substr(start, end - start)) / name;
      if (access(p.c_str(), X_OK) == 0) return p.string();
      start = end + 1;
    }
  }
  return "";
}

// The page's DOM once its scripts ran (virtual time lets the fetches finish).
std::string DumpDom(const std::string& url, const TempDir& dir) {
  std::string chromium = FindChromium();
  REQUIRE_MESSAGE(!chromium.empty(),
                  "chromium not found: run scripts/setup.sh or set JEJAK_CHROMIUM");
  std::string cmd = fmt::format(
      "timeout 60 '{}' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir='{}' --virtual-time-budget=15000 --dump-dom '{}' 2>/dev/null",
      chromium, dir.Sub("profile"), url);
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  CHECK(pclose(p) == 0);
  return out;
}

// The text of the element with this id up to its first child tag.
std::string TextOf(const std::string& dom, const std::string& id) {
  std::string open = "id=\"" + id + "\"";
  size_t at = dom.find(open);
  if (at == std::string::npos) return "<no #" + id + ">";
  size_t start = dom.find('>', at) + 1;
  return dom.substr(start, dom.find('<', start) - start);
}

TEST_CASE("api: /track shows status, queue and a verified receipt in headless Chromium") {
  TempDir keys;
  ledger::SigningKey key = ledger::GenerateSigningKey("jejak.test/track");
  std::ofstream(keys.Sub("jejak.key")) << ledger::FormatSigningKey(key);
  TestServer t([&](api::ServerOptions& o) { o.signing_key = keys.Sub("jejak.key"); });
  // a moves on; b waits ahead of c.
  nlohmann::json a = t.Submit("3273010101900001"), b = t.Submit("3273010101900002"),
                 c = t.Submit("3273010101900003");
  std::string id_a = a["request_id"], id_c = c["request_id"];
  CHECK(b["request_id"] != id_c);
  REQUIRE(t.Post("/v1/requests/" + id_a + "/actions", {{"action", "periksa"}},
                 t.Token("198701012010011001", "verifikator"))
              .status == 201);

  HttpResult page = t.Get("/track");
  CHECK(page.status == 200);
  CHECK(page.headers["Content-Type"].find("text/html") == 0);
  CHECK(page.headers["Content-Security-Policy"].find("default-src 'none'") == 0);
  for (const char* external : {"http://", "https://", "src=", "@import"}) {
    CHECK_MESSAGE(page.body.find(external) == std::string::npos, external);
  }

  TempDir browser;
  std::string base = fmt::format("http://127.0.0.1:{}/track", t.port());
  SUBCASE("Indonesian, second in the queue") {
    std::string dom =
        DumpDom(fmt::format("{}?id={}&code={}", base, id_c, c["tracking_code"].get<std::string>()),
                browser);
    CHECK(dom.find("data-state=\"done\"") != std::string::npos);
    CHECK(TextOf(dom, "error") == "");
    CHECK(TextOf(dom, "state") == "Diajukan");
    CHECK(TextOf(dom, "next") == "Verifikator, Kepala — Periksa");  // role titles
    CHECK(TextOf(dom, "queue") == "ke-2");
    CHECK(dom.find("(1 permohonan di depan)") != std::string::npos);
    CHECK(dom.find("Diajukan (Pemohon") != std::string::npos);  // the timeline
    CHECK(dom.find("id=\"receipt-status\" class=\"ok\">Terverifikasi") != std::string::npos);
    CHECK(dom.find("<li class=\"fail\"") == std::string::npos);
    CHECK(TextOf(dom, "receipt-witnesses") ==
          "Belum ada saksi independen yang ikut menandatangani checkpoint terbaru.");
  }
  SUBCASE("English, after an officer acted") {
    std::string dom = DumpDom(
        fmt::format("{}?id={}&code={}&lang=en", base, id_a, a["tracking_code"].get<std::string>()),
        browser);
    CHECK(TextOf(dom, "state") == "Diperiksa");
    CHECK(TextOf(dom, "next") == "Head of office — Setujui");
    CHECK(TextOf(dom, "queue") == "1");
    CHECK(dom.find("Who must act next") != std::string::npos);
    CHECK(dom.find("Periksa → Diperiksa (Document verifier") != std::string::npos);
    CHECK(dom.find("class=\"ok\">Verified: ledger entry #") != std::string::npos);
  }
  SUBCASE("a wrong code shows nothing of the request") {
    std::string dom = DumpDom(fmt::format("{}?id={}&code=AAAA-AAAA-AAAA", base, id_a), browser);
    CHECK(TextOf(dom, "error") == "Permohonan tidak ditemukan, atau kodenya salah.");
    CHECK(TextOf(dom, "state") == "");
    CHECK(dom.find("<section id=\"result\" hidden") != std::string::npos);
  }
}

TEST_CASE("api: /track says how many independent witnesses cosigned the checkpoint") {
  WitnessedServer w(false);
  nlohmann::json s = w.server.Submit("3273010101900001");
  w.HealthAfter(ledger::ParseCheckpoint(s["receipt"]["checkpoint"].get<std::string>()).size);
  TempDir browser;
  std::string url =
      fmt::format("http://127.0.0.1:{}/track?id={}&code={}", w.server.port(),
                  s["request_id"].get<std::string>(), s["tracking_code"].get<std::string>());
  std::string dom = DumpDom(url, browser);
  CHECK(dom.find("id=\"receipt-status\" class=\"ok\">Terverifikasi") != std::string::npos);
  CHECK(TextOf(dom, "receipt-witnesses")
            .find("Disaksikan: 1 saksi independen (ombudsman.test/saksi)") == 0);
  dom = DumpDom(url + "&lang=en", browser);
  CHECK(TextOf(dom, "receipt-witnesses")
            .find("Witnessed: 1 independent witness (ombudsman.test/saksi)") == 0);
}

TEST_CASE("api: /track says there is no receipt when the server signs no checkpoints") {
  TestServer t;
  nlohmann::json s = t.Submit("3273010101900001");
  TempDir browser;
  std::string dom = DumpDom(
      fmt::format("http://127.0.0.1:{}/track?id={}&code={}", t.port(),
                  s["request_id"].get<std::string>(), s["tracking_code"].get<std::string>()),
      browser);
  CHECK(TextOf(dom, "state") == "Diajukan");
  CHECK(TextOf(dom, "receipt-status").find("tidak menandatangani checkpoint") != std::string::npos);
}

}  // namespace
}  // namespace jejak::testing
