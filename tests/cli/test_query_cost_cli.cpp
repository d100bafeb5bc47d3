// Issue 17 (points 4, 5 and 8) and issue 22 through the real revsearch-query: counts and the
// JSON summary, --like alone and with a query, and the query budget on the command line and in
// the REPL.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;
using json = nlohmann::json;

namespace {

/// tests/fixtures/retrieval indexed once by the real revsearch-index (30 reviews: kettles,
/// teapots, caregiving books, gardens, music).
const std::string& samples_db() {
    static const TempDir dir;
    static const std::string db = [] {
        const std::string path = dir.file("retrieval.db");
        const ProcessResult r =
            run_index({"--db", path, (fixtures_dir() / "retrieval" / "reviews.jsonl").string()});
        if (r.exit_code != 0) throw std::runtime_error("revsearch-index failed:\n" + r.err);
        return path;
    }();
    return db;
}

ProcessResult query(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> argv{query_bin(), "--db", samples_db()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
}

/// The hit lines and the summary line of --format json output.
struct JsonRun {
    std::vector<json> hits;
    json summary;
};

JsonRun json_run(const ProcessResult& r) {
    JsonRun out;
    const auto lines = lines_of(r.out);
    REQUIRE_FALSE(lines.empty());
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) out.hits.push_back(json::parse(lines[i]));
    out.summary = json::parse(lines.back());
    return out;
}

}  // namespace

TEST_CASE("revsearch-query --like finds reviews like one review, alone or within a query",
          "[cli]") {
    SECTION("alone: no query is needed, and the review itself is left out") {
        const ProcessResult r = query({"--like", "kettle-copper", "--format", "json", "-k", "20"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const JsonRun run = json_run(r);
        CHECK_FALSE(run.hits.empty());
        for (const json& h : run.hits) CHECK(h.at("id") != "kettle-copper");
        CHECK_FALSE(run.summary.at("expansion").empty());
        CHECK(run.summary.at("total").at("exact") == true);
        CHECK(run.summary.at("total").at("value") == run.hits.size());
    }
    SECTION("alone, as text: the words it searched are named") {
        const ProcessResult r = query({"--like", "kettle-copper"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("expanded with: "));
        CHECK_THAT(r.out, Catch::Contains("1. "));
    }
    SECTION("with a query: only the reviews the query matches, ranked by likeness") {
        const ProcessResult all =
            query({"--like", "kettle-copper", "--format", "json", "-k", "20"});
        const ProcessResult r =
            query({"--like", "kettle-copper", "--format", "json", "-k", "20", "date:..2017"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const JsonRun narrowed = json_run(r);
        const JsonRun wide = json_run(all);
        REQUIRE_FALSE(narrowed.hits.empty());
        const auto year = [](const json& h) {
            return std::stoi(h.at("date").get<std::string>().substr(0, 4));
        };
        for (const json& h : narrowed.hits) {
            CHECK(year(h) <= 2017);
            CHECK(h.at("id") != "kettle-copper");
        }
        // The query is not ignored: without it, later reviews are like it too.
        bool later = false;
        for (const json& h : wide.hits) later = later || year(h) > 2017;
        CHECK(later);
        CHECK(narrowed.summary.at("total").at("value") < wide.summary.at("total").at("value"));
    }
    SECTION("an id that is not in the index is a usage error, exit 2, naming the id") {
        const ProcessResult r = query({"--like", "no-such-review"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no review with id 'no-such-review'"));
        CHECK(r.out.empty());
    }
    SECTION("neither a query nor --like is still 'no query given'") {
        const ProcessResult r = query({});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no query given"));
    }
}

TEST_CASE("revsearch-query --format json always ends with a summary a script can read", "[cli]") {
    SECTION("with no hits the summary is the only line, with an exact zero") {
        const ProcessResult r = query({"--format", "json", "zzyzzyva"});
        REQUIRE(r.exit_code == 0);
        const auto lines = lines_of(r.out);
        REQUIRE(lines.size() == 1);
        const json summary = json::parse(lines[0]);
        CHECK(summary.at("total") ==
              json({{"exact", true}, {"value", 0}, {"lower", 0}, {"upper", 0}}));
        CHECK(summary.at("returned") == 0);
        CHECK(summary.contains("suggestion"));
        CHECK(summary.at("facets").is_object());
        CHECK(summary.at("warnings").is_array());
    }
    SECTION("a misspelt word's suggestion is in the summary") {
        const ProcessResult r = query({"--format", "json", "kettel"});
        REQUIRE(r.exit_code == 0);
        const JsonRun run = json_run(r);
        CHECK(run.summary.at("suggestion") == "kettle");
    }
    SECTION("the text's count and the JSON total agree") {
        const ProcessResult text = query({"-k", "2", "kettle OR teapot"});
        const ProcessResult js = query({"-k", "2", "--format", "json", "kettle OR teapot"});
        REQUIRE(text.exit_code == 0);
        const json total = json_run(js).summary.at("total");
        REQUIRE(total.at("exact") == true);
        CHECK_THAT(text.out, Catch::Contains("results 1-2 of " +
                                             std::to_string(total.at("value").get<int>()) + "\n"));
    }
    SECTION("past --exact-count-limit the text says 'estimated' and JSON says not exact") {
        const ProcessResult text =
            query({"-k", "1", "--exact-count-limit", "0", "kettle OR teapot OR garden"});
        const ProcessResult js = query({"-k", "1", "--exact-count-limit", "0", "--format", "json",
                                        "kettle OR teapot OR garden"});
        const json total = json_run(js).summary.at("total");
        if (total.at("exact") == false) {
            CHECK_THAT(text.out, Catch::Contains("of an estimated "));
        } else {
            CHECK_THAT(text.out, !Catch::Contains("estimated"));
        }
        CHECK(total.at("lower") <= total.at("value"));
        CHECK(total.at("value") <= total.at("upper"));
    }
}

TEST_CASE("The query budget holds on the command line and in the REPL as in the server", "[cli]") {
    SECTION("300 wildcards in 900 bytes run, each pattern expanded once") {
        std::string q;
        for (int i = 0; i < 300; ++i) q += "t* ";
        const ProcessResult r = query({"--format", "json", q});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(json_run(r).summary.at("total").at("value") > 0);
    }
    SECTION("a query over --max-query-bytes is a bad query, exit 2") {
        const ProcessResult r = query({std::string(1025, 'a')});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("bad query: the query is 1025 bytes, longer than 1024"));
    }
    SECTION("the limits are options, and a query within a raised limit runs") {
        CHECK(query({"--max-query-bytes", "2048", std::string(1025, 'a')}).exit_code == 0);
        // With titles in the default field (the default layout) a word is one term.
        const ProcessResult terms = query({"--max-query-terms", "1", "kettle teapot"});
        CHECK(terms.exit_code == 2);
        CHECK_THAT(terms.err, Catch::Contains("--max-query-terms"));
        CHECK(query({"--max-query-terms", "2", "kettle teapot"}).exit_code == 0);
    }
    SECTION("a wildcard cut short by the budget is noted on stderr, and the search runs") {
        const ProcessResult r = query({"--max-wildcard-terms", "2", "t*"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("note: t* matches "));
        CHECK_THAT(r.err, Catch::Contains("--max-wildcard-terms"));
    }
    SECTION(
        "in the REPL a query past the budget is an error on its line, and the session goes on") {
        const ProcessResult r = query({"--repl"}, std::string(1025, 'a') + "\nkettle\n");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("error: bad query: the query is 1025 bytes"));
        CHECK_THAT(r.out, Catch::Contains("1. "));
    }
    SECTION("a batch topic past the budget is reported by its id, and the run goes on") {
        const TempDir dir;
        const std::string topics =
            dir.write("topics.tsv", "1\tkettle\n2\tkettle teapot garden\n3\tteapot\n");
        const ProcessResult r = query({"--queries", topics, "--max-query-terms", "2"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err,
                   Catch::Contains("error: query 2: bad query: the query has more than 2 terms"));
        bool one = false, two = false, three = false;
        for (const std::string& line : lines_of(r.out)) {
            one = one || line.rfind("1 Q0 ", 0) == 0;
            two = two || line.rfind("2 Q0 ", 0) == 0;
            three = three || line.rfind("3 Q0 ", 0) == 0;
        }
        CHECK(one);
        CHECK_FALSE(two);
        CHECK(three);
    }
    SECTION("bad limits are usage errors") {
        CHECK(query({"--max-query-bytes", "0", "x"}).exit_code == 2);
        CHECK(query({"--max-phrase-words", "1", "x"}).exit_code == 2);
    }
}
