#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>
#include <xapian.h>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;

namespace {

std::string mixed_fixture() { return (fixtures_dir() / "cli" / "reviews.jsonl").string(); }

ProcessResult index(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{index_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, "", env);
}

/// The ids a query finds, read from its TREC output.
std::vector<std::string> found_ids(const std::string& db, const std::string& query) {
    const ProcessResult r =
        run_process({query_bin(), "--db", db, "--format", "trec", "--top", "1000", query});
    INFO("query stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> ids;
    for (const std::string& line : lines_of(r.out)) {
        std::istringstream fields(line);
        std::string qid, q0, id;
        fields >> qid >> q0 >> id;
        ids.push_back(id);
    }
    return ids;
}

}  // namespace

TEST_CASE("revsearch-index answers --help and --version with exit 0", "[cli]") {
    SECTION("--help prints the usage and the options") {
        const ProcessResult r = index({"--help"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("Usage: revsearch-index"));
        CHECK_THAT(r.out, Catch::Contains("--db"));
        CHECK_THAT(r.out, Catch::Contains("--rejects"));
        CHECK(r.err.empty());
    }
    SECTION("--version prints the program and its version") {
        const ProcessResult r = index({"--version"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("revsearch-index "));
        CHECK(lines_of(r.out).size() == 1);
    }
}

TEST_CASE("revsearch-index refuses a bad command line with exit 2", "[cli]") {
    TempDir dir;
    SECTION("an unknown option") {
        const ProcessResult r = index({"--frobnicate", mixed_fixture()});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("revsearch-index: "));
        CHECK_THAT(r.err, Catch::Contains("frobnicate"));
    }
    SECTION("no inputs at all") {
        const ProcessResult r = index({"--db", dir.file("db")});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no inputs"));
    }
    SECTION("an input that does not exist") {
        const ProcessResult r = index({"--db", dir.file("db"), dir.file("absent.jsonl")});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("absent.jsonl"));
    }
    SECTION("an unknown format") {
        const ProcessResult r = index({"--db", dir.file("db"), "--format", "bogus", mixed_fixture()});
        CHECK(r.exit_code == 2);
    }
}

TEST_CASE("revsearch-index indexes the good lines, reports the bad ones and exits 3", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    const std::string input = mixed_fixture();
    const ProcessResult r = index({"--db", db, input});
    INFO("stderr:\n" << r.err);

    SECTION("the exit code says that records were rejected") { CHECK(r.exit_code == 3); }
    SECTION("both bad lines are reported on stderr with their line numbers") {
        CHECK_THAT(r.err, Catch::Contains(input + ":2: rejected: malformed JSON"));
        CHECK_THAT(r.err, Catch::Contains(input + ":4: rejected: nothing to index"));
        CHECK(r.out.empty());
    }
    SECTION("the summary counts what was read, added and rejected") {
        CHECK_THAT(r.err, Catch::Contains("read 5 records from 1 files"));
        CHECK_THAT(r.err, Catch::Contains("added 3, replaced 0, rejected 2"));
        CHECK_THAT(r.err, Catch::Contains("rejected 1: malformed JSON"));
        CHECK_THAT(r.err, Catch::Contains(db + " holds 3 reviews"));
    }
    SECTION("a query then finds the three good reviews") {
        const auto ids = found_ids(db, "tea");
        CHECK(std::set<std::string>(ids.begin(), ids.end()) ==
              std::set<std::string>{"kettle-copper", "night-shift", "tea-tin"});
        CHECK(ids.size() == 3);
    }
}

TEST_CASE("revsearch-index run twice on the same input keeps one copy of each review",
          "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    const ProcessResult first = index({"--db", db, mixed_fixture()});
    REQUIRE(first.exit_code == 3);
    const ProcessResult second = index({"--db", db, mixed_fixture()});
    INFO("second stderr:\n" << second.err);
    CHECK(second.exit_code == 3);
    CHECK_THAT(second.err, Catch::Contains("added 0, replaced 3, rejected 2"));
    CHECK_THAT(second.err, Catch::Contains(db + " holds 3 reviews"));
    CHECK(found_ids(db, "tea").size() == 3);
    CHECK(found_ids(db, "id:night-shift") == std::vector<std::string>{"night-shift"});
}

TEST_CASE("revsearch-index exits 0 when no record is rejected", "[cli]") {
    TempDir dir;
    const std::string input = dir.write(
        "good.jsonl", R"({"id":"only","title":"Lone Lantern","body":"A single paper lantern."})"
                      "\n");
    const ProcessResult r = index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("added 1, replaced 0, rejected 0"));
}

TEST_CASE("revsearch-index writes rejected records to the --rejects file", "[cli]") {
    TempDir dir;
    const std::string rejects = dir.file("rejects.jsonl");
    const ProcessResult r = index({"--db", dir.file("db"), "--rejects", rejects, mixed_fixture()});
    REQUIRE(r.exit_code == 3);
    const auto lines = lines_of(read_file(rejects));
    REQUIRE(lines.size() == 2);
    const auto first = nlohmann::json::parse(lines[0]);
    CHECK(first.at("source") == mixed_fixture() + ":2");
    CHECK(first.at("reason") == "malformed JSON");
    CHECK_THAT(first.at("raw").get<std::string>(), Catch::StartsWith(R"({"id":"broken-line")"));
    CHECK(nlohmann::json::parse(lines[1]).at("source") == mixed_fixture() + ":4");
}

TEST_CASE("revsearch-index takes its database from REVSEARCH_DB", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("from-env");
    const ProcessResult r = index({mixed_fixture()}, {"REVSEARCH_DB=" + db});
    INFO("stderr:\n" << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(db + " holds 3 reviews"));
    CHECK(found_ids(db, "tea").size() == 3);
}

TEST_CASE("revsearch-index refuses a different --language for an existing index", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    REQUIRE(index({"--db", db, mixed_fixture()}).exit_code == 3);
    const ProcessResult r = index({"--db", db, "--language", "french", mixed_fixture()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("english"));
    CHECK(found_ids(db, "tea").size() == 3);
}

TEST_CASE("revsearch-index packs positions unless told --positions xapian, and an index keeps "
          "its choice", "[cli]") {
    TempDir dir;
    const std::string samples = (source_dir() / "corpus" / "samples").string();
    const std::string packed = dir.file("packed.db");
    const std::string xapian = dir.file("xapian.db");
    REQUIRE(index({"--db", packed, samples}).exit_code == 0);
    REQUIRE(index({"--db", xapian, "--positions", "xapian", samples}).exit_code == 0);

    SECTION("the default writes no position table, and --stats says the positions are packed") {
        CHECK_FALSE(Xapian::Database(packed).has_positions());
        CHECK(Xapian::Database(xapian).has_positions());
        CHECK_THAT(run_process({query_bin(), "--db", packed, "--stats"}).out, Catch::Contains("positions packed"));
        CHECK_THAT(run_process({query_bin(), "--db", xapian, "--stats"}).out, Catch::Contains("positions xapian"));
    }
    SECTION("phrase, hyphen and NEAR queries find the same reviews either way") {
        for (const char* q : {"\"compassion fatigue\"", "self-compassion", "kind NEAR/4 self", "\"the book\""}) {
            INFO(q);
            // The same reviews; their order may differ, since the packed index has the titles'
            // words in the default field and the xapian one (whose phrase matcher cannot take
            // that layout) has them under S only, which scores them differently.
            const auto a = found_ids(packed, q);
            const auto b = found_ids(xapian, q);
            CHECK(std::set<std::string>(a.begin(), a.end()) ==
                  std::set<std::string>(b.begin(), b.end()));
            CHECK(a.size() == b.size());
        }
        CHECK_FALSE(found_ids(packed, "\"compassion fatigue\"").empty());
    }
    SECTION("an update with the other layout is refused (exit 2); without --positions it keeps the index's") {
        const ProcessResult r = index({"--db", packed, "--positions", "xapian", samples});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("packed positions"));
        REQUIRE(index({"--db", xapian, samples}).exit_code == 0);
        CHECK(Xapian::Database(xapian).has_positions());
        CHECK_FALSE(found_ids(xapian, "\"compassion fatigue\"").empty());
    }
    SECTION("an unknown layout is a usage error") {
        const ProcessResult r = index({"--db", dir.file("other.db"), "--positions", "zip", samples});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("--positions takes packed or xapian"));
    }
}
