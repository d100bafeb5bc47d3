#pragma once

#include <httplib.h>

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

}  // namespace revsearch::test
