// Issue 22, slowloris: clients that send their headers a line at a time, hold many
// connections, or fill the queue, through a real server on loopback with real sockets.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
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

namespace {

/// `clients` threads, client i on address 127.0.1.(i % addresses + 1), each sending
/// `requests` GETs of `target` one after another: how many answers had each status.
std::map<int, int> hammer(int port, int clients, int addresses, int requests,
                          const std::string& target) {
    std::mutex mutex;
    std::map<int, int> statuses;
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            const std::string from = "127.0.1." + std::to_string(i % addresses + 1);
            for (int n = 0; n < requests; ++n) {
                int status = 0;
                try {
                    RawConnection c(port, "127.0.0.1", from);
                    if (c.send("GET " + target +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
                        status = status_of(c.read_all(10s));
                    }
                } catch (const std::exception&) {
                    status = -1;
                }
                std::lock_guard lock(mutex);
                ++statuses[status];
            }
        });
    }
    for (auto& t : threads) t.join();
    return statuses;
}

}  // namespace

TEST_CASE(
    "Past its limit of requests in flight a client address gets 429, and other addresses "
    "do not",
    "[serve][regression]") {
    // Issue 22: one client could keep every thread busy with requests of its own.
    query::ServerOptions options;
    options.threads = 8;
    options.max_requests_per_client = 1;
    options.expensive_slots = 8;
    options.expensive_wait = 10s;
    RunningServer s(serve_sample_db(), options);
    const std::string target = "/api/search?q=book+OR+sleep+OR+grief&facets=topic,year,reviewer";
    SECTION("eight clients on one address: some are told to wait, the rest answered") {
        const auto statuses = hammer(s.port(), 8, 1, 40, target);
        INFO("200: " << statuses.count(200) << ", 429: " << statuses.count(429));
        CHECK(statuses.at(200) > 0);
        CHECK(statuses.count(429) == 1);
        int others = 0;
        for (const auto& [status, n] : statuses) others += status == 200 || status == 429 ? 0 : n;
        CHECK(others == 0);
    }
    SECTION("eight clients on eight addresses: every request is answered") {
        const auto statuses = hammer(s.port(), 8, 8, 40, target);
        CHECK(statuses.size() == 1);
        CHECK(statuses.count(200) == 1);
    }
}

TEST_CASE("Expensive searches take turns for their slots, and cheap ones never wait for them",
          "[serve][regression]") {
    query::ServerOptions options;
    options.threads = 8;
    options.expensive_slots = 1;
    options.expensive_wait = 0ms;
    RunningServer s(serve_sample_db(), options);
    const auto expensive = hammer(s.port(), 8, 8, 30,
                                  "/api/search?q=b*+OR+s*+OR+g*&facets=topic,year,reviewer,rating");
    CHECK(expensive.count(503) == 1);  // no slot free at once: told to come back
    CHECK(expensive.count(200) == 1);
    CHECK(expensive.size() == 2);
    const auto cheap = hammer(s.port(), 8, 8, 30, "/api/search?q=book");
    CHECK(cheap.size() == 1);
    CHECK(cheap.count(200) == 1);
}
