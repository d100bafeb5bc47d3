// Batch runs, manifests, stats and facets of the real revsearch-query, and evaluation of its runs
// by the real revsearch-eval, on the retrieval fixture (tests/fixtures/retrieval).

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "query/searcher.hpp"
#include "query/weighting.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) { return fixtures_dir() / "retrieval" / name; }

std::string eval_bin() { return (fs::path(query_bin()).parent_path() / "revsearch-eval").string(); }

/// A database indexed from the retrieval fixture by the real revsearch-index.
struct IndexedRetrieval {
    TempDir dir;
    std::string db = dir.file("db");
    IndexedRetrieval() {
        const ProcessResult r = run_process({index_bin(), "--db", db, fixture("reviews.jsonl").string()});
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
    }
};

ProcessResult query(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

std::vector<std::string> fields_of(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> fields;
    std::string f;
    while (in >> f) fields.push_back(f);
    return fields;
}

/// Checks that `run` is a valid TREC run and returns the number of lines per qid, in order of
/// first appearance.
std::vector<std::pair<std::string, std::size_t>> check_trec_run(const std::string& run) {
    std::vector<std::pair<std::string, std::size_t>> per_query;
    double last_score = 0;
    for (const std::string& line : lines_of(run)) {
        INFO("line: " << line);
        const auto f = fields_of(line);
        REQUIRE(f.size() == 6);
        CHECK(f[1] == "Q0");
        char* end = nullptr;
        const long rank = std::strtol(f[3].c_str(), &end, 10);
        CHECK(*end == '\0');
        const double score = std::strtod(f[4].c_str(), &end);
        CHECK(*end == '\0');
        if (per_query.empty() || per_query.back().first != f[0]) {
            for (const auto& [qid, n] : per_query) CHECK(qid != f[0]);  // each query in one block
            per_query.emplace_back(f[0], 0);
        } else {
            CHECK(score <= last_score);
        }
        ++per_query.back().second;
        CHECK(rank == static_cast<long>(per_query.back().second));
        last_score = score;
    }
    return per_query;
}

/// The number of reviews matching `text` (free text), counted from a deep ranked search.
std::size_t match_count(const std::string& db, const std::string& text) {
    const ProcessResult r = query({"--db", db, "--parse", "plain", "--format", "trec", "-k", "100000", text});
    REQUIRE(r.exit_code == 0);
    return lines_of(r.out).size();
}

std::vector<std::string> qids(const std::vector<std::pair<std::string, std::size_t>>& per_query) {
    std::vector<std::string> out;
    for (const auto& [q, n] : per_query) out.push_back(q);
    return out;
}

}  // namespace

TEST_CASE("batch mode writes a valid TREC run for every query file format", "[cli]") {
    IndexedRetrieval f;

    SECTION("TREC topics give one ranked block per topic, numbered as in the file") {
        const ProcessResult r = query({"--db", f.db, "--queries", fixture("topics.trec").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto per_query = check_trec_run(r.out);
        CHECK(qids(per_query) == std::vector<std::string>{"101", "102", "103"});
        REQUIRE(per_query.size() == 3);
        CHECK(per_query[0].second == match_count(f.db, "kettle whistle"));
        CHECK(per_query[1].second == match_count(f.db, "teapot"));
        CHECK(per_query[2].second == match_count(f.db, "compassion fatigue nurse"));
    }
    SECTION("TREC topics with a title and no description are read too") {
        const std::string topics = f.dir.write(
            "titles.trec", "<top>\n<num> Number: 201\n<title> teapot\n</top>\n\n"
                           "<top>\n<num> Number: 202\n<title> garden hose\n</top>\n");
        const ProcessResult r = query({"--db", f.db, "--queries", topics});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(qids(check_trec_run(r.out)) == std::vector<std::string>{"201", "202"});
    }
    SECTION("SMART queries numbered by position are numbered 1, 2, 3") {
        const ProcessResult r = query(
            {"--db", f.db, "--queries", fixture("queries.smart").string(), "--number-by-position"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto per_query = check_trec_run(r.out);
        CHECK(qids(per_query) == std::vector<std::string>{"1", "2", "3"});
        REQUIRE(per_query.size() == 3);
        CHECK(per_query[2].second == match_count(f.db, "garden apple trees"));
    }
    SECTION("SMART queries without numbering by position keep their .I numbers") {
        const ProcessResult r = query({"--db", f.db, "--queries", fixture("queries.smart").string()});
        REQUIRE(r.exit_code == 0);
        CHECK(qids(check_trec_run(r.out)) == std::vector<std::string>{"5", "9", "12"});
    }
    SECTION("qid<TAB>text lines give a run, and stray operators and punctuation do not fail") {
        const ProcessResult r = query({"--db", f.db, "--queries", fixture("queries.tsv").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto per_query = check_trec_run(r.out);
        // q3 is only operators and punctuation: it may match nothing, but it does not fail.
        for (const auto& [q, n] : per_query) CHECK((q == "q1" || q == "q2" || q == "q3" || q == "q4"));
        CHECK(r.out.find("q1 Q0 ") != std::string::npos);
        CHECK(r.out.find("q4 Q0 ") != std::string::npos);
    }
    SECTION("the default depth is 1000, capped by the number of matches") {
        const std::string queries = f.dir.write("broad.tsv", "b1\ttea kettle garden album tent lock\n");
        const ProcessResult r = query({"--db", f.db, "--queries", queries});
        REQUIRE(r.exit_code == 0);
        const auto per_query = check_trec_run(r.out);
        REQUIRE(per_query.size() == 1);
        CHECK(per_query[0].second == match_count(f.db, "tea kettle garden album tent lock"));
        CHECK(per_query[0].second > 10);
        CHECK(per_query[0].second < 30);
    }
    SECTION("an explicit --top limits every query's depth") {
        const ProcessResult r = query({"--db", f.db, "--queries", fixture("topics.trec").string(), "-k", "2"});
        REQUIRE(r.exit_code == 0);
        for (const auto& [q, n] : check_trec_run(r.out)) CHECK(n <= 2);
    }
}

TEST_CASE("two batch runs of the same command are byte-identical", "[cli]") {
    IndexedRetrieval f;
    const std::vector<std::string> args{"--db", f.db, "--queries", fixture("queries.tsv").string(), "--manifest"};
    const ProcessResult a = query(args);
    const ProcessResult b = query(args);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK_FALSE(a.out.empty());
    CHECK(a.out == b.out);
}

TEST_CASE("the option --manifest starts a run with # lines naming the weighting and the analyzer", "[cli]") {
    IndexedRetrieval f;
    const ProcessResult r = query({"--db", f.db, "--queries", fixture("topics.trec").string(), "--manifest",
                                   "--weighting", "bm25:k1=1.2,b=0.75"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    std::vector<std::string> header;
    std::size_t i = 0;
    for (; i < lines.size() && !lines[i].empty() && lines[i][0] == '#'; ++i) header.push_back(lines[i]);
    std::string joined;
    for (const auto& h : header) joined += h + "\n";

    SECTION("the header names the weighting with its parameters and the analyzer") {
        REQUIRE_FALSE(header.empty());
        CHECK_THAT(joined, Catch::Contains("# weighting: bm25:b=0.75,k1=1.2,k2=0,k3=1,min_normlen=0"));
        CHECK_THAT(joined, Catch::Contains("# analyzer: language=english"));
        CHECK_THAT(joined, Catch::Contains("reviews.jsonl"));
    }
    SECTION("after the header comes the run itself, with no more # lines") {
        std::string rest;
        for (; i < lines.size(); ++i) rest += lines[i] + "\n";
        CHECK(rest.find('#') == std::string::npos);
        CHECK(check_trec_run(rest).size() == 3);
    }
}

TEST_CASE(
    "a run's manifest records every ranking parameter: stop list, title layout, BM25 and expansion",
    "[cli]") {
    IndexedRetrieval f;
    auto header_of = [](const std::string& out) {
        std::string joined;
        for (const std::string& line : lines_of(out)) {
            if (line.empty() || line[0] != '#') break;
            joined += line + "\n";
        }
        return joined;
    };
    SECTION("the defaults of a batch run are spelled out, parameter by parameter") {
        const ProcessResult r =
            query({"--db", f.db, "--queries", fixture("topics.trec").string(), "--manifest"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const std::string h = header_of(r.out);
        CHECK_THAT(h, Catch::Contains("# weighting: " +
                                      revsearch::query::WeightingSpec{}.describe_all() + "\n"));
        CHECK_THAT(h, Catch::Contains("# expansion: " +
                                      revsearch::query::batch_default_prf().describe() + "\n"));
        CHECK_THAT(h, Catch::Contains("stopwords=english ("));
        CHECK_THAT(h, Catch::Contains(" title=default-field+S "));
        CHECK_THAT(h, Catch::Contains("positions=packed"));
    }
    SECTION("explicit parameters replace the defaults in the manifest") {
        const ProcessResult r =
            query({"--db", f.db, "--queries", fixture("topics.trec").string(), "--manifest",
                   "--weighting", "bm25:k1=1.5,min_normlen=0.5", "--prf", "bo1:5:10:0.3"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const std::string h = header_of(r.out);
        CHECK_THAT(h, Catch::Contains("# weighting: bm25:b="));
        CHECK_THAT(h, Catch::Contains("k1=1.5,"));
        CHECK_THAT(h, Catch::Contains("min_normlen=0.5\n"));
        CHECK_THAT(h, Catch::Contains("# expansion: bo1:5:10:0.3\n"));
    }
    SECTION("--prf off is recorded as off") {
        const ProcessResult r = query({"--db", f.db, "--queries", fixture("topics.trec").string(),
                                       "--manifest", "--prf", "off"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(header_of(r.out), Catch::Contains("# expansion: off\n"));
    }
    SECTION("an index built with --title-layout separate and no stop words says so") {
        const std::string db = f.dir.file("separate");
        const ProcessResult indexed =
            run_process({index_bin(), "--db", db, "--title-layout", "separate", "--stopwords",
                         "none", fixture("reviews.jsonl").string()});
        INFO(indexed.err);
        REQUIRE(indexed.exit_code == 0);
        const ProcessResult r =
            query({"--db", db, "--queries", fixture("topics.trec").string(), "--manifest"});
        REQUIRE(r.exit_code == 0);
        const std::string h = header_of(r.out);
        CHECK_THAT(h, Catch::Contains(" title=S "));
        CHECK_THAT(h, Catch::Contains("stopwords=none (0 words)"));
        CHECK(h.find("default-field+S") == std::string::npos);
    }
}

TEST_CASE("revsearch-index refuses an unknown title layout and in-default with Xapian's positions",
          "[cli]") {
    TempDir dir;
    const ProcessResult bad = run_process({index_bin(), "--db", dir.file("a"), "--title-layout",
                                           "sideways", fixture("reviews.jsonl").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("sideways"));
    const ProcessResult xapian =
        run_process({index_bin(), "--db", dir.file("b"), "--title-layout", "in-default",
                     "--positions", "xapian", fixture("reviews.jsonl").string()});
    CHECK(xapian.exit_code == 2);
    CHECK_THAT(xapian.err, Catch::Contains("packed positions"));
    // Without --title-layout, Xapian's positions take the separate layout.
    const ProcessResult plain = run_process({index_bin(), "--db", dir.file("c"), "--positions",
                                             "xapian", fixture("reviews.jsonl").string()});
    INFO(plain.err);
    REQUIRE(plain.exit_code == 0);
    const ProcessResult r =
        query({"--db", dir.file("c"), "--queries", fixture("topics.trec").string(), "--manifest"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(" title=S positions=xapian"));
}

TEST_CASE("the option --stats --format json reports documents, topics and rejects", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    const ProcessResult indexed = run_process(
        {index_bin(), "--db", db, fixture("reviews.jsonl").string(), fixture("bad.jsonl").string()});
    INFO(indexed.err);
    REQUIRE(indexed.exit_code == 3);

    const ProcessResult r = query({"--db", db, "--stats", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);

    SECTION("the document count includes the good record of the bad file") {
        CHECK(j.at("documents") == 31);
    }
    SECTION("the topics histogram counts the tagged topics") {
        std::map<std::string, int> topics;
        for (const auto& t : j.at("topics")) topics[t.at(0).get<std::string>()] = t.at(1).get<int>();
        CHECK(topics["tea rituals"] == 6);
        CHECK(topics["compassion fatigue"] >= 1);
    }
    SECTION("the rejects are counted by reason, two in all") {
        int total = 0;
        for (const auto& [reason, n] : j.at("rejects_by_reason").items()) total += n.get<int>();
        CHECK(total == 2);
    }
}

// Issue 17, point 5: the manifest called the hash fnv1a64 while it was XXH3.
TEST_CASE("the manifest names its file hash XXH3, and xxhsum -H3 prints the same digits", "[cli]") {
    const fs::path xxhsum = "/usr/bin/xxhsum";
    if (!fs::exists(xxhsum)) {
        WARN("skipped: xxhsum (Debian's xxhash package, scripts/install-deps) is not installed");
        return;
    }
    IndexedRetrieval f;
    const std::string input = fixture("reviews.jsonl").string();
    // xxhsum -H3 prints "XXH3 (FILE) = DIGITS": the BSD style, which names the algorithm.
    const ProcessResult sum = run_process({xxhsum.string(), "-H3", input});
    REQUIRE(sum.exit_code == 0);
    const std::string prefix = "XXH3 (" + input + ") = ";
    REQUIRE(sum.out.rfind(prefix, 0) == 0);
    const std::string digits = sum.out.substr(prefix.size(), 16);
    REQUIRE(digits.size() == 16);

    SECTION("--stats names the algorithm and shows xxhsum's digits beside the file") {
        const ProcessResult r = query({"--db", f.db, "--stats"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("records, XXH3 " + digits + ")"));
        CHECK_THAT(r.out, !Catch::Contains("fnv1a64"));
    }
    SECTION("--stats --format json records the algorithm once and the digits per input") {
        const auto j =
            nlohmann::json::parse(query({"--db", f.db, "--stats", "--format", "json"}).out);
        CHECK(j.at("manifest").at("hash_algorithm") == "XXH3");
        REQUIRE(j.at("manifest").at("inputs").size() == 1);
        CHECK(j.at("manifest").at("inputs").at(0).at("hash") == digits);
    }
    SECTION("a batch run's --manifest header writes xxh3= with the same digits") {
        const ProcessResult r =
            query({"--db", f.db, "--queries", fixture("queries.tsv").string(), "--manifest"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains(" xxh3=" + digits + " "));
        CHECK_THAT(r.out, !Catch::Contains("fnv1a64"));
    }
}

TEST_CASE("json output with --facets ends with a summary whose counts match the hits", "[cli]") {
    IndexedRetrieval f;
    const ProcessResult r = query({"--db", f.db, "--facets", "topic,category", "--format", "json", "-k", "1000", "tea"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() > 2);
    const auto summary = nlohmann::json::parse(lines.back());
    REQUIRE(summary.contains("facets"));

    std::map<std::string, int> topic_hits, category_hits;
    std::size_t hits = 0;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        const auto hit = nlohmann::json::parse(lines[i]);
        REQUIRE(hit.contains("id"));
        ++hits;
        for (const auto& t : hit.at("topics")) {
            std::string lower = t.get<std::string>();
            for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            ++topic_hits[lower];
        }
        ++category_hits[hit.at("category").get<std::string>()];
    }

    SECTION("the total is exact and equals the number of hits printed") {
        CHECK(summary.at("total").at("exact") == true);
        CHECK(summary.at("total").at("value") == hits);
    }
    SECTION("each topic's count equals the hits that carry the topic") {
        REQUIRE_FALSE(summary.at("facets").at("topic").empty());
        std::map<std::string, int> counted;
        for (const auto& v : summary.at("facets").at("topic")) counted[v.at("value").get<std::string>()] = v.at("count").get<int>();
        CHECK(counted == topic_hits);
    }
    SECTION("each category's count equals the hits in the category") {
        std::map<std::string, int> counted;
        for (const auto& v : summary.at("facets").at("category")) counted[v.at("value").get<std::string>()] = v.at("count").get<int>();
        CHECK(counted == category_hits);
    }
    SECTION("with a shallow depth the facets still count the whole match") {
        const ProcessResult shallow = query({"--db", f.db, "--facets", "category", "--format", "json", "-k", "2", "tea"});
        REQUIRE(shallow.exit_code == 0);
        const auto shallow_lines = lines_of(shallow.out);
        REQUIRE(shallow_lines.size() == 3);
        const auto shallow_summary = nlohmann::json::parse(shallow_lines.back());
        int total = 0;
        for (const auto& v : shallow_summary.at("facets").at("category")) total += v.at("count").get<int>();
        CHECK(total == static_cast<int>(hits));
    }
}

TEST_CASE("revsearch-eval scores a batch run against judgments", "[cli]") {
    IndexedRetrieval f;
    const ProcessResult run = query({"--db", f.db, "--queries", fixture("topics.trec").string()});
    REQUIRE(run.exit_code == 0);
    const std::string run_file = f.dir.write("run.trec", run.out);

    const ProcessResult r = run_process({eval_bin(), fixture("qrels.trec").string(), run_file});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    bool map_line = false;
    double map = -1;
    for (const std::string& line : lines_of(r.out)) {
        const auto fields = fields_of(line);
        if (!fields.empty() && fields[0] == "map") {
            map_line = true;
            map = std::strtod(fields.back().c_str(), nullptr);
        }
    }
    CHECK(map_line);
    CHECK(map > 0.5);
    CHECK(map <= 1.0);
}
