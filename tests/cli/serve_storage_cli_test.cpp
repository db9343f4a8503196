// `jejak serve` whose ledger directory becomes immutable (chattr -R +i, as
// root on a file system with the attribute): the command gets 503, and the
// server, which cannot write again, stops cleanly with exit code 6 and says
// what to do. It aborted (SIGABRT) in librocksdb 7.8 before.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using namespace std::chrono_literals;

constexpr char kWorkflow[] = R"(workflow: izin
version: 1
agency: Dinas Uji
title: Izin uji
fields:
  nama: {type: string, title: Nama, required: true}
states:
  diajukan: {title: Diajukan, initial: true}
  selesai: {title: Selesai, terminal: true}
actions:
  selesaikan: {title: Selesaikan, from: diajukan, to: selesai, roles: [petugas]}
)";

// POSTs body to 127.0.0.1:port and returns the HTTP status (0 on failure).
int Post(uint16_t port, const std::string& path, const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return 0;
  }
  std::string req = "POST " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Connection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string res;
  if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) res.append(buf, n);
  }
  close(fd);
  return res.starts_with("HTTP/1.1 ") ? std::stoi(res.substr(9, 3)) : 0;
}

TEST_CASE("cli serve: an immutable ledger directory answers 503, then the server exits 6") {
  testing::TempDir tmp;
  std::filesystem::create_directories(tmp.Sub("wf"));
  std::ofstream(tmp.Sub("wf/izin.yaml")) << kWorkflow;
  std::string data = tmp.Sub("data");
  testing::Subprocess serve({testing::JejakBin(), "serve", "--data", data, "--workflows",
                             tmp.Sub("wf"), "--listen", "127.0.0.1:0", "--json"});
  REQUIRE(serve.ReadUntil("\n", 30s));
  std::string url = nlohmann::json::parse(serve.out())["url"];
  auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  std::string body = R"({"workflow": "izin", "applicant": "A", "fields": {"nama": "Siti"}})";
  REQUIRE(Post(port, "/v1/requests", body) == 201);

  bool immutable = testing::Run({"chattr", "-R", "+i", data + "/ledger"}).exit_code == 0;
  int status = Post(port, "/v1/requests", body);
  if (!immutable) {
    // No immutable attribute here (not root, or another file system): the
    // command goes through, and the server stops as usual.
    CHECK(status == 201);
    serve.Kill(SIGTERM);
    CHECK(serve.Wait() == 0);
    return;
  }
  CHECK(status == 503);
  int code = serve.Wait();  // it stops by itself
  testing::Run({"chattr", "-R", "-i", data + "/ledger"});
  CAPTURE(serve.err());
  CHECK(code == 6);
  CHECK(serve.err().find("cannot write again in this process") != std::string::npos);
  CHECK(serve.err().find("start it again") != std::string::npos);
  // Every acknowledged entry is there: the deployment and one submission.
  testing::RunResult v = testing::RunJejak({"ledger", "verify"}, data);
  CHECK(v.exit_code == 0);
  CHECK(v.out.starts_with("OK 2 entries"));
}

}  // namespace
}  // namespace jejak::cli
