// Which client a request comes from, as rate limits and the tracking-code
// guard key it. Behind a reverse proxy every connection comes from the
// proxy, so each citizen would share one allowance with all the others. A
// connection from a trusted proxy (an operator's list of networks) is taken
// from X-Forwarded-For instead: the client is the nearest address, reading
// from the right, that is not itself a trusted proxy. Entries left of it are
// written by the client and cannot be believed. Without trusted proxies the
// header is ignored.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::api {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // networks: addresses or CIDR networks ("10.0.0.0/8", "2001:db8::/32",
  // "127.0.0.1"). Throws Error(kInvalidArgument) naming one that is not.
  explicit TrustedProxies(const std::vector<std::string>& networks);

  bool empty() const { return v4_.empty() && v6_.empty(); }
  bool Contains(const boost::asio::ip::address& address) const;

  // The client of a connection from peer that carried X-Forwarded-For
  // forwarded_for (empty when absent; several fields joined with ",").
  // An entry that is not an address ends the walk at the last good one.
  boost::asio::ip::address Client(const boost::asio::ip::address& peer,
                                  std::string_view forwarded_for) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

// The client as limits see it: an IPv4 address, or an IPv6 /64 network (one
// subscriber's usual allocation, which one host can roam freely), such as
// "2001:db8::/64". IPv4-mapped IPv6 addresses count as IPv4.
std::string ClientKey(const boost::asio::ip::address& address);

}  // namespace jejak::api
