// Issue 17, point 6: the same review five times is one review. With SearchRequest::distinct the
// copies of a review (one content key) are one result, and count once in totals and facets.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/content_key.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

const char* const kBody =
    "The lotion soaks in quickly and leaves no grease on my hands, but the scent is strong.";

Review review(const std::string& id, const std::string& reviewer, const std::string& date,
              const std::string& title, const std::string& body) {
    Review r;
    r.id = id;
    r.reviewer = reviewer;
    r.date = date;
    r.title = title;
    r.body = body;
    r.rating = 4;
    r.rating_scale = 5;
    r.category = "Beauty";
    return r;
}

/// Five copies of one review, as Amazon attaches a review to each variant of a product (ids
/// and products differ), and reviews that must stay apart from it.
std::vector<Review> reviews() {
    std::vector<Review> rs;
    for (int i = 1; i <= 5; ++i) {
        rs.push_back(review("copy-" + std::to_string(i), "Shelly F", "2016-09-01",
                            "Does what it says", kBody));
        rs.back().product = "variant" + std::to_string(i);
        rs.back().topics = {"skin care"};
    }
    // Same title, other words.
    rs.push_back(
        review("same-title", "Ann Lee", "2017-02-03", "Does what it says",
               "A thin lotion with a faint scent; it soaks in but my hands stay dry by noon."));
    // The same reviewer, day and title, one word apart ("no" -> "some").
    rs.push_back(review("one-word", "Shelly F", "2016-09-01", "Does what it says",
                        "The lotion soaks in quickly and leaves some grease on my hands, but the "
                        "scent is strong."));
    rs.back().rating = 2;
    // The same words, by another reviewer.
    rs.push_back(review("other-reviewer", "Tonya B", "2016-09-01", "Does what it says", kBody));
    rs.back().rating = 5;
    // A stock phrase twice, with no reviewer and no date: never collapsed.
    rs.push_back(review("anon-1", "", "", "Five Stars", "Great lotion"));
    rs.push_back(review("anon-2", "", "", "Five Stars", "Great lotion"));
    rs.push_back(
        review("teapot", "Mira Okafor", "2019-03-14", "A teapot", "A teapot that pours well."));
    return rs;
}

void write_index(const std::string& path, const std::vector<Review>& rs,
                 const std::string& schema = "") {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    db.set_metadata(std::string(s::kMetaAnalyzer), AnalyzerSettings{}.to_json());
    if (!schema.empty()) db.set_metadata(std::string(s::kMetaSchema), schema);
    indexer::DocumentBuilder builder{AnalyzerSettings{}};
    for (const Review& r : rs) db.replace_document(s::id_term(r.id), builder.build(r));
    db.commit();
}

SearchRequest request(const std::string& query, bool distinct) {
    SearchRequest r;
    r.query = query;
    r.k = 100;
    r.distinct = distinct;
    return r;
}

std::vector<std::string> ids_of(const SearchResult& result) {
    std::vector<std::string> ids;
    for (const Hit& h : result.hits) ids.push_back(h.review.id);
    return ids;
}

std::set<std::string> id_set(const SearchResult& result) {
    const auto ids = ids_of(result);
    return {ids.begin(), ids.end()};
}

struct Fixture {
    TempDir dir;
    std::string path = dir.file("db");
    Fixture() { write_index(path, reviews()); }
};

using IdSet = std::set<std::string>;

const IdSet kCopies = {"copy-1", "copy-2", "copy-3", "copy-4", "copy-5"};
const IdSet kApart = {"same-title", "one-word", "other-reviewer", "anon-1", "anon-2"};

}  // namespace

TEST_CASE("without distinct every copy of a repeated review is a result", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const SearchResult result = searcher.search(request("lotion", false));
    IdSet expected = kCopies;
    expected.insert(kApart.begin(), kApart.end());
    CHECK(id_set(result) == expected);
    CHECK_FALSE(result.distinct);
    for (const Hit& hit : result.hits) CHECK_FALSE(hit.copies.has_value());
}

TEST_CASE("with distinct the copies of one review are one result", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const SearchResult result = searcher.search(request("lotion", true));
    REQUIRE(result.distinct);

    SECTION("one copy stands for the five: the best ranked, equal scores going to the smaller id") {
        const IdSet ids = id_set(result);
        std::size_t shown = 0;
        for (const auto& id : kCopies) shown += ids.count(id);
        CHECK(shown == 1);
        CHECK(ids.count("copy-1") == 1);
        CHECK(result.hits.size() == 1 + kApart.size());
    }
    SECTION("the result says how many matching copies it stands for") {
        for (const Hit& hit : result.hits) {
            INFO(hit.review.id);
            REQUIRE(hit.copies.has_value());
            CHECK(*hit.copies == (hit.review.id == "copy-1" ? 4u : 0u));
            CHECK(hit.content_key == content_key(hit.review));
        }
    }
    SECTION("reviews that only look alike are not collapsed") {
        // Same title; one word apart; the same words by another reviewer; a stock phrase with
        // neither reviewer nor date.
        for (const auto& id : kApart) {
            INFO(id);
            CHECK(id_set(result).count(id) == 1);
        }
    }
}

TEST_CASE("with distinct and facets the totals and facet counts count each review once",
          "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    SearchRequest r = request("lotion", true);
    r.k = 3;
    r.facets = {"reviewer", "rating", "category", "year", "topic"};
    const SearchResult result = searcher.search(r);

    SECTION("the match is counted in full: every copy, and each review once") {
        REQUIRE(result.counted.has_value());
        CHECK(result.counted->documents == 10);
        CHECK(result.counted->reviews == 6);
        CHECK(result.total.exact());
        CHECK(result.total.estimated == 6);
    }
    std::map<std::string, std::map<std::string, Xapian::doccount>> counts;
    for (const Facet& facet : result.facets) {
        for (const auto& [value, n] : facet.values) counts[facet.name][value] = n;
    }
    SECTION("five copies count once under their reviewer, year, rating, category and topic") {
        CHECK(counts["reviewer"] == std::map<std::string, Xapian::doccount>{
                                        {"Shelly F", 2}, {"Ann Lee", 1}, {"Tonya B", 1}});
        CHECK(counts["year"] == std::map<std::string, Xapian::doccount>{{"2016", 3}, {"2017", 1}});
        CHECK(counts["rating"] ==
              std::map<std::string, Xapian::doccount>{{"4", 4}, {"2", 1}, {"5", 1}});
        CHECK(counts["category"] == std::map<std::string, Xapian::doccount>{{"Beauty", 6}});
        CHECK(counts["topic"] == std::map<std::string, Xapian::doccount>{{"skin care", 1}});
    }
    SECTION("each facet count is the number of reviews its filter selects with distinct on") {
        const std::map<std::string, std::string> field = {{"reviewer", "by:\""},
                                                          {"rating", "rating:"},
                                                          {"category", "category:\""},
                                                          {"year", "date:"},
                                                          {"topic", "topic:\""}};
        for (const auto& [facet, values] : counts) {
            for (const auto& [value, n] : values) {
                const std::string prefix = field.at(facet);
                const std::string filter = prefix + value + (prefix.back() == '"' ? "\"" : "");
                SearchRequest narrowed = request("lotion " + filter, true);
                narrowed.default_and = true;
                narrowed.facets = {"year"};
                const SearchResult n_result = searcher.search(narrowed);
                INFO(filter);
                REQUIRE(n_result.counted.has_value());
                CHECK(n_result.counted->reviews == n);
                CHECK(n_result.hits.size() == n);
            }
        }
    }
}

TEST_CASE("without distinct the facets count every copy", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    SearchRequest r = request("lotion", false);
    r.facets = {"reviewer"};
    const SearchResult result = searcher.search(r);
    REQUIRE(result.counted.has_value());
    CHECK(result.counted->documents == 10);
    CHECK(result.counted->reviews == 10);
    REQUIRE_FALSE(result.facets.empty());
    CHECK(result.facets[0].values.front() ==
          std::pair<std::string, Xapian::doccount>{"Shelly F", 6});
}

TEST_CASE("dup:KEY lists every copy of a review, and copies a query leaves out are not counted",
          "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const std::string key = content_key(reviews().front());
    SECTION("all five copies, and nothing else") {
        CHECK(id_set(searcher.search(request("dup:" + key, false))) == kCopies);
    }
    SECTION("with distinct, one result standing for the five") {
        const SearchResult one = searcher.search(request("dup:" + key, true));
        REQUIRE(one.hits.size() == 1);
        CHECK(one.hits[0].copies == 4u);
    }
    SECTION("a query matching two of the copies counts one other copy, not four") {
        const SearchResult two =
            searcher.search(request("lotion AND (product:variant2 OR product:variant4)", true));
        REQUIRE(two.hits.size() == 1);
        CHECK(two.hits[0].review.id == "copy-2");
        CHECK(two.hits[0].copies == 1u);
    }
}

TEST_CASE("sorting with distinct still shows one copy per review", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    for (const SortOrder sort : {SortOrder::Date, SortOrder::Rating}) {
        SearchRequest r = request("lotion", true);
        r.sort = sort;
        const SearchResult result = searcher.search(r);
        std::set<std::string> keys;
        for (const Hit& hit : result.hits) {
            if (!hit.content_key.empty()) CHECK(keys.insert(hit.content_key).second);
        }
        CHECK(result.hits.size() == 6);
    }
}

TEST_CASE("an index without content keys warns that distinct cannot collapse, and shows every copy",
          "[query]") {
    TempDir dir;
    write_index(dir.file("db"), reviews(), "1");
    Searcher searcher(dir.file("db"));
    const SearchResult result = searcher.search(request("lotion", true));
    CHECK_FALSE(result.distinct);
    CHECK(result.hits.size() == 10);
    REQUIRE(result.warnings.size() == 1);
    CHECK_THAT(result.warnings[0], Catch::Contains("schema version 1"));
}
