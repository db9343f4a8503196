// A jejak server in the test process (127.0.0.1, any free port) over a
// scratch data directory with a small workflow, and a minimal HTTP client.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/server.h"
#include "api/token.h"
#include "events/time.h"
#include "tests/testutil.h"

namespace jejak::testing {

// Four-eyes approval of a permit with one personal field that only the head
// of office may read.
inline constexpr char kIzinYaml[] = R"(workflow: izin
version: 1
agency: Dinas Uji
title: Izin uji
fields:
  nama:
    type: string
    title: Nama pemohon
    required: true
    pii: true
    pii_roles: [kepala]
  jumlah:
    type: integer
    title: Jumlah
    min: 1
states:
  diajukan:
    title: Diajukan
    initial: true
  diperiksa:
    title: Diperiksa
  selesai:
    title: Selesai
    terminal: true
actions:
  periksa:
    title: Periksa
    from: diajukan
    to: diperiksa
    roles: [verifikator, kepala]
  setujui:
    title: Setujui
    from: diperiksa
    to: selesai
    roles: [kepala]
    four_eyes: [periksa]
)";

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// Sends bytes on a fresh connection and returns everything the server sends
// back until it closes (or 5 s pass).
std::string RawExchange(uint16_t port, const std::string& bytes);

class TestServer {
 public:
  // A server over a scratch directory with kIzinYaml deployed; tweak may
  // change its options before it starts.
  explicit TestServer(std::function<void(api::ServerOptions&)> tweak = {});

  api::Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }
  std::string data() const { return dir_.Sub("data"); }
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }
  void Stop() { server_->Stop(); }

  std::string Token(const std::string& subject, const std::string& role,
                    int64_t ttl_s = 3600) const;

  HttpResult Call(const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) const {
    return CallFrom("", method, target, body, headers);
  }

  // The same from another loopback address (e.g. "127.0.0.2"), as another
  // client; "" for the default.
  HttpResult CallFrom(const std::string& source, const std::string& method,
                      const std::string& target, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {}) const;

  HttpResult Get(const std::string& target, const std::string& token = "") const {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return Call("GET", target, "", h);
  }
  HttpResult Post(const std::string& target, const nlohmann::json& body,
                  const std::string& token = "") const {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return Call("POST", target, body.dump(), h);
  }

  // Submits a request of applicant; returns the submission's response JSON.
  nlohmann::json Submit(const std::string& applicant, const std::string& nama = "Siti") const;

 private:
  TempDir dir_;
  std::unique_ptr<api::Server> server_;
  std::unique_ptr<api::TokenKey> tokens_;
};

}  // namespace jejak::testing
