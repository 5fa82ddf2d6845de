// The responder on a real loopback socket, spoken to by a plain POSIX client.
#include "gateway/http_responder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "gateway/testing/http_get.h"

namespace samverkan::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using testing::HttpExchange;
using testing::HttpGet;

std::string Get(int port, const std::string& path) {
  return HttpGet("http://127.0.0.1:" + std::to_string(port), path);
}

std::unique_ptr<HttpResponder> StartExample() {
  HttpRoutes routes;
  routes["/hello"] = [] { return HttpResponse{200, "text/x-test", "hi\n"}; };
  routes["/down"] = [] {
    return HttpResponse{503, "text/plain; charset=utf-8", "down\n"};
  };
  auto r = HttpResponder::Start("127.0.0.1:0", std::move(routes));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(HttpResponderTest, BindsAnEphemeralLoopbackPort) {
  auto r = StartExample();
  ASSERT_NE(r, nullptr);
  EXPECT_GT(r->port(), 0);
  EXPECT_EQ(r->url(), "http://127.0.0.1:" + std::to_string(r->port()));
}

TEST(HttpResponderTest, AnswersByPath) {
  auto r = StartExample();
  ASSERT_NE(r, nullptr);
  struct Case {
    std::string request;
    std::string status_line;
    std::string contains;
  };
  for (const Case& c : std::vector<Case>{
           {"GET /hello HTTP/1.1\r\n\r\n", "HTTP/1.0 200 OK\r\n",
            "Content-Type: text/x-test\r\nContent-Length: 3\r\n"},
           {"GET /hello?x=1 HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n",
            "\r\n\r\nhi\n"},
           {"GET /down HTTP/1.1\r\n\r\n", "HTTP/1.0 503 Service Unavailable",
            "down\n"},
           {"GET /other HTTP/1.1\r\n\r\n", "HTTP/1.0 404 Not Found", "/other"},
           {"POST /hello HTTP/1.1\r\n\r\n", "HTTP/1.0 405", "only GET"},
           {"GET\r\n\r\n", "HTTP/1.0 400", "bad request line"},
           {"GET /hello HTTP/1.1\r\n", "HTTP/1.0 400", "incomplete"},
       }) {
    const std::string reply = HttpExchange(r->port(), c.request);
    EXPECT_THAT(reply, StartsWith(c.status_line)) << c.request;
    EXPECT_THAT(reply, HasSubstr(c.contains)) << c.request;
  }
}

TEST(HttpResponderTest, RefusesAnOverlongRequest) {
  auto r = StartExample();
  ASSERT_NE(r, nullptr);
  const std::string reply = HttpExchange(
      r->port(), "GET /hello HTTP/1.1\r\nX: " +
                     std::string(HttpResponder::kMaxRequestBytes + 10, 'a'));
  EXPECT_THAT(reply, StartsWith("HTTP/1.0 400"));
  // Still serving afterwards.
  EXPECT_THAT(Get(r->port(), "/hello"), StartsWith("HTTP/1.0 200"));
}

TEST(HttpResponderTest, RejectsBadListenAddresses) {
  for (const char* listen : {"127.0.0.1", "example.org:80", "127.0.0.1:x",
                             "127.0.0.1:70000", ":80"}) {
    EXPECT_FALSE(HttpResponder::Start(listen, {}).ok()) << listen;
  }
}

TEST(HttpResponderTest, APortInUseIsAnError) {
  auto first = StartExample();
  ASSERT_NE(first, nullptr);
  auto second =
      HttpResponder::Start("127.0.0.1:" + std::to_string(first->port()), {});
  EXPECT_FALSE(second.ok());
}

TEST(HttpResponderTest, StopsPromptlyWhenIdle) {
  auto r = StartExample();
  ASSERT_NE(r, nullptr);
  r.reset();  // joins the thread; a hang here fails by the test timeout
}

}  // namespace
}  // namespace samverkan::gateway
