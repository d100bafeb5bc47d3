#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <xapian.h>

#include "query/highlighter.hpp"
#include "query/query_builder.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;

namespace {

const char* const kSeedId = "self-compassion-in-psychotherapy";

ProcessResult index_dir(const std::string& db, const std::string& dir) {
    return run_process({index_bin(), "--db", db, dir});
}

ProcessResult query_json(const std::string& db, const std::string& q) {
    return run_process({query_bin(), "--db", db, "--format", "json", q});
}

std::vector<nlohmann::json> hits_of(const ProcessResult& r) {
    std::vector<nlohmann::json> hits;
    for (const auto& line : lines_of(r.out)) {
        auto j = nlohmann::json::parse(line);
        if (j.contains("rank")) hits.push_back(std::move(j));  // the last line is the summary
    }
    return hits;
}

}  // namespace

TEST_CASE("the seed review page is indexed and found by its words and fields", "[corpus]") {
    const auto seed = seed_page_dir();
    if (!seed) return;
    TempDir dir;
    const std::string db = dir.file("db");
    const ProcessResult indexed = index_dir(db, seed->string());
    INFO("revsearch-index stderr:\n" << indexed.err);
    REQUIRE(indexed.exit_code == 0);

    SECTION("indexing the folder reads the page and skips PROVENANCE.md") {
        CHECK_THAT(indexed.err, Catch::Contains("PROVENANCE.md: skipped"));
        CHECK_THAT(indexed.err, Catch::Contains("added 1, replaced 0, rejected 0"));
        CHECK(Xapian::Database(db).get_doccount() == 1);
    }
    SECTION("'compassion fatigue' ranks the page first with its metadata") {
        const ProcessResult r = query_json(db, "compassion fatigue");
        INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
        const auto hits = hits_of(r);
        REQUIRE_FALSE(hits.empty());
        const auto& top = hits[0];
        CHECK(top.at("rank") == 1);
        CHECK(top.at("id") == kSeedId);
        CHECK(top.at("title") == "Self-Compassion in Psychotherapy: Mindfulness-based Practices");
        CHECK(top.at("reviewer") == "Tamara Hill, MS, LPC");
        CHECK(top.at("date") == "2016-05-17");
        const auto topics = top.at("topics").get<std::vector<std::string>>();
        for (const char* topic : {"self-compassion", "mindfulness", "compassion fatigue"}) {
            INFO("topic: " << topic);
            CHECK(std::find(topics.begin(), topics.end(), topic) != topics.end());
        }
        const std::string snippet = top.at("snippet");
        CHECK_THAT(snippet, Catch::Contains("<b>compassion</b>"));
        CHECK_THAT(snippet, Catch::Contains("<b>fatigue</b>"));
    }
    SECTION("fielded queries find the page, and a wrong reviewer finds nothing") {
        for (const char* q : {"reviewer:hill", "topic:\"compassion fatigue\"",
                              "title:psychotherapy"}) {
            const ProcessResult r = query_json(db, q);
            INFO("query: " << q << "\nstderr:\n" << r.err);
            REQUIRE(r.exit_code == 0);
            const auto hits = hits_of(r);
            REQUIRE(hits.size() == 1);
            CHECK(hits[0].at("id") == kSeedId);
        }
        const ProcessResult smith = query_json(db, "reviewer:smith");
        CHECK(smith.exit_code == 0);
        CHECK(hits_of(smith).empty());
        CHECK(nlohmann::json::parse(smith.out).at("total").at("value") == 0);
    }
    SECTION("indexing the same folder again leaves exactly one document") {
        const ProcessResult again = index_dir(db, seed->string());
        INFO("second stderr:\n" << again.err);
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.err, Catch::Contains("added 0, replaced 1, rejected 0"));
        CHECK(Xapian::Database(db).get_doccount() == 1);
        const ProcessResult r = run_process(
            {query_bin(), "--db", db, "--format", "trec", std::string("id:") + kSeedId});
        CHECK(lines_of(r.out).size() == 1);
    }
    SECTION("the piped REPL's :show 1 prints the whole body") {
        const ProcessResult r = run_process({query_bin(), "--db", db, "--repl"},
                                            "compassion fatigue\n:show 1\n:quit\n");
        INFO("stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
        // The expected text is the stored body with the query words marked as :show marks them.
        query::Searcher searcher(db);
        const auto review = searcher.fetch(kSeedId);
        REQUIRE(review);
        REQUIRE(review->body.size() > 1000);
        const Xapian::WritableDatabase scratch(std::string(), Xapian::DB_BACKEND_INMEMORY);
        query::QueryBuilder builder(searcher.analyzer(), scratch);
        const query::Highlighter highlighter(
            searcher.analyzer(), query::highlight_terms(builder.parse("compassion fatigue")));
        const std::string body =
            query::render(highlighter.mark_all(review->body), query::Highlight::Plain);
        CHECK_THAT(r.out, Catch::Contains("1. Self-Compassion in Psychotherapy"));
        CHECK_THAT(r.out, Catch::Contains(body));
        CHECK(r.out.find("1. Self-Compassion") < r.out.find(body));
        CHECK(r.out.find('\x1b') == std::string::npos);
    }
}
