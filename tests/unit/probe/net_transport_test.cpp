// The socket transport against servers this test runs itself on 127.0.0.1 (a few ports it owns; never a
// range of the host's ports).
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/net/transport.hpp"

namespace en18031::probe::net {
namespace {

using namespace std::chrono_literals;

// A socket bound to 127.0.0.1 on a free port, closed at the end of the test.
struct LocalSocket {
  int fd = -1;
  std::uint16_t port = 0;
  explicit LocalSocket(int type) {
    fd = ::socket(AF_INET, type, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~LocalSocket() { ::close(fd); }
};

TEST(SocketTransport, ConnectScanFindsTheListeningPortAndTheRefusedOne) {
  LocalSocket listening(SOCK_STREAM);
  ASSERT_EQ(::listen(listening.fd, 4), 0);
  LocalSocket bound_only(SOCK_STREAM);  // holds a port nobody listens on
  const std::vector<std::uint16_t> ports{std::min(listening.port, bound_only.port),
                                         std::max(listening.port, bound_only.port)};
  auto transport = make_socket_transport();
  const auto result = transport->tcp_connect_scan("127.0.0.1", ports, {});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->open, std::vector<std::uint16_t>{listening.port});
  EXPECT_EQ(result->refused, 1u);
  EXPECT_TRUE(result->filtered.empty());
}

TEST(SocketTransport, ConnectScanReportsEachOpenPortAsItIsFound) {
  LocalSocket listening(SOCK_STREAM);
  ASSERT_EQ(::listen(listening.fd, 4), 0);
  LocalSocket bound_only(SOCK_STREAM);
  const std::vector<std::uint16_t> ports{std::min(listening.port, bound_only.port),
                                         std::max(listening.port, bound_only.port)};
  std::vector<std::uint16_t> reported;
  TcpScanOptions options;
  options.on_open = [&](std::uint16_t port) { reported.push_back(port); };
  auto transport = make_socket_transport();
  const auto result = transport->tcp_connect_scan("127.0.0.1", ports, options);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(reported, std::vector<std::uint16_t>{listening.port});
  EXPECT_EQ(result->open, reported);
}

TEST(SocketTransport, ExchangeReadsTheGreetingUntilTheServerCloses) {
  LocalSocket listening(SOCK_STREAM);
  ASSERT_EQ(::listen(listening.fd, 4), 0);
  std::jthread server([&] {
    const int client = ::accept(listening.fd, nullptr, nullptr);
    ::send(client, "SSH-2.0-test\r\n", 14, 0);
    ::close(client);
  });
  auto transport = make_socket_transport();
  const auto answer = transport->tcp_exchange("127.0.0.1", listening.port, "", 2000ms, 1024);
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(*answer, "SSH-2.0-test\r\n");
}

TEST(SocketTransport, ExchangeStopsAtTheByteLimitAndTheDeadline) {
  LocalSocket listening(SOCK_STREAM);
  ASSERT_EQ(::listen(listening.fd, 4), 0);
  std::jthread server([&] {
    const int client = ::accept(listening.fd, nullptr, nullptr);
    char request[8];
    ::recv(client, request, sizeof request, 0);
    ::send(client, "0123456789", 10, 0);
    std::this_thread::sleep_for(700ms);  // keeps the connection open past the client's deadline
    ::close(client);
  });
  auto transport = make_socket_transport();
  const auto started = std::chrono::steady_clock::now();
  const auto answer = transport->tcp_exchange("127.0.0.1", listening.port, "ping", 300ms, 4);
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, "0123");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 650ms);
}

TEST(SocketTransport, UdpAnswersComeBackInRequestOrderAndSilenceIsNullopt) {
  LocalSocket echo(SOCK_DGRAM);
  LocalSocket silent(SOCK_DGRAM);
  std::jthread server([&] {
    char buffer[64];
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const ssize_t n =
        ::recvfrom(echo.fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
    const std::string answer = "re:" + std::string(buffer, static_cast<std::size_t>(n));
    ::sendto(echo.fd, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from), length);
  });
  auto transport = make_socket_transport();
  const std::vector<UdpRequest> requests{{silent.port, "a"}, {echo.port, "b"}};
  const auto answers = transport->udp_exchange("127.0.0.1", requests, 400ms, 1024);
  ASSERT_TRUE(answers) << answers.error().describe();
  ASSERT_EQ(answers->size(), 2u);
  EXPECT_EQ((*answers)[0], std::nullopt);
  EXPECT_EQ((*answers)[1], std::optional<std::string>("re:b"));
}

TEST(SocketTransport, UdpPortUnreachableEndsTheWaitEarly) {
  std::uint16_t closed_port = 0;
  {
    LocalSocket gone(SOCK_DGRAM);  // a port that was free a moment ago and is closed now
    closed_port = gone.port;
  }
  auto transport = make_socket_transport();
  const std::vector<UdpRequest> requests{{closed_port, "x"}};
  const auto started = std::chrono::steady_clock::now();
  const auto answers = transport->udp_exchange("127.0.0.1", requests, 3000ms, 1024);
  ASSERT_TRUE(answers);
  EXPECT_EQ((*answers)[0], std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
}

TEST(SocketTransport, HostMustBeAnAddress) {
  auto transport = make_socket_transport();
  const auto answer = transport->tcp_exchange("localhost", 80, "", 100ms, 16);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().describe(), "localhost is not an IP address");
  EXPECT_TRUE(is_address_literal("198.18.0.1"));
  EXPECT_TRUE(is_address_literal("::1"));
  EXPECT_FALSE(is_address_literal("example.org"));
}

}  // namespace
}  // namespace en18031::probe::net
