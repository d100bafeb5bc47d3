#pragma once

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "query/server.hpp"

/// Helpers for the `--serve` tests: an index of the samples, a server on a free port, and GETs
/// that return parsed JSON.
namespace revsearch::test {

/// An index of corpus/samples and tests/fixtures/serve/hostile.jsonl, built once per test
/// executable by the real revsearch-index (28 reviews). Throws if indexing fails.
[[nodiscard]] const std::string& serve_sample_db();

/// An HttpServer over `db` on 127.0.0.1 and a free port, started; stopped on destruction.
class RunningServer {
public:
    explicit RunningServer(const std::string& db);
    RunningServer(const std::string& db, const query::ServerOptions& options);
    [[nodiscard]] query::HttpServer& server() noexcept { return server_; }
    [[nodiscard]] int port() const { return server_.port(); }
    /// A keep-alive client of this server with 10 s timeouts.
    [[nodiscard]] httplib::Client client() const;

private:
    query::HttpServer server_;
};

/// One answer: status, raw body, Content-Type, and the body parsed as JSON (null if it is not).
struct Reply {
    int status = 0;
    std::string body;
    std::string content_type;
    nlohmann::json json;
};

/// GETs `path` with `params` (encoded by httplib). Status 0 when the request failed outright.
[[nodiscard]] Reply get(httplib::Client& client, const std::string& path,
                        const httplib::Params& params = {}, const httplib::Headers& headers = {});

/// A plain TCP connection to a loopback port, for requests httplib's client would not send
/// (no Host, two Hosts, headers trickled a line at a time). Closed on destruction.
class RawConnection {
public:
    /// Connects to `address`:`port`, from `from` when given (any 127.x.y.z address works on
    /// Linux, so tests can be several clients). Throws std::runtime_error if it cannot.
    explicit RawConnection(int port, const std::string& address = "127.0.0.1",
                           const std::string& from = "");
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// Sends all of `bytes`; false if the peer closed the connection or it failed.
    bool send(const std::string& bytes);
    /// Reads until the peer closes or `timeout` passes: everything received.
    [[nodiscard]] std::string read_all(std::chrono::milliseconds timeout);
    /// True once the peer closed the connection (a read returns end of file or an error),
    /// waiting at most `timeout` for it.
    [[nodiscard]] bool closed_within(std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
};

/// The status of an HTTP response's first line (`HTTP/1.1 403 Forbidden` gives 403); 0 if
/// `response` does not start with one.
[[nodiscard]] int status_of(const std::string& response);

}  // namespace revsearch::test
