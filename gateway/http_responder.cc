// Blocking sockets with timeouts on one thread: a scrape every few seconds
// needs no more, and a misbehaving client costs at most kClientTimeoutMs.
#include "gateway/http_responder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samverkan::gateway {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

void SetTimeouts(int fd) {
  timeval tv{};
  tv.tv_sec = HttpResponder::kClientTimeoutMs / 1000;
  tv.tv_usec = (HttpResponder::kClientTimeoutMs % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n =
        send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client left or stalled; nothing to tell it
    done += static_cast<size_t>(n);
  }
}

// Reads up to the blank line ending the headers; false if the client never
// sends one within the limits.
bool ReadHead(int fd, std::string* head) {
  char buf[1024];
  while (head->find("\r\n\r\n") == std::string::npos &&
         head->find("\n\n") == std::string::npos) {
    if (head->size() > HttpResponder::kMaxRequestBytes) return false;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    head->append(buf, static_cast<size_t>(n));
  }
  return true;
}

Status SocketError(const std::string& what) {
  return UnavailableError(what + ": " + std::strerror(errno));
}

}  // namespace

StatusOr<std::unique_ptr<HttpResponder>> HttpResponder::Start(
    const std::string& listen, HttpRoutes routes) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgumentError("expected host:port, got \"" + listen + "\"");
  }
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  const std::string port_text = listen.substr(colon + 1);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgumentError("\"" + listen +
                                "\" does not start with an IPv4 address");
  }
  int port = -1;
  if (!port_text.empty() && port_text.size() <= 5 &&
      port_text.find_first_not_of("0123456789") == std::string::npos) {
    port = std::stoi(port_text);
  }
  if (port < 0 || port > 65535) {
    return InvalidArgumentError("\"" + listen + "\" has no valid port");
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));

  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 16) != 0) {
    Status s = SocketError("cannot listen on " + listen);
    close(fd);
    return s;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int bound_port = ntohs(addr.sin_port);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    Status s = SocketError("pipe");
    close(fd);
    return s;
  }
  std::unique_ptr<HttpResponder> r(new HttpResponder(
      fd, pipe_fds[0], pipe_fds[1], std::move(routes),
      "http://" + host + ":" + std::to_string(bound_port), bound_port));
  r->thread_ = std::thread([raw = r.get()] { raw->Serve(); });
  return r;
}

HttpResponder::HttpResponder(int listen_fd, int stop_read, int stop_write,
                             HttpRoutes routes, std::string url, int port)
    : listen_fd_(listen_fd),
      stop_read_(stop_read),
      stop_write_(stop_write),
      routes_(std::move(routes)),
      url_(std::move(url)),
      port_(port) {}

HttpResponder::~HttpResponder() {
  const char byte = 0;
  while (write(stop_write_, &byte, 1) < 0 && errno == EINTR) {
  }
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  close(stop_read_);
  close(stop_write_);
}

void HttpResponder::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    SetTimeouts(client);
    Answer(client);
    close(client);
  }
}

void HttpResponder::Answer(int fd) {
  std::string head;
  HttpResponse response;
  if (!ReadHead(fd, &head)) {
    response = {400, "text/plain; charset=utf-8", "incomplete request\n"};
  } else {
    // "GET /path?query HTTP/1.1"
    const size_t sp1 = head.find(' ');
    const size_t sp2 =
        sp1 == std::string::npos ? sp1 : head.find_first_of(" \r\n", sp1 + 1);
    if (sp2 == std::string::npos) {
      response = {400, "text/plain; charset=utf-8", "bad request line\n"};
    } else if (head.compare(0, sp1, "GET") != 0) {
      response = {405, "text/plain; charset=utf-8", "only GET is served\n"};
    } else {
      std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
      path = path.substr(0, path.find('?'));
      auto route = routes_.find(path);
      response = route == routes_.end()
                     ? HttpResponse{404, "text/plain; charset=utf-8",
                                    "no such page: " + path + "\n"}
                     : route->second();
    }
  }
  std::string out =
      "HTTP/1.0 " + std::to_string(response.status) + " " +
      Reason(response.status) + "\r\nContent-Type: " + response.content_type +
      "\r\nContent-Length: " + std::to_string(response.body.size()) +
      "\r\nConnection: close\r\n\r\n" + response.body;
  WriteAll(fd, out);
}

}  // namespace samverkan::gateway
