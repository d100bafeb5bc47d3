// Issue 22: facets counted in one pass over the match. On a real corpus, each topic's count
// from the one pass equals the count of a search filtered by that topic alone (the old way),
// and a filter or phrase in the query still limits what is counted. Release build only
// (label `big`); skips without ../shared.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::test;
namespace fs = std::filesystem;
namespace rq = revsearch::query;

namespace {

/// A search on `searcher` for `q` with `facets`, every value of each.
rq::SearchResult faceted(rq::Searcher& searcher, const std::string& q,
                         std::vector<std::string> facets) {
    rq::SearchRequest r;
    r.query = q;
    r.k = 0;
    r.snippets = false;
    r.suggest = false;
    r.facets = std::move(facets);
    r.facet_limit = 1000000;
    return searcher.search(r);
}

/// The topic facet's counts by topic.
std::map<std::string, Xapian::doccount> topic_counts(const rq::SearchResult& r) {
    std::map<std::string, Xapian::doccount> out;
    for (const rq::Facet& f : r.facets) {
        if (f.name != "topic") continue;
        for (const auto& [topic, n] : f.values) out[topic] = n;
    }
    return out;
}

/// The old way: each topic counted by a search of its own, filtered by the topic (a value
/// facet makes that search exhaustive, so its total is an exact count).
Xapian::doccount counted_alone(rq::Searcher& searcher, const std::string& q,
                               const std::string& topic) {
    const rq::SearchResult r = faceted(searcher, "(" + q + ") topic:\"" + topic + "\"", {"year"});
    REQUIRE(r.total.exact());
    return r.total.lower;
}

}  // namespace

TEST_CASE(
    "Topic facets counted in one pass equal each topic counted by its own search, on "
    "the Blitzer reviews",
    "[corpus][slow]") {
    const auto corpora = shared_corpora();
    if (!corpora || !fs::is_directory(*corpora / "multi-domain-sentiment-blitzer2007")) {
        WARN("skipped: ../shared/corpora/multi-domain-sentiment-blitzer2007 is absent");
        return;
    }
    TempDir dir;
    const std::string db = dir.file("db");
    const ProcessResult indexed =
        run_process({index_bin(), "--db", db, "--progress", "none",
                     (*corpora / "multi-domain-sentiment-blitzer2007").string()});
    INFO(indexed.err);
    REQUIRE(indexed.exit_code == 0);
    rq::Searcher searcher(db);

    // A common word (the postings are read), a phrase (checked by a decider, so the one pass
    // must see only the reviews that pass it; a small match, so postings are skipped to).
    SECTION("one pass and the old way agree, topic by topic") {
        const std::vector<std::pair<std::string, std::size_t>> queries = {
            {"good", 3}, {"\"self help\"", 1}, {"book OR kitchen", 3}};
        for (const auto& [q, topics] : queries) {
            INFO(q);
            const rq::SearchResult one = faceted(searcher, q, {"topic", "category"});
            const auto counts = topic_counts(one);
            REQUIRE(counts.size() >= topics);  // the test must be able to fail on a wrong count
            for (const auto& [topic, n] : counts) {
                INFO(topic);
                CHECK(n == counted_alone(searcher, q, topic));
            }
        }
    }

    SECTION("a filter still applies: reviews outside it are not counted") {
        const rq::SearchResult all = faceted(searcher, "good", {"topic", "category"});
        REQUIRE(all.facets.size() == 2);
        REQUIRE(all.facets[1].values.size() >= 2);
        const std::string category = all.facets[1].values.front().first;
        const std::string q = "good category:\"" + category + "\"";
        const rq::SearchResult filtered = faceted(searcher, q, {"topic"});
        const auto before = topic_counts(all);
        const auto after = topic_counts(filtered);
        REQUIRE_FALSE(after.empty());
        int fewer = 0;
        for (const auto& [topic, n] : after) {
            INFO(topic);
            CHECK(n == counted_alone(searcher, q, topic));
            CHECK(n <= before.at(topic));
            fewer += n < before.at(topic) ? 1 : 0;
        }
        // Another category holds reviews of some topic, so the filter must have removed some.
        CHECK(fewer > 0);
    }
}
