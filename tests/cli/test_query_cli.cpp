#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;

namespace {

const char* const kClosingSentence = "The closing chapter follows a ferry crossing on a grey morning.";

/// A database indexed from the CLI fixture by the real revsearch-index.
struct IndexedFixture {
    TempDir dir;
    std::string db = dir.file("db");
    IndexedFixture() {
        const ProcessResult r = run_process(
            {index_bin(), "--db", db, (fixtures_dir() / "cli" / "reviews.jsonl").string()});
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 3);
    }
};

ProcessResult query(const std::vector<std::string>& args, const std::string& input = "",
                    const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input, env);
}

std::vector<std::string> split_fields(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> fields;
    std::string f;
    while (in >> f) fields.push_back(f);
    return fields;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("revsearch-query answers --help and --version with exit 0", "[cli]") {
    SECTION("--help prints the usage with the query syntax") {
        const ProcessResult r = query({"--help"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("Usage: revsearch-query"));
        CHECK_THAT(r.out, Catch::Contains("date:2015..2016-06"));
        CHECK_THAT(r.out, Catch::Contains("--format"));
    }
    SECTION("--version prints the program and its version") {
        const ProcessResult r = query({"--version"});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("revsearch-query "));
    }
}

TEST_CASE("revsearch-query refuses a bad command line with exit 2", "[cli]") {
    IndexedFixture f;
    SECTION("an unknown option") {
        const ProcessResult r = query({"--db", f.db, "--frobnicate", "tea"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::StartsWith("revsearch-query: "));
    }
    SECTION("an unknown output format") {
        CHECK(query({"--db", f.db, "--format", "xml", "tea"}).exit_code == 2);
    }
    SECTION("no query on a pipe and no --repl") {
        const ProcessResult r = query({"--db", f.db});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no query given"));
    }
}

TEST_CASE("revsearch-query exits 1 when the database is missing", "[cli]") {
    TempDir dir;
    const ProcessResult r = query({"--db", dir.file("nothing-here"), "tea"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("revsearch-query: "));
    CHECK_THAT(r.err, Catch::Contains("nothing-here"));
    CHECK(r.out.empty());
}

TEST_CASE("revsearch-query reports a malformed query with exit 2", "[cli]") {
    IndexedFixture f;
    const ProcessResult r = query({"--db", f.db, "AND"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("bad query:"));
    CHECK(r.out.empty());
}

TEST_CASE("revsearch-query prints ranked text results", "[cli]") {
    IndexedFixture f;
    const ProcessResult r = query({"--db", f.db, "compassion fatigue"});
    INFO("stderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);

    SECTION("the matching review comes first, with its metadata and a marked snippet") {
        CHECK_THAT(r.out, Catch::StartsWith("1. Notes From the Night Shift  ["));
        CHECK_THAT(r.out, Catch::Contains("id night-shift | Daniel Reyes | 2016 | rating 5"));
        CHECK_THAT(r.out, Catch::Contains("[compassion] [fatigue]"));
    }
    SECTION("piped output has no ANSI escapes") {
        CHECK(r.out.find('\x1b') == std::string::npos);
    }
    SECTION("--top limits the number of results") {
        const ProcessResult top = query({"--db", f.db, "--top", "1", "tea"});
        CHECK(count_of(top.out, "1. ") == 1);
        CHECK(count_of(top.out, "\n2. ") == 0);
    }
}

TEST_CASE("revsearch-query --format json prints one object per result, then a summary", "[cli]") {
    IndexedFixture f;
    const ProcessResult r = query({"--db", f.db, "--format", "json", "tea"});
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 4);

    SECTION("every line but the last is a JSON object with the documented keys") {
        for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
            const auto j = nlohmann::json::parse(lines[i]);
            REQUIRE(j.is_object());
            for (const char* key : {"rank", "score", "id", "title", "reviewer", "date", "rating",
                                    "topics", "snippet"}) {
                CHECK(j.contains(key));
            }
            CHECK(j.at("rank") == i + 1);
            CHECK(j.at("score").is_number());
            CHECK(j.at("topics").is_array());
        }
    }
    SECTION("the last line is the summary, with the exact total and no rank") {
        const auto summary = nlohmann::json::parse(lines.back());
        CHECK_FALSE(summary.contains("rank"));
        CHECK(summary.at("total") ==
              nlohmann::json({{"exact", true}, {"value", 3}, {"lower", 3}, {"upper", 3}}));
        CHECK(summary.at("returned") == 3);
        CHECK(summary.at("suggestion").is_null());
    }
    SECTION("a result's fields hold the review's values, and the snippet uses <b> marks") {
        const ProcessResult cf = query({"--db", f.db, "--format", "json", "compassion fatigue"});
        const auto first = nlohmann::json::parse(lines_of(cf.out).at(0));
        CHECK(first.at("id") == "night-shift");
        CHECK(first.at("title") == "Notes From the Night Shift");
        CHECK(first.at("reviewer") == "Daniel Reyes");
        CHECK(first.at("date") == "2016");
        CHECK(first.at("rating") == 5);
        const auto topics = first.at("topics").get<std::vector<std::string>>();
        CHECK(std::find(topics.begin(), topics.end(), "compassion fatigue") != topics.end());
        const std::string snippet = first.at("snippet");
        CHECK_THAT(snippet, Catch::Contains("<b>compassion</b> <b>fatigue</b>"));
    }
    SECTION("BM25 parameters change the scores") {
        const ProcessResult k1 =
            query({"--db", f.db, "--format", "json", "--k1", "2.5", "--b", "1", "tea"});
        REQUIRE(k1.exit_code == 0);
        const double base = nlohmann::json::parse(lines[0]).at("score");
        const double changed = nlohmann::json::parse(lines_of(k1.out).at(0)).at("score");
        CHECK(base != Approx(changed));
    }
}

TEST_CASE("revsearch-query --format trec prints six-field run lines", "[cli]") {
    IndexedFixture f;
    const ProcessResult r =
        query({"--db", f.db, "--format", "trec", "--qid", "7", "--run-tag", "mine", "tea"});
    REQUIRE(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 3);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto fields = split_fields(lines[i]);
        REQUIRE(fields.size() == 6);
        CHECK(fields[0] == "7");
        CHECK(fields[1] == "Q0");
        CHECK(fields[3] == std::to_string(i + 1));
        CHECK_NOTHROW(std::stod(fields[4]));
        CHECK(fields[5] == "mine");
    }
}

TEST_CASE("revsearch-query --repl reads piped commands without prompt or colour", "[cli]") {
    IndexedFixture f;
    const ProcessResult r =
        query({"--db", f.db, "--repl"}, "compassion fatigue\n:show 1\n:quit\n");
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);

    SECTION("the result list comes first, then the whole review") {
        const std::size_t result = r.out.find("1. Notes From the Night Shift");
        const std::size_t closing = r.out.find(kClosingSentence);
        REQUIRE(result != std::string::npos);
        REQUIRE(closing != std::string::npos);
        CHECK(result < closing);
        CHECK(count_of(r.out, kClosingSentence) == 1);
        CHECK_THAT(r.out, Catch::Contains("id: night-shift"));
    }
    SECTION("there is no prompt, no banner and no ANSI escape") {
        CHECK(r.out.find("revsearch>") == std::string::npos);
        CHECK(r.out.find("Type a query") == std::string::npos);
        CHECK(r.out.find('\x1b') == std::string::npos);
        CHECK(r.err.empty());
    }
    SECTION("a bad line is reported and the session goes on") {
        const ProcessResult bad = query({"--db", f.db, "--repl"}, "AND\ntea\n");
        CHECK(bad.exit_code == 0);
        CHECK_THAT(bad.err, Catch::Contains("bad query:"));
        CHECK_THAT(bad.out, Catch::Contains("1. "));
    }
}

TEST_CASE("revsearch-query takes its database from REVSEARCH_DB", "[cli]") {
    IndexedFixture f;
    const ProcessResult r = query({"--format", "trec", "tea"}, "", {"REVSEARCH_DB=" + f.db});
    INFO("stderr:\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out).size() == 3);
}

// Regression: a snippet budget shorter than a matching word crashed revsearch-query (SIGSEGV).
TEST_CASE("revsearch-query survives a snippet budget shorter than a matching word",
          "[cli][regression]") {
    IndexedFixture f;
    for (const char* chars : {"0", "3"}) {
        const ProcessResult r =
            query({"--db", f.db, "--format", "json", "--snippet-chars", chars, "compassion"});
        INFO("--snippet-chars " << chars << "\nstderr:\n" << r.err);
        CHECK(r.exit_code == 0);
        const auto lines = lines_of(r.out);
        REQUIRE(lines.size() == 2);  // the hit and the summary
        CHECK(nlohmann::json::parse(lines[0]).at("id") == "night-shift");
    }
}

TEST_CASE("revsearch-query filters, sorts and counts by topic strength from the command line",
          "[cli]") {
    // Issue 17: strengths are stored at index time and read by the query tool.
    TempDir dir;
    std::string pad;
    for (int i = 0; i < 24; ++i) pad += " pot";
    std::string faint_pad;
    for (int i = 0; i < 199; ++i) faint_pad += " pot";
    std::string jsonl = R"({"id":"strong","title":"","body":")";
    for (int i = 0; i < 4; ++i) jsonl += "burnout" + pad + " ";  // 100 words, strength 40
    jsonl += "\"}\n" + std::string(R"({"id":"faint","title":"","body":")");
    for (int i = 0; i < 2; ++i) jsonl += "burnout" + faint_pad + " ";  // 400 words, strength 5
    jsonl +=
        "\"}\n" +
        std::string(
            R"({"id":"toast","title":"Toast","body":"I burn the toast every morning, pot."})") +
        "\n";
    const std::string db = dir.file("db");
    const ProcessResult indexed = run_index({"--db", db, dir.write("r.jsonl", jsonl)});
    INFO(indexed.err);
    REQUIRE(indexed.exit_code == 0);

    SECTION("topic:NAME>=N keeps the strong review, with its strength in the JSON") {
        const ProcessResult r = query({"--db", db, "--format", "json", "topic:burnout>=10"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        // Hit lines carry a rank; the last line is the summary, which has none.
        std::vector<nlohmann::json> hits;
        for (const std::string& line : lines_of(r.out)) {
            nlohmann::json j = nlohmann::json::parse(line);
            if (j.contains("rank")) hits.push_back(std::move(j));
        }
        REQUIRE(hits.size() == 1);
        const auto& hit = hits[0];
        CHECK(hit.at("id") == "strong");
        CHECK(hit.at("topic_strength").at("burnout").get<double>() == Approx(40.0));
    }
    SECTION("--sort topic:NAME lists the strongest first and shows strengths in the text") {
        const ProcessResult r = query({"--db", db, "--sort", "topic:burnout", "pot"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const std::size_t strong = r.out.find("id strong");
        const std::size_t faint = r.out.find("id faint");
        const std::size_t toast = r.out.find("id toast");
        REQUIRE(strong != std::string::npos);
        REQUIRE(faint != std::string::npos);
        REQUIRE(toast != std::string::npos);
        CHECK(strong < faint);
        CHECK(faint < toast);
        CHECK_THAT(r.out, Catch::Contains("topics: burnout (40)"));
    }
    SECTION("--facets topic>=N counts only strong mentions; burning toast is no burnout") {
        const ProcessResult r = query(
            {"--db", db, "--format", "json", "-k", "1", "--facets", "topic,topic>=10", "pot"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains(R"("topic>=10":[{"value":"burnout","count":1}])"));
        CHECK_THAT(r.out, Catch::Contains(R"("topic":[{"value":"burnout","count":2}])"));
        const ProcessResult all = query({"--db", db, "--facets", "topic,topic>=10", "pot"});
        CHECK_THAT(all.out, Catch::Contains("topic:  burnout (2)"));
        CHECK_THAT(all.out, Catch::Contains("topic>=10:  burnout (1)"));
        const ProcessResult toast = query({"--db", db, "--format", "json", "id:toast"});
        CHECK_THAT(toast.out, Catch::Contains("\"topics\":[]"));
    }
    SECTION("a bound on a topic without strengths exits 2 with the reason") {
        const ProcessResult r = query({"--db", db, "topic:gardening>=1"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no strengths for topic 'gardening'"));
        const ProcessResult s = query({"--db", db, "--sort", "topic:gardening", "pot"});
        CHECK(s.exit_code == 2);
        CHECK_THAT(s.err, Catch::Contains("gardening"));
    }
}
