#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

/// Helpers for the sharding tests: building sharded indexes, and running xapian-tcpsrv.
namespace revsearch::test {

/// Builds a sharded index at `dir`: `dir/shard-000` ... and the stub `dir/XAPIANDB`, holding
/// the reviews of `inputs` (JSONL files, other review files, or folders of them) split over
/// `shards` shards, every shard indexed with `index_args` (e.g. `--language none`).
///
/// By default one `revsearch-index --db dir --shards N` run. With kIndexerShards off (in the
/// .cpp), it splits the inputs itself (JSONL records by shards::shard_for() of their id, other
/// files whole, by the path that is their id) into a staging folder next to `dir`, runs
/// revsearch-index once per shard, and writes the stub. Tests must not assume which shard
/// holds a review: open the shards to find out. REQUIREs that indexing succeeds.
void index_sharded(const std::string& dir, const std::vector<std::string>& inputs,
                   std::size_t shards, const std::vector<std::string>& index_args = {});

/// The shard folders of a sharded index, in stub order.
[[nodiscard]] std::vector<std::string> shard_paths(const std::string& dir);

/// The xapian-tcpsrv executable on PATH, or nullopt after a Catch2 WARN that the test is
/// skipped (scripts/install-deps installs it, with xapian-tools).
[[nodiscard]] std::optional<std::string> tcpsrv_or_skip();

/// A loopback port that was free a moment ago (bound to port 0 and released).
[[nodiscard]] unsigned free_port();

/// One xapian-tcpsrv serving a database on 127.0.0.1, in its own session (on SIGTERM tcpsrv
/// signals its whole process group, which must not be the test's). Killed and reaped on
/// destruction, with the servers of its open connections.
class TcpServer {
public:
    /// Starts the server on a free port and waits until it accepts connections. Fails the test
    /// (REQUIRE) when it does not start.
    TcpServer(const std::string& tcpsrv, const std::string& db,
              const std::vector<std::string>& extra_args = {});
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    [[nodiscard]] unsigned port() const noexcept { return port_; }
    [[nodiscard]] std::string address() const;
    /// Stops the server and every connection it serves, and waits for it. Idempotent.
    void kill();
    /// Freezes the server and its connections (SIGSTOP): connections stay open, nothing
    /// answers. kill() still works.
    void pause();

private:
    pid_t pid_ = -1;
    unsigned port_ = 0;
};

/// A loopback socket that listens and never accepts nor reads: connections complete (the
/// kernel queues them) but nothing ever answers. Closed on destruction.
class SilentListener {
public:
    SilentListener();
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    [[nodiscard]] unsigned port() const noexcept { return port_; }

private:
    int fd_ = -1;
    unsigned port_ = 0;
};

/// Writes a stub at `path` listing `remote HOST:PORT` for each address, and returns `path`.
std::string write_remote_stub(const std::string& path, const std::vector<std::string>& addresses);

/// The corpus the equality tests share: corpus/samples plus 400 generated reviews (enough
/// that BM25's collection statistics matter), indexed once per test process both as one
/// database (`single`) and as 3 local shards (`sharded`, a folder with XAPIANDB).
struct EqualityCorpus {
    TempDir dir;
    std::string single;
    std::string sharded;
};
[[nodiscard]] const EqualityCorpus& equality_corpus();

/// The requests every layout must answer alike: free text, a phrase, fields, filters, facets,
/// feedback, more-like-this, and sorting by date. `key_sorts` adds sorts whose ties are broken
/// by id, which remote shards cannot do.
[[nodiscard]] std::vector<query::SearchRequest> equality_requests(bool key_sorts);

/// CHECKs that `actual` answers `request` as `expected` does: the same ids in the same order,
/// scores within 1e-9, the same snippets, facet counts and expansion; with `spelling`, also
/// the same suggestion and no warnings (remote shards serve no spelling data, so a
/// suggestion may differ there, with a warning).
void check_same_results(query::Searcher& expected, query::Searcher& actual,
                        const query::SearchRequest& request, bool spelling = true);

}  // namespace revsearch::test
