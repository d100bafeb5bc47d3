// Shards served by xapian-tcpsrv (issue 6): real servers on loopback ports answer as local
// shards do; shards that die, hang or close idle connections are named, left out or
// reconnected; remote limits are refused or warned about; scripts/serve-shards works.

#include <xapian.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "query/searcher.hpp"
#include "tests/remote/shard_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// One xapian-tcpsrv per shard of the equality corpus, and a stub listing them.
struct RemoteShards {
    TempDir dir;
    std::vector<std::unique_ptr<TcpServer>> servers;
    std::string stub;

    RemoteShards(const std::string& tcpsrv, const std::vector<std::string>& extra_args = {}) {
        std::vector<std::string> addresses;
        for (const std::string& shard : shard_paths(equality_corpus().sharded)) {
            servers.push_back(std::make_unique<TcpServer>(tcpsrv, shard, extra_args));
            addresses.push_back(servers.back()->address());
        }
        stub = write_remote_stub(dir.file("remote.stub"), addresses);
    }

    /// The label the query tool gives shard `i` in messages: "STUB:LINE (HOST:PORT)".
    [[nodiscard]] std::string label(std::size_t i) const {
        return stub + ":" + std::to_string(i + 1) + " (" + servers[i]->address() + ")";
    }
};

ProcessResult query_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

/// True when the local shard at `path` holds the review `id`.
bool holds(const std::string& path, const std::string& id) {
    return Xapian::Database(path).term_exists(schema::id_term(id));
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("remote shards answer exactly as local shards and the single database do", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    const EqualityCorpus& corpus = equality_corpus();
    RemoteShards remote(*tcpsrv);
    query::Searcher single(corpus.single);
    query::Searcher local(corpus.sharded);
    query::Searcher served(remote.stub);
    REQUIRE(served.shards().size() == 3);
    CHECK(served.doc_count() == single.doc_count());

    SECTION("every request gives the single database's ids, scores, snippets and facets") {
        for (const query::SearchRequest& request : equality_requests(false)) {
            check_same_results(single, served, request, false);
        }
    }
    SECTION("every request gives the local shards' ids, scores, snippets and facets") {
        for (const query::SearchRequest& request : equality_requests(false)) {
            check_same_results(local, served, request, false);
        }
    }
    SECTION("a stub mixing a local shard with remote ones answers the same") {
        const std::vector<std::string> paths = shard_paths(corpus.sharded);
        const std::string mixed = remote.dir.write(
            "mixed.stub", "auto " + paths[0] + "\nremote " + remote.servers[1]->address() +
                              "\nremote " + remote.servers[2]->address() + "\n");
        query::Searcher searcher(mixed);
        for (const query::SearchRequest& request : equality_requests(false)) {
            check_same_results(single, searcher, request, false);
        }
    }
    SECTION("a wildcard matches the same reviews, though its scores depend on the layout") {
        // Xapian weighs a wildcard as one synonym term whose frequency it estimates database by
        // database, so only the matching set is layout-independent (docs/SCALING.md).
        query::SearchRequest request;
        request.query = "mind* OR pati*";
        request.k = 1000;
        request.snippets = false;
        const auto ids = [&](query::Searcher& searcher) {
            std::set<std::string> out;
            for (const query::Hit& hit : searcher.search(request).hits) out.insert(hit.review.id);
            return out;
        };
        const std::set<std::string> expected = ids(single);
        CHECK(expected.size() > 400);
        CHECK(ids(local) == expected);
        CHECK(ids(served) == expected);
    }
    SECTION("the command line prints the same run through local and remote shards") {
        for (const char* text : {"patience stress", "\"compassion fatigue\"", "book topic:depression"}) {
            INFO(text);
            const ProcessResult a = query_cli({"--db", corpus.sharded, "--format", "trec", "-k", "30", text});
            const ProcessResult b = query_cli({"--db", remote.stub, "--format", "trec", "-k", "30", text});
            REQUIRE(a.exit_code == 0);
            REQUIRE(b.exit_code == 0);
            CHECK(a.out == b.out);
            CHECK(b.err.empty());
        }
    }
}

TEST_CASE("a killed shard fails the query naming it, or is left out with --allow-partial", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    RemoteShards remote(*tcpsrv);
    const std::string killed = remote.servers[1]->address();

    SECTION("a shard killed before the query: exit 1 and stderr names its stub line and address") {
        remote.servers[1]->kill();
        const ProcessResult r = query_cli({"--db", remote.stub, "patience"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains(remote.label(1)));
        CHECK_THAT(r.err, Catch::Contains("cannot open shard"));
        CHECK(r.out.empty());
    }
    SECTION("a shard killed before the query, with --allow-partial: results and a warning naming it") {
        remote.servers[1]->kill();
        const ProcessResult r = query_cli({"--db", remote.stub, "--allow-partial", "--format", "trec",
                                           "-k", "1000", "patience"});
        CHECK(r.exit_code == 0);
        const std::string shard = shard_paths(equality_corpus().sharded)[1];
        const auto lines = lines_of(r.out);
        CHECK_FALSE(lines.empty());
        for (const std::string& line : lines) {
            const std::string id = line.substr(5, line.find(' ', 5) - 5);  // "1 Q0 ID ..."
            CHECK_FALSE(holds(shard, id));
        }
        CHECK_THAT(r.err, Catch::Contains("warning: partial results: 1 of 3 shards left out"));
        CHECK_THAT(r.err, Catch::Contains(remote.label(1)));
    }
    SECTION("a shard killed between two searches: the second search fails naming it") {
        query::Searcher searcher(remote.stub);
        query::SearchRequest request = equality_requests(false).front();
        CHECK_FALSE(searcher.search(request).hits.empty());
        remote.servers[1]->kill();
        try {
            (void)searcher.search(request);
            FAIL("the search went on without the shard");
        } catch (const IndexError& e) {
            CHECK_THAT(std::string(e.what()), Catch::Contains(killed));
        }
    }
    SECTION("a shard killed between two searches, with allow_partial: the rest answer, with a warning") {
        query::OpenOptions options;
        options.allow_partial = true;
        query::Searcher searcher(remote.stub, options);
        query::SearchRequest request = equality_requests(false).front();
        request.k = 1000;
        const std::size_t before = searcher.search(request).hits.size();
        remote.servers[1]->kill();
        const query::SearchResult after = searcher.search(request);
        CHECK(after.hits.size() < before);
        CHECK_FALSE(after.hits.empty());
        REQUIRE(after.warnings.size() == 1);
        CHECK_THAT(after.warnings[0], Catch::Contains(remote.label(1)));
        const std::string shard = shard_paths(equality_corpus().sharded)[1];
        for (const query::Hit& hit : after.hits) CHECK_FALSE(holds(shard, hit.review.id));
        CHECK_FALSE(searcher.shards()[1].reachable);
    }
}

TEST_CASE("a connection that xapian-tcpsrv closed for idleness is reopened silently", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    // The idle timeout must outlast opening the searcher on a loaded machine (opening reads
    // each shard's metadata over a connection that is idle between reads), and the pause must
    // outlast the timeout by a wide margin.
    RemoteShards remote(*tcpsrv, {"--idle-timeout", "1500"});
    query::Searcher searcher(remote.stub);
    const query::SearchRequest request = equality_requests(false).front();
    const query::SearchResult first = searcher.search(request);
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    const query::SearchResult second = searcher.search(request);
    REQUIRE(first.hits.size() == second.hits.size());
    for (std::size_t i = 0; i < first.hits.size(); ++i) CHECK(first.hits[i].review.id == second.hits[i].review.id);
    CHECK(second.warnings.empty());
}

TEST_CASE("a shard that never answers fails the query within about the timeout", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    const EqualityCorpus& corpus = equality_corpus();
    TempDir dir;
    TcpServer live(*tcpsrv, shard_paths(corpus.sharded)[0]);
    SilentListener silent;
    const std::string silent_address = "127.0.0.1:" + std::to_string(silent.port());
    const std::string stub = write_remote_stub(dir.file("hung.stub"), {live.address(), silent_address});

    SECTION("opening: the command line exits 1 naming the silent shard, after about --timeout") {
        const auto start = Clock::now();
        const ProcessResult r = query_cli({"--db", stub, "--timeout", "500", "patience"});
        const double took = seconds_since(start);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains(stub + ":2 (" + silent_address + ")"));
        CHECK_THAT(r.err, Catch::Contains("Timeout"));
        CHECK(took >= 0.4);
        CHECK(took < 5.0);
    }
    SECTION("opening with --allow-partial: the live shard answers and the silent one is named") {
        const ProcessResult r = query_cli({"--db", stub, "--timeout", "500", "--allow-partial",
                                           "--format", "trec", "patience"});
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains(silent_address));
    }
    SECTION("searching: a shard that stops answering mid-run fails the search after the timeout") {
        TcpServer second(*tcpsrv, shard_paths(corpus.sharded)[1]);
        const std::string both = write_remote_stub(dir.file("both.stub"), {live.address(), second.address()});
        query::OpenOptions options;
        options.timeout_ms = 500;
        options.connect_timeout_ms = 500;
        query::Searcher searcher(both, options);
        const query::SearchRequest request = equality_requests(false).front();
        CHECK_FALSE(searcher.search(request).hits.empty());
        second.pause();
        const auto start = Clock::now();
        CHECK_THROWS_WITH(searcher.search(request), Catch::Contains(second.address()) &&
                                                        Catch::Contains("failed during the search"));
        CHECK(seconds_since(start) < 5.0);
    }
    SECTION("searching with allow_partial: a shard that stops answering is left out after the timeout") {
        TcpServer second(*tcpsrv, shard_paths(corpus.sharded)[1]);
        const std::string both = write_remote_stub(dir.file("both.stub"), {live.address(), second.address()});
        query::OpenOptions options;
        options.allow_partial = true;
        options.timeout_ms = 500;
        options.connect_timeout_ms = 500;
        query::Searcher searcher(both, options);
        const query::SearchRequest request = equality_requests(false).front();
        CHECK_FALSE(searcher.search(request).hits.empty());
        second.pause();
        const auto start = Clock::now();
        const query::SearchResult r = searcher.search(request);
        CHECK(seconds_since(start) < 5.0);
        CHECK_FALSE(r.hits.empty());
        REQUIRE(r.warnings.size() == 1);
        CHECK_THAT(r.warnings[0], Catch::Contains(second.address()));
    }
}

TEST_CASE("remote shards refuse what xapian-tcpsrv cannot do and warn about what it skips", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    RemoteShards remote(*tcpsrv);

    SECTION("the custom bm25std weighting is a usage error (exit 2) naming the remote shards") {
        const ProcessResult r = query_cli({"--db", remote.stub, "--weighting", "bm25std", "patience"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("bm25std cannot run on remote shards"));
        CHECK_THAT(r.err, Catch::Contains(remote.servers[0]->address()));
    }
    SECTION("a phrase on remote shards of an index with packed positions is a usage error "
            "(exit 2) saying how to build them; other queries run") {
        const std::string packed = remote.dir.file("packed.db");
        index_sharded(packed, {(source_dir() / "corpus" / "samples").string()}, 2);
        std::vector<std::unique_ptr<TcpServer>> servers;
        std::string stub;
        for (const std::string& shard : shard_paths(packed)) {
            servers.push_back(std::make_unique<TcpServer>(*tcpsrv, shard));
            stub += "remote " + servers.back()->address() + "\n";
        }
        const std::string stub_path = remote.dir.write("packed.stub", stub);
        for (const char* text : {"\"compassion fatigue\"", "self-compassion", "kind NEAR self"}) {
            const ProcessResult r = query_cli({"--db", stub_path, text});
            INFO(text);
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::Contains("--positions xapian"));
        }
        const ProcessResult words = query_cli({"--db", stub_path, "--format", "trec", "compassion"});
        CHECK(words.exit_code == 0);
        CHECK_FALSE(words.out.empty());
    }
    SECTION("Xapian's own weighting schemes run on remote shards") {
        const ProcessResult r = query_cli({"--db", remote.stub, "--weighting", "lm", "--format", "trec", "patience"});
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.out.empty());
    }
    SECTION("a word the index lacks brings a warning that spelling skips remote shards") {
        const ProcessResult r = query_cli({"--db", remote.stub, "patiense"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("spelling suggestions leave out the remote shards"));
        CHECK_THAT(r.err, Catch::Contains("patiense"));
    }
    SECTION("known words bring no spelling warning, and neither does --no-suggest") {
        CHECK(query_cli({"--db", remote.stub, "patience"}).err.empty());
        CHECK(query_cli({"--db", remote.stub, "book topic:depression date:2015..2018"}).err.empty());
        CHECK(query_cli({"--db", remote.stub, "--no-suggest", "patiense"}).err.empty());
    }
    SECTION("synonym groups work on remote shards: they rewrite the query text before Xapian") {
        const std::string groups = remote.dir.write("synonyms.txt", "patience, forbearance\n");
        const ProcessResult a = query_cli({"--db", equality_corpus().single, "--synonyms", groups,
                                           "--format", "trec", "forbearance"});
        const ProcessResult b = query_cli({"--db", remote.stub, "--synonyms", groups, "--format",
                                           "trec", "forbearance"});
        REQUIRE(a.exit_code == 0);
        CHECK_FALSE(a.out.empty());
        CHECK(a.out == b.out);
    }
}

TEST_CASE("the stats of a remote stub sum its shards' counts", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    RemoteShards remote(*tcpsrv);
    const ProcessResult r = query_cli({"--db", remote.stub, "--stats", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const ProcessResult one = query_cli({"--db", equality_corpus().single, "--stats", "--format", "json"});
    const auto single = nlohmann::json::parse(one.out);

    SECTION("documents, term counts and histograms equal the single database's") {
        CHECK(j["documents"] == single["documents"]);
        CHECK(j["distinct_terms"] == single["distinct_terms"]);
        CHECK(j["topics"] == single["topics"]);
        CHECK(j["with_value"] == single["with_value"]);
    }
    SECTION("each shard is listed with its address and count, and the counts add up") {
        REQUIRE(j["shards"].size() == 3);
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            CHECK(j["shards"][i]["name"] == remote.servers[i]->address());
            CHECK(j["shards"][i]["remote"] == true);
            sum += j["shards"][i]["documents"].get<std::uint64_t>();
        }
        CHECK(sum == j["documents"].get<std::uint64_t>());
    }
    SECTION("the manifest merges every shard's inputs") {
        std::uint64_t records = 0;
        for (const auto& in : j["manifest"]["inputs"]) records += in["records"].get<std::uint64_t>();
        CHECK(records == j["documents"].get<std::uint64_t>());
    }
    SECTION("the last run's counts are summed over the shards") {
        CHECK(j["last_run"]["added"] == j["documents"]);
        CHECK(j["last_run"]["doc_count"] == j["documents"]);
    }
}

TEST_CASE("scripts/serve-shards serves a sharded index and stops it", "[remote]") {
    const auto tcpsrv = tcpsrv_or_skip();
    if (!tcpsrv) return;
    const std::string script = (source_dir() / "scripts" / "serve-shards").string();
    TempDir dir;
    const std::string stub = dir.file("served.stub");
    // Stop whatever the test started, whatever happens.
    struct Stopper {
        std::string script, stub;
        ~Stopper() { (void)run_process({"/bin/bash", script, "stop", stub}); }
    } stopper{script, stub};

    const ProcessResult started =
        run_process({"/bin/bash", script, "start", equality_corpus().sharded, "--stub", stub});
    INFO(started.out << started.err);
    REQUIRE(started.exit_code == 0);
    const auto entries = lines_of(read_file(stub));

    SECTION("the stub lists one remote shard per local one, and queries match the local shards") {
        std::size_t remotes = 0;
        for (const std::string& line : entries) remotes += line.rfind("remote 127.0.0.1:", 0) == 0 ? 1 : 0;
        CHECK(remotes == 3);
        const ProcessResult a = query_cli({"--db", equality_corpus().sharded, "--format", "trec", "patience stress"});
        const ProcessResult b = query_cli({"--db", stub, "--format", "trec", "patience stress"});
        REQUIRE(b.exit_code == 0);
        CHECK(a.out == b.out);
    }
    SECTION("starting again while the servers run does nothing") {
        const ProcessResult again =
            run_process({"/bin/bash", script, "start", equality_corpus().sharded, "--stub", stub});
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.out, Catch::Contains("already serving"));
        CHECK(lines_of(read_file(stub)) == entries);
    }
    SECTION("stop ends the servers, and stopping again does nothing") {
        const ProcessResult stopped = run_process({"/bin/bash", script, "stop", stub});
        CHECK(stopped.exit_code == 0);
        CHECK_THAT(stopped.out, Catch::Contains("stopped"));
        CHECK_FALSE(fs::exists(stub + ".state"));
        const ProcessResult r = query_cli({"--db", stub, "patience"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("cannot open shard"));
        const ProcessResult twice = run_process({"/bin/bash", script, "stop", stub});
        CHECK(twice.exit_code == 0);
        CHECK_THAT(twice.out, Catch::Contains("nothing to stop"));
    }
    SECTION("a database that is not sharded is refused with a clear message") {
        const ProcessResult r = run_process(
            {"/bin/bash", script, "start", equality_corpus().single, "--stub", dir.file("x.stub")});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("is a single database, not a sharded one"));
    }
}
