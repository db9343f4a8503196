#include "api/client_address.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "base/error.h"

namespace jejak::api {
namespace {

namespace ip = boost::asio::ip;
using base::Error;
using base::ErrorCode;

// IPv4-mapped IPv6 ("::ffff:10.0.0.1", as a dual-stack socket reports an
// IPv4 peer) is the IPv4 address.
ip::address Unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One X-Forwarded-For entry: an address, "[v6]" or "[v6]:port", or
// "v4:port" (some proxies add the port). Empty when it is none of these.
std::optional<ip::address> ParseEntry(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s = s.substr(1, close - 1);
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    s = s.substr(0, s.find(':'));
  }
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  return Unmapped(a);
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& networks) {
  for (const std::string& text : networks) {
    boost::system::error_code ec;
    std::string cidr = text;
    if (cidr.find('/') == std::string::npos) {
      ip::address a = ip::make_address(cidr, ec);
      if (!ec) cidr += Unmapped(a).is_v4() ? "/32" : "/128";
    }
    if (cidr.find(':') == std::string::npos) {
      ip::network_v4 net = ip::make_network_v4(cidr, ec);
      if (!ec) {
        v4_.push_back(net.canonical());
        continue;
      }
    } else {
      ip::network_v6 net = ip::make_network_v6(cidr, ec);
      if (!ec) {
        v6_.push_back(net.canonical());
        continue;
      }
    }
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("trusted proxy '{}' is not an IP address or CIDR network "
                            "(such as 10.0.0.0/8 or 2001:db8::/32)",
                            text));
  }
}

bool TrustedProxies::Contains(const ip::address& address) const {
  ip::address a = Unmapped(address);
  if (a.is_v4()) {
    return std::any_of(v4_.begin(), v4_.end(), [&](const ip::network_v4& n) {
      return ip::make_network_v4(a.to_v4(), n.prefix_length()).canonical() == n;
    });
  }
  return std::any_of(v6_.begin(), v6_.end(), [&](const ip::network_v6& n) {
    return ip::make_network_v6(a.to_v6(), n.prefix_length()).canonical() == n;
  });
}

ip::address TrustedProxies::Client(const ip::address& peer, std::string_view forwarded_for) const {
  ip::address client = Unmapped(peer);
  if (!Contains(client)) return client;
  // Right to left: each entry was appended by the hop after it, and is as
  // good as that hop; the first hop that is not ours is the client.
  std::string_view rest = forwarded_for;
  while (!Trim(rest).empty()) {
    size_t comma = rest.rfind(',');
    std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    std::optional<ip::address> hop = ParseEntry(entry);
    if (!hop) break;
    client = *hop;
    if (!Contains(client)) break;
  }
  return client;
}

std::string ClientKey(const ip::address& address) {
  ip::address a = Unmapped(address);
  if (a.is_v4()) return a.to_string();
  ip::address_v6::bytes_type bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace jejak::api
