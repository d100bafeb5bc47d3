#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "query/searcher.hpp"

namespace revsearch::query {

/// Where `--serve` listens.
struct ListenAddress {
    std::string host = "127.0.0.1";  ///< an IPv4 address, a bracket-less IPv6 address or a name
    int port = 8080;                 ///< 0: any free port, reported once bound
};

/// Parses `[ADDR:]PORT`: `8080`, `127.0.0.1:8080`, `0.0.0.0:0`, `localhost:8080`,
/// `[::1]:8080`. Without an address the host is 127.0.0.1, so nothing is exposed beyond this
/// machine unless asked for. Throws UsageError for an empty or malformed address, a port that
/// is not a number from 0 to 65535, or a host with characters no address or name has.
[[nodiscard]] ListenAddress parse_listen_address(std::string_view spec);

/// True when a Host header's value names this machine exactly: `localhost` (any case),
/// `127.0.0.1`, `[::1]`, or `listen_host` itself (the address a loopback server listens on),
/// each with an optional `:PORT` of 1 to 5 digits. Anything else is false: `127.evil.com`,
/// `127.0.0.1.evil.com`, `127.0.0.1:80@evil.com`, an empty value, an unbracketed `::1`.
[[nodiscard]] bool is_loopback_host_header(std::string_view value, std::string_view listen_host);

/// The server's settings and limits. Every limit answers 400 when a request exceeds it.
struct ServerOptions {
    ListenAddress listen;
    std::size_t threads = 8;             ///< request threads, and Searchers in the pool
    std::size_t max_query_bytes = 1024;  ///< longest `q`, in bytes
    std::size_t max_k = 100;             ///< most results per page
    std::size_t max_offset = 10000;      ///< deepest page start
    std::size_t max_filters = 16;        ///< most `filter` parameters in one request
    std::size_t max_facet_values = 100;  ///< most values per facet (`facet_limit`)
    /// The longest a client may take to send a request or read a response (socket timeouts),
    /// and the longest a request waits for a free Searcher before 503. Xapian cannot cancel a
    /// match that has started, so the limits above are what bound the work of one search.
    std::chrono::seconds request_timeout{10};
    /// Longest a client may take to send a request line and headers, however slowly they
    /// trickle in (slowloris); the connection is then closed.
    std::chrono::milliseconds header_timeout{5000};
    /// Most connections served at once for one client address; past it, 503 at once.
    std::size_t max_connections_per_client = 8;
    /// Most accepted connections waiting for a thread; past it, 503 at once.
    std::size_t max_queued_connections = 64;
    /// Most requests in flight at once for one client address; past it, 429 at once.
    std::size_t max_requests_per_client = 4;
    /// Most expensive searches (with facets, wildcards, phrases or NEAR) running at once, so
    /// that threads stay free for cheap ones; 0 means max(1, threads / 4).
    std::size_t expensive_slots = 0;
    /// How long an expensive search waits for a slot before a 503.
    std::chrono::milliseconds expensive_wait{250};
    /// Settings every search starts from (weighting, field weights, synonyms, snippet length,
    /// suggestions). Its query, paging, sort and facets are replaced by each request's; the
    /// query is always read with the query syntax (ParseMode::Syntax).
    SearchRequest defaults;
    /// How each Searcher opens a sharded index (--allow-partial, --timeout).
    OpenOptions open;
    /// Where errors are logged with their details (which responses never carry); the
    /// listening line is the caller's to print. nullptr: not logged. Must outlive the server.
    std::ostream* log = nullptr;
};

/// revsearch's HTTP API and search page over one database, served by cpp-httplib on a pool of
/// threads, each request borrowing a Searcher from a SearcherPool of the same size. Read-only:
/// every route is a GET. Routes (README, "Serving"):
///   GET /                    the search page (query/web/index.html)
///   GET /api/search          q, k, offset, sort, facets, facet_limit, filter (repeatable)
///   GET /api/review/{id}     one whole review, optionally with q's words marked; 404 if none
///   GET /api/stats           what the index holds (stats_json(), input paths made relative to
///                            the corpus folder) and the server's limits
///   GET /healthz             {"status": "ok", "documents": N}
/// Errors are JSON, `{"error": "..."}`: 400 for bad parameters or a malformed query, 404 for an
/// unknown route or review, 405 for any method but GET and HEAD, 503 when no Searcher came free
/// in time, 500 otherwise; no response carries a file path or an exception's internals (those
/// go to ServerOptions::log). When bound to a loopback address, a request without exactly one Host
/// header naming this machine (is_loopback_host_header()) is refused (403), which stops DNS
/// rebinding.
///
/// start() and stop() may be called from any thread, but not concurrently with each other.
class HttpServer {
public:
    /// Opens `options.threads` Searchers on `db_path`. Throws IndexError if the database cannot
    /// be opened, UsageError for a limit of 0 threads.
    HttpServer(const std::string& db_path, ServerOptions options);
    /// Stops the server if it is running.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts serving on background threads; returns once connections are accepted.
    /// Throws Error if the address cannot be bound (in use, not local, not resolvable), or if
    /// the server was already started.
    void start();

    /// Stops accepting, lets requests in progress finish, and joins the threads. Idle
    /// keep-alive connections are closed within a second or two. Does nothing if not running.
    void stop();

    /// The port bound (the chosen one when the options asked for 0). REQUIRES: start().
    [[nodiscard]] int port() const;

    /// `http://HOST:PORT/`, for people and tests. REQUIRES: start().
    [[nodiscard]] std::string url() const;

    /// True from start() until stop() (or until the listener failed).
    [[nodiscard]] bool running() const;

    /// The number of reviews in the database.
    [[nodiscard]] std::size_t documents() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// `revsearch-query --serve`: starts an HttpServer, prints its URL on `err`, and serves until
/// SIGINT or SIGTERM, which stop it cleanly (the signals are blocked in every thread and taken
/// with sigtimedwait, so no handler runs in the middle of a request). Returns 0. Throws what
/// HttpServer's constructor and start() throw.
[[nodiscard]] int serve(const std::string& db_path, const ServerOptions& options,
                        std::ostream& err);

}  // namespace revsearch::query
