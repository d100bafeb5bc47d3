// Issue 22, slowloris: clients that send their headers a line at a time, hold many
// connections, or fill the queue, through a real server on loopback with real sockets.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/serve/serve_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A GET of /healthz on a fresh connection from `from`: its status, 0 if none came.
int health_from(int port, const std::string& from, std::chrono::milliseconds wait = 10s) {
    RawConnection c(port, "127.0.0.1", from);
    if (!c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) return 0;
    return status_of(c.read_all(wait));
}

}  // namespace

TEST_CASE(
    "Clients trickling their headers are cut off at the header time while others are "
    "answered",
    "[serve][regression]") {
    // Issue 22: 8 connections sending a header line a second held every thread, since only
    // each read was timed, and stalled every request for 25 s.
    query::ServerOptions options;
    options.threads = 4;
    options.header_timeout = 1500ms;
    RunningServer s(serve_sample_db(), options);
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 4; ++i) {
        slow.push_back(std::make_unique<RawConnection>(s.port(), "127.0.0.1",
                                                       "127.0.0." + std::to_string(10 + i)));
        REQUIRE(slow.back()->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    }
    const auto start = Clock::now();
    std::vector<double> cut_at(slow.size(), -1);
    std::size_t open = slow.size();
    // A header line every 250 ms, for up to 6 s: never finishing, never idle for a read timeout.
    for (int line = 0; open > 0 && seconds_since(start) < 6; ++line) {
        for (std::size_t i = 0; i < slow.size(); ++i) {
            if (cut_at[i] >= 0) continue;
            (void)slow[i]->send("X-Slow-" + std::to_string(line) + ": 1\r\n");
            if (slow[i]->closed_within(60ms)) {
                cut_at[i] = seconds_since(start);
                --open;
            }
        }
    }
    for (std::size_t i = 0; i < slow.size(); ++i) {
        INFO("connection " << i << " closed after " << cut_at[i] << " s");
        CHECK(cut_at[i] >= 1.0);  // not before the header time
        CHECK(cut_at[i] > 0);
        CHECK(cut_at[i] < 3.5);
    }
    SECTION("and a request sent meanwhile is answered") {
        CHECK(health_from(s.port(), "127.0.0.20") == 200);
    }
}

TEST_CASE(
    "A request whose headers arrive within the header time is answered, however slowly "
    "they came",
    "[serve]") {
    query::ServerOptions options;
    options.header_timeout = 3000ms;
    RunningServer s(serve_sample_db(), options);
    RawConnection c(s.port());
    for (const std::string part :
         {"GET /healthz HTTP/1.1\r\n", "Host: 127.0.0.1\r\n", "Connection: close\r\n", "\r\n"}) {
        REQUIRE(c.send(part));
        std::this_thread::sleep_for(300ms);
    }
    CHECK(status_of(c.read_all(10s)) == 200);
}

TEST_CASE(
    "Past its connection limit a client address gets 503 at once, and other addresses "
    "are served",
    "[serve][regression]") {
    query::ServerOptions options;
    options.max_connections_per_client = 2;
    options.header_timeout = 4000ms;
    RunningServer s(serve_sample_db(), options);
    // Two idle connections from one address: each holds a thread until its header time.
    RawConnection a(s.port(), "127.0.0.1", "127.0.0.30");
    RawConnection b(s.port(), "127.0.0.1", "127.0.0.30");
    std::this_thread::sleep_for(200ms);
    const auto start = Clock::now();
    RawConnection third(s.port(), "127.0.0.1", "127.0.0.30");
    REQUIRE(third.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const std::string refused = third.read_all(3s);
    CHECK(status_of(refused) == 503);
    CHECK_THAT(refused, Catch::Contains("too many connections from this address"));
    CHECK(seconds_since(start) < 1.0);
    // The limit is per address: another client is answered.
    CHECK(health_from(s.port(), "127.0.0.31") == 200);
}

TEST_CASE("With every thread busy and the queue full, a new connection gets 503 at once",
          "[serve][regression]") {
    // Issue 22: cpp-httplib queued accepted connections without limit, so 100 slow clients
    // made every other request wait until it timed out.
    query::ServerOptions options;
    options.threads = 1;
    options.max_queued_connections = 2;
    options.header_timeout = 2000ms;
    RunningServer s(serve_sample_db(), options);
    // One idle connection on the thread, two in the queue.
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<RawConnection>(s.port(), "127.0.0.1",
                                                       "127.0.0." + std::to_string(40 + i)));
        std::this_thread::sleep_for(100ms);
    }
    const auto start = Clock::now();
    RawConnection late(s.port(), "127.0.0.1", "127.0.0.50");
    REQUIRE(late.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const std::string refused = late.read_all(3s);
    CHECK(status_of(refused) == 503);
    CHECK_THAT(refused, Catch::Contains("busy"));
    CHECK(seconds_since(start) < 1.0);
    // Once the idle ones have had their header time, the server answers again.
    std::this_thread::sleep_for(6500ms);
    CHECK(health_from(s.port(), "127.0.0.51") == 200);
}
