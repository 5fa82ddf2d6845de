// A plain HTTP client on POSIX sockets for tests of the metrics port: sends a
// request as given, reads until the server closes. No library, so the
// responder is checked against bytes, not against another HTTP stack.
#ifndef SAMVERKAN_GATEWAY_TESTING_HTTP_GET_H_
#define SAMVERKAN_GATEWAY_TESTING_HTTP_GET_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>

namespace samverkan::gateway::testing {

// Sends `request` to 127.0.0.1:`port`, half-closes, and returns everything
// the server sent; "" when the connection fails. Reads give up after 10 s so
// a hung server fails the test instead of hanging it.
inline std::string HttpExchange(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, n);
  close(fd);
  return reply;
}

// GET `path` from "http://127.0.0.1:PORT" (as the ready file names it).
inline std::string HttpGet(const std::string& url, const std::string& path) {
  const size_t colon = url.rfind(':');
  if (colon == std::string::npos) return "";
  return HttpExchange(std::stoi(url.substr(colon + 1)),
                      "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

}  // namespace samverkan::gateway::testing

#endif  // SAMVERKAN_GATEWAY_TESTING_HTTP_GET_H_
