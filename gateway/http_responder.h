// A minimal HTTP/1.0 responder for operators' scrapers: GET on a fixed set of
// paths, one connection at a time, on its own thread. Enough for /metrics and
// /healthz on a loopback port; not a general web server, and it never touches
// the threads that handle events.
#ifndef SAMVERKAN_GATEWAY_HTTP_RESPONDER_H_
#define SAMVERKAN_GATEWAY_HTTP_RESPONDER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace samverkan::gateway {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Path (without query string) → what answers it; called on the responder's
// thread only.
using HttpRoutes = std::map<std::string, std::function<HttpResponse()>>;

class HttpResponder {
 public:
  // A slow or silent client is dropped after this, so it cannot hold the
  // single serving thread.
  static constexpr int kClientTimeoutMs = 2000;
  // Requests are a line and a few headers; anything longer is refused.
  static constexpr size_t kMaxRequestBytes = 8192;

  // Binds `listen` ("host:port", an IPv4 address or "localhost"; port 0
  // picks a free one) and starts serving `routes`; other paths get 404.
  static StatusOr<std::unique_ptr<HttpResponder>> Start(
      const std::string& listen, HttpRoutes routes);
  // Stops the thread and closes the socket.
  ~HttpResponder();
  HttpResponder(const HttpResponder&) = delete;
  HttpResponder& operator=(const HttpResponder&) = delete;

  // "http://host:port" as bound.
  const std::string& url() const { return url_; }
  int port() const { return port_; }

 private:
  HttpResponder(int listen_fd, int stop_read, int stop_write, HttpRoutes routes,
                std::string url, int port);
  void Serve();
  void Answer(int fd);

  const int listen_fd_;
  // A pipe: writing to it wakes the serving thread so it can stop.
  const int stop_read_;
  const int stop_write_;
  const HttpRoutes routes_;
  const std::string url_;
  const int port_;
  std::thread thread_;
};

}  // namespace samverkan::gateway

#endif  // SAMVERKAN_GATEWAY_HTTP_RESPONDER_H_
