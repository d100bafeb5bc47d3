// revsearch-bench-serve-load: a cheap query's latency while clients on other loopback addresses
// send the most expensive searches the server's limits admit (issue 22). Bounded: it runs for
// --seconds and stops the server it started. Prints `metric name=value` lines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "query/server.hpp"

namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

/// One GET over a fresh connection from `from` to 127.0.0.1:`port`: the status, 0 on failure.
int get_status(int port, const std::string& from, const std::string& target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    int status = 0;
    if (::inet_pton(AF_INET, from.c_str(), &local.sin_addr) == 1 &&
        ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0 &&
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr) == 1 &&
        ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) {
        const std::string request =
            "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
            std::string response;
            char buf[65536];
            for (;;) {
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, 30000) <= 0) break;
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                response.append(buf, static_cast<std::size_t>(n));
            }
            if (response.size() > 12 && response.compare(0, 5, "HTTP/") == 0)
                status = std::atoi(response.c_str() + response.find(' ') + 1);
        }
    }
    ::close(fd);
    return status;
}

std::string encode(const std::string& s) {
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

/// The cheap query's latencies (ms) over `duration`, one request at a time, 50 ms apart.
std::vector<double> time_cheap(int port, const std::string& target, Clock::duration duration,
                               int& failures) {
    std::vector<double> ms;
    const auto end = Clock::now() + duration;
    while (Clock::now() < end) {
        const auto start = Clock::now();
        const int status = get_status(port, "127.0.3.1", target);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (status != 200) ++failures;
        std::this_thread::sleep_for(50ms);
    }
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db;
    std::string cheap = "good";
    std::string heavy = "a* OR b* OR c* OR d*";
    int seconds = 20;
    int clients = 16;
    bool unlimited = false;
    revsearch::query::ServerOptions options;
    po::options_description desc("Usage: revsearch-bench-serve-load --db DIR [options]");
    desc.add_options()("help,h", "show this help")("db", po::value(&db)->required(),
                                                   "the revsearch index")(
        "seconds", po::value(&seconds)->default_value(seconds), "seconds under load")(
        "clients", po::value(&clients)->default_value(clients),
        "expensive clients, each on its own loopback address")(
        "cheap", po::value(&cheap)->default_value(cheap), "the cheap query")(
        "heavy", po::value(&heavy)->default_value(heavy),
        "the expensive query (asked with all five facets and k=100)")(
        "threads", po::value(&options.threads)->default_value(options.threads), "server threads")(
        "unlimited", po::bool_switch(&unlimited),
        "lift the per-client and expensive-search limits (what they save)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << desc;
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "revsearch-bench-serve-load: " << e.what() << '\n';
        return 2;
    }
    if (unlimited) {
        options.max_requests_per_client = 1000;
        options.max_connections_per_client = 1000;
        options.max_queued_connections = 100000;
        options.expensive_slots = options.threads;
        options.expensive_wait = 60s;
    }
    options.listen.host = "127.0.0.1";
    options.listen.port = 0;
    options.request_timeout = 60s;
    revsearch::query::HttpServer server(db, options);
    server.start();
    const int port = server.port();
    const std::string cheap_target = "/api/search?k=10&q=" + encode(cheap);
    const std::string heavy_target =
        "/api/search?k=100&facets=topic,reviewer,category,year,rating&q=" + encode(heavy);

    // The peer: the cheap query alone, in this invocation.
    int peer_failures = 0;
    const std::vector<double> alone = time_cheap(port, cheap_target, 5s, peer_failures);

    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::map<int, long> heavy_statuses;
    std::vector<double> heavy_ms;
    std::vector<std::thread> attackers;
    for (int i = 0; i < clients; ++i) {
        attackers.emplace_back([&, i] {
            const std::string from = "127.0.2." + std::to_string(i + 1);
            while (!stop) {
                const auto start = Clock::now();
                const int status = get_status(port, from, heavy_target);
                const double ms =
                    std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                {
                    std::lock_guard lock(mutex);
                    ++heavy_statuses[status];
                    if (status == 200) heavy_ms.push_back(ms);
                }
                // Refused: come back soon (a client on another machine would not use this
                // machine's CPU while it waits; here the clients share it with the server).
                if (status != 200) std::this_thread::sleep_for(50ms);
            }
        });
    }
    std::this_thread::sleep_for(2s);  // let the expensive searches fill their slots
    int failures = 0;
    const std::vector<double> loaded =
        time_cheap(port, cheap_target, std::chrono::seconds(seconds), failures);
    stop = true;
    for (auto& t : attackers) t.join();
    server.stop();

    std::printf(
        "revsearch serve-load: %s, %d expensive clients (%s, all facets, k=100), "
        "cheap query '%s', %zu threads%s\n",
        db.c_str(), clients, heavy.c_str(), cheap.c_str(), options.threads,
        unlimited ? ", limits lifted" : "");
    std::printf("metric serve_load.cheap_alone_p50_ms=%.4g\n", percentile(alone, 0.5));
    std::printf("metric serve_load.cheap_alone_p99_ms=%.4g\n", percentile(alone, 0.99));
    std::printf("metric serve_load.cheap_loaded_requests=%zu\n", loaded.size());
    std::printf("metric serve_load.cheap_loaded_failures=%d\n", failures + peer_failures);
    std::printf("metric serve_load.cheap_loaded_p50_ms=%.4g\n", percentile(loaded, 0.5));
    std::printf("metric serve_load.cheap_loaded_p99_ms=%.4g\n", percentile(loaded, 0.99));
    std::printf("metric serve_load.cheap_loaded_max_ms=%.4g\n", percentile(loaded, 1.0));
    std::printf("metric serve_load.p99_ratio=%.4g\n",
                percentile(loaded, 0.99) / std::max(0.001, percentile(alone, 0.99)));
    for (const auto& [status, n] : heavy_statuses)
        std::printf("metric serve_load.expensive_status_%d=%ld\n", status, n);
    std::printf("metric serve_load.expensive_answered_p50_ms=%.4g\n", percentile(heavy_ms, 0.5));
    return failures + peer_failures == 0 ? 0 : 1;
}
