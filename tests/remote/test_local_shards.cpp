// Sharded indexes on local disk (issue 6): a stub of local shards answers exactly as one
// database does, its metadata is read shard by shard, and broken layouts are refused.

#include <xapian.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/shards.hpp"
#include "query/searcher.hpp"
#include "query/stats.hpp"
#include "tests/remote/shard_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

ProcessResult query_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

/// dir/sharded: two shards of five reviews each, the second indexed with `second_args`
/// (a different analyzer), behind a stub. Returns the folder.
std::string mismatched_shards(const TempDir& dir, const std::vector<std::string>& second_args) {
    const std::string one = dir.write("one.jsonl", jsonl_reviews(5, "a-"));
    const std::string two = dir.write("two.jsonl", jsonl_reviews(5, "b-"));
    fs::create_directories(dir.file("sharded"));
    REQUIRE(run_index({"--db", dir.file("sharded/shard-000"), one}).exit_code == 0);
    std::vector<std::string> args{"--db", dir.file("sharded/shard-001")};
    args.insert(args.end(), second_args.begin(), second_args.end());
    args.push_back(two);
    REQUIRE(run_index(args).exit_code == 0);
    dir.write("sharded/XAPIANDB", "glass shard-000\nglass shard-001\n");
    return dir.file("sharded");
}

}  // namespace

TEST_CASE("a stub of local shards answers exactly as the single database does", "[remote]") {
    const EqualityCorpus& corpus = equality_corpus();
    query::Searcher single(corpus.single);
    query::Searcher sharded(corpus.sharded);
    REQUIRE(sharded.sharded());
    REQUIRE(sharded.shards().size() == 3);
    CHECK(sharded.doc_count() == single.doc_count());

    SECTION("every shard holds some of the reviews") {
        for (const query::ShardStatus& shard : sharded.shards()) {
            CHECK(shard.reachable);
            CHECK(shard.documents > 0);
        }
    }
    SECTION("every request gives the same ids, scores, snippets and facets") {
        for (const query::SearchRequest& request : equality_requests(true)) {
            check_same_results(single, sharded, request);
        }
    }
    SECTION("the stub file itself names the same index as its folder") {
        query::Searcher by_file(corpus.sharded + "/XAPIANDB");
        check_same_results(sharded, by_file, equality_requests(false).front());
    }
    SECTION("the custom bm25std weighting works over local shards") {
        query::SearchRequest request = equality_requests(false).front();
        request.weighting = query::WeightingSpec::parse("bm25std");
        check_same_results(single, sharded, request);
    }
    SECTION("a review is fetched from whichever shard holds it") {
        const auto review = sharded.fetch("gen-17");
        REQUIRE(review.has_value());
        CHECK(review->title == "Review 17");
        CHECK_FALSE(sharded.fetch("no-such-review").has_value());
    }
}

TEST_CASE("shards indexed with different analyzers are refused", "[remote]") {
    TempDir dir;
    (void)mismatched_shards(dir, {"--language", "none"});

    SECTION("opening the stub is an index error naming both shards and their settings") {
        try {
            query::Searcher searcher(dir.file("sharded"));
            FAIL("the stub opened");
        } catch (const IndexError& e) {
            const std::string msg = e.what();
            CHECK_THAT(msg, Catch::Contains("different analyzers"));
            CHECK_THAT(msg, Catch::Contains("XAPIANDB:1"));
            CHECK_THAT(msg, Catch::Contains("XAPIANDB:2"));
            CHECK_THAT(msg, Catch::Contains("language english"));
            CHECK_THAT(msg, Catch::Contains("language none"));
        }
    }
    SECTION("the query tool exits 1 with the reason on stderr") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "patience"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("different analyzers"));
    }
}

TEST_CASE("local shards with packed positions answer phrases as the single database does", "[remote]") {
    // The phrase decider sees each shard's own docids: the answers must not depend on them.
    TempDir dir;
    const std::string generated = dir.write("generated.jsonl", jsonl_reviews(300, "gen-"));
    const std::vector<std::string> inputs{(source_dir() / "corpus" / "samples").string(), generated};
    std::vector<std::string> args{"--db", dir.file("single.db")};
    args.insert(args.end(), inputs.begin(), inputs.end());
    REQUIRE(run_index(args).exit_code == 0);
    index_sharded(dir.file("sharded.db"), inputs, 3);
    for (const char* text : {"\"compassion fatigue\"", "self-compassion", "\"the book\" patience",
                             "kind NEAR/4 self", "\"stress management\" OR burnout"}) {
        INFO(text);
        const ProcessResult a = query_cli({"--db", dir.file("single.db"), "--format", "trec", "--top", "1000", text});
        const ProcessResult b = query_cli({"--db", dir.file("sharded.db"), "--format", "trec", "--top", "1000", text});
        REQUIRE(a.exit_code == 0);
        CHECK(a.out == b.out);
    }
    CHECK_FALSE(query_cli({"--db", dir.file("single.db"), "--format", "trec", "\"compassion fatigue\""}).out.empty());
}

TEST_CASE("shards with different position layouts are refused", "[remote]") {
    TempDir dir;
    const ProcessResult r = query_cli({"--db", mismatched_shards(dir, {"--positions", "xapian"}), "patience"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("different analyzers"));
    CHECK_THAT(r.err, Catch::Contains("packed positions"));
    CHECK_THAT(r.err, Catch::Contains("xapian positions"));
}

TEST_CASE("the stats of a stub sum its shards' counts", "[remote]") {
    TempDir dir;
    const std::string one = dir.write("in/one.jsonl", jsonl_reviews(7, "a-"));
    const std::string two = dir.write("in/two.jsonl", jsonl_reviews(4, "b-") + "{\"id\": \"bad\"\n");
    fs::create_directories(dir.file("sharded"));
    REQUIRE(run_index({"--db", dir.file("sharded/shard-000"), one}).exit_code == 0);
    REQUIRE(run_index({"--db", dir.file("sharded/shard-001"), two}).exit_code == 3);  // a reject
    dir.write("sharded/XAPIANDB", "# two shards\nglass shard-000\n\nglass shard-001\n");

    SECTION("the JSON holds the total, the merged manifest, summed rejects and one entry per shard") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--stats", "--format", "json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j["documents"] == 11);
        REQUIRE(j["manifest"]["inputs"].size() == 2);
        std::uint64_t records = 0;
        for (const auto& in : j["manifest"]["inputs"]) records += in["records"].get<std::uint64_t>();
        CHECK(records == 12);
        std::uint64_t rejects = 0;
        for (const auto& [reason, n] : j["rejects_by_reason"].items()) rejects += n.get<std::uint64_t>();
        CHECK(rejects == 1);
        CHECK(j["last_run"]["added"] == 11);
        REQUIRE(j["shards"].size() == 2);
        CHECK(j["shards"][0]["documents"] == 7);
        CHECK(j["shards"][1]["documents"] == 4);
        CHECK(j["shards"][1]["reachable"] == true);
        CHECK(j["shards"][1]["label"].get<std::string>().find("XAPIANDB:4") != std::string::npos);
    }
    SECTION("the text lists each shard with its count") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--stats"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("documents: 11\n"));
        CHECK_THAT(r.out, Catch::Contains("shards: 2\n"));
        CHECK_THAT(r.out, Catch::Contains("XAPIANDB:2 (" + dir.file("sharded/shard-000") +
                                          "): 7 documents, reachable"));
        CHECK_THAT(r.out, Catch::Contains("XAPIANDB:4 (" + dir.file("sharded/shard-001") +
                                          "): 4 documents, reachable"));
    }
    SECTION("a batch run's manifest lists the inputs of every shard") {
        const std::string topics = dir.write("topics.tsv", "1\tpatience\n");
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--queries", topics, "--manifest"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("one.jsonl"));
        CHECK_THAT(r.out, Catch::Contains("two.jsonl"));
    }
}

TEST_CASE("a stub naming a missing local shard is refused or searched partially", "[remote]") {
    TempDir dir;
    const std::string one = dir.write("one.jsonl", jsonl_reviews(5, "a-"));
    fs::create_directories(dir.file("sharded"));
    REQUIRE(run_index({"--db", dir.file("sharded/shard-000"), one}).exit_code == 0);
    dir.write("sharded/XAPIANDB", "glass shard-000\nglass shard-001\n");

    SECTION("without --allow-partial the query fails naming the stub line and the path") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "patience"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("XAPIANDB:2 (" + dir.file("sharded/shard-001") + ")"));
        CHECK_THAT(r.err, Catch::Contains("cannot open shard"));
    }
    SECTION("with --allow-partial the other shard answers and stderr names the missing one") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--allow-partial",
                                           "--format", "trec", "patience"});
        CHECK(r.exit_code == 0);
        CHECK(lines_of(r.out).size() == 5);
        CHECK_THAT(r.err, Catch::Contains("warning: partial results: 1 of 2 shards left out"));
        CHECK_THAT(r.err, Catch::Contains("XAPIANDB:2"));
    }
    SECTION("with --allow-partial the JSON output carries the warning") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--allow-partial",
                                           "--format", "json", "patience"});
        CHECK(r.exit_code == 0);
        const auto all = lines_of(r.out);
        REQUIRE(all.size() == 6);
        const auto summary = nlohmann::json::parse(all.back());
        REQUIRE(summary["warnings"].size() == 1);
        CHECK_THAT(summary["warnings"][0].get<std::string>(), Catch::Contains("XAPIANDB:2"));
    }
    SECTION("--stats shows the missing shard as unreachable and exits 1 unless partial is allowed") {
        const ProcessResult r = query_cli({"--db", dir.file("sharded"), "--stats"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("): unreachable: no database here"));
        const ProcessResult partial = query_cli({"--db", dir.file("sharded"), "--stats", "--allow-partial"});
        CHECK(partial.exit_code == 0);
    }
    SECTION("a stub that lists nothing is an index error") {
        dir.write("empty/XAPIANDB", "# nothing here\n");
        CHECK_THROWS_AS(query::Searcher(dir.file("empty")), IndexError);
    }
    SECTION("a stub with a bad line is an index error naming the line") {
        dir.write("bad/XAPIANDB", "glass shard-000\nflint old\n");
        const ProcessResult r = query_cli({"--db", dir.file("bad"), "patience"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("XAPIANDB:2: bad stub line"));
    }
}
