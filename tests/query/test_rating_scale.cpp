// Issue 17, point 7: ratings on one scale. A combined index of ratings out of 5 and out of 10
// answers rating ranges, sorts and facets on the one 0-5 scale; the rating as given is kept.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "query/json_output.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

Review rated(const std::string& id, std::optional<double> rating, std::optional<double> scale) {
    Review r;
    r.id = id;
    r.title = "A film review " + id;
    r.body = "The film holds up, the acting less so.";
    r.rating = rating;
    r.rating_scale = scale;
    return r;
}

/// Amazon-like ratings out of 5, IMDb-like ratings out of 10, a site's average out of 5, and
/// ratings no scale can place.
std::vector<Review> reviews() {
    return {rated("five-4", 4, 5),      rated("five-5", 5, 5),
            rated("five-2", 2, 5),      rated("ten-8", 8, 10),
            rated("ten-10", 10, 10),    rated("ten-4", 4, 10),
            rated("ten-7", 7, 10),      rated("ten-9", 9, 10),
            rated("avg-3.87", 3.87, 5), rated("no-scale", 4, std::nullopt),
            rated("off-scale", 7, 5),   rated("unrated", std::nullopt, std::nullopt)};
}

void write_index(const std::string& path, const std::vector<Review>& rs,
                 const std::string& schema = "", bool range_terms = true) {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    AnalyzerSettings settings;
    settings.range_terms = range_terms;
    db.set_metadata(std::string(s::kMetaAnalyzer), settings.to_json());
    if (!schema.empty()) db.set_metadata(std::string(s::kMetaSchema), schema);
    indexer::DocumentBuilder builder{settings};
    for (const Review& r : rs) db.replace_document(s::id_term(r.id), builder.build(r));
    db.commit();
}

SearchRequest request(const std::string& query) {
    SearchRequest r;
    r.query = query;
    r.k = 100;
    return r;
}

std::set<std::string> ids(const SearchResult& result) {
    std::set<std::string> out;
    for (const Hit& h : result.hits) out.insert(h.review.id);
    return out;
}

using IdSet = std::set<std::string>;

}  // namespace

TEST_CASE("ratings out of 5 and out of 10 are filtered on one 0-5 scale", "[query]") {
    const bool range_terms = GENERATE(true, false);
    INFO((range_terms ? "ranges by terms" : "ranges by values"));
    TempDir dir;
    write_index(dir.file("db"), reviews(), "", range_terms);
    Searcher searcher(dir.file("db"));
    const auto find = [&](const std::string& q) { return ids(searcher.search(request(q))); };

    SECTION("rating:4..5 is 4 to 5 of 5 and 8 to 10 of 10") {
        CHECK(find("rating:4..5") == IdSet{"five-4", "five-5", "ten-8", "ten-9", "ten-10"});
    }
    SECTION("a 4 of 10, a 7 of 10 and a 3.87 of 5 are not in rating:4..5") {
        const IdSet high = find("rating:4..5");
        CHECK(high.count("ten-4") == 0);
        CHECK(high.count("ten-7") == 0);
        CHECK(high.count("avg-3.87") == 0);
    }
    SECTION("fractional ratings land where their share of the scale puts them") {
        CHECK(find("rating:3.5") == IdSet{"ten-7"});
        CHECK(find("rating:3.5..3.99") == IdSet{"ten-7", "avg-3.87"});
        CHECK(find("rating:..2") == IdSet{"five-2", "ten-4"});
    }
    SECTION("a rating with no scale, or outside its scale, is in no rating range") {
        const IdSet all = find("rating:0..5");
        CHECK(all.count("no-scale") == 0);
        CHECK(all.count("off-scale") == 0);
        CHECK(all.count("unrated") == 0);
        CHECK(all.size() == 9);
    }
}

TEST_CASE("sorting by rating orders every source on the one scale", "[query]") {
    TempDir dir;
    write_index(dir.file("db"), reviews());
    Searcher searcher(dir.file("db"));
    SearchRequest r = request("film");
    r.sort = SortOrder::Rating;
    std::vector<std::string> order;
    for (const Hit& h : searcher.search(r).hits) order.push_back(h.review.id);
    REQUIRE(order.size() == 12);
    // 5 (ties by id), 4.5, 4, 4, 3.87, 3.5, 2, 2; then the ratings no scale places, by id.
    const std::vector<std::string> rated_first(order.begin(), order.begin() + 9);
    CHECK(rated_first == std::vector<std::string>{"five-5", "ten-10", "ten-9", "five-4", "ten-8",
                                                  "avg-3.87", "ten-7", "five-2", "ten-4"});
    CHECK(std::set<std::string>(order.begin() + 9, order.end()) ==
          IdSet{"no-scale", "off-scale", "unrated"});
}

TEST_CASE("the rating facet counts half-star buckets of the one scale, each one a filter",
          "[query]") {
    const bool range_terms = GENERATE(true, false);
    INFO((range_terms ? "ranges by terms" : "ranges by values"));
    TempDir dir;
    write_index(dir.file("db"), reviews(), "", range_terms);
    Searcher searcher(dir.file("db"));
    SearchRequest r = request("film");
    r.facets = {"rating"};
    const SearchResult result = searcher.search(r);
    REQUIRE(result.facets.size() == 1);
    std::map<std::string, Xapian::doccount> counts(result.facets[0].values.begin(),
                                                   result.facets[0].values.end());
    SECTION("buckets hold the ratings from their start to the next half star") {
        if (range_terms) {
            // The index lists its ratings: a bucket of one value is named by it.
            CHECK(counts == std::map<std::string, Xapian::doccount>{
                                {"5", 2}, {"4.5", 1}, {"4", 2}, {"3.5..3.99", 2}, {"2", 2}});
        } else {
            CHECK(
                counts ==
                std::map<std::string, Xapian::doccount>{
                    {"5", 2}, {"4.5..4.99", 1}, {"4..4.49", 2}, {"3.5..3.99", 2}, {"2..2.49", 2}});
        }
    }
    SECTION("no bucket holds a rating without a usable scale") {
        Xapian::doccount total = 0;
        for (const auto& [value, n] : counts) total += n;
        CHECK(total == 9);
    }
    SECTION("each bucket, as a rating filter, selects exactly the reviews it counts") {
        for (const auto& [value, n] : counts) {
            INFO(value);
            CHECK(searcher.search(request("film rating:" + value)).hits.size() == n);
        }
    }
}

TEST_CASE("a hit keeps its rating as given beside the normalised one", "[query]") {
    TempDir dir;
    write_index(dir.file("db"), reviews());
    Searcher searcher(dir.file("db"));
    const SearchResult result = searcher.search(request("id:ten-7 OR id:no-scale"));
    REQUIRE(result.hits.size() == 2);
    for (const Hit& hit : result.hits) {
        const auto j = hit_json(hit, Highlight::None);
        if (hit.review.id == "ten-7") {
            CHECK(j["rating"] == 7);
            CHECK(j["rating_scale"] == 10);
            CHECK(j["rating_normalised"] == 3.5);
        } else {
            CHECK(j["rating"] == 4);
            CHECK(j["rating_scale"].is_null());
            CHECK(j["rating_normalised"].is_null());
        }
    }
}

TEST_CASE(
    "an index built before ratings were normalised refuses to filter, sort or count by rating",
    "[query]") {
    TempDir dir;
    write_index(dir.file("db"), reviews(), "1");
    Searcher searcher(dir.file("db"));
    SECTION("a rating filter is a query error naming the schema version") {
        try {
            (void)searcher.search(request("film rating:4..5"));
            FAIL("a rating filter was answered on mixed scales");
        } catch (const QueryError& e) {
            CHECK_THAT(e.what(), Catch::Contains("schema version 1"));
        }
    }
    SECTION("sorting by rating is refused") {
        SearchRequest r = request("film");
        r.sort = SortOrder::Rating;
        CHECK_THROWS_AS(searcher.search(r), UsageError);
    }
    SECTION("the rating facet is left out with a warning, and the other facets still count") {
        SearchRequest r = request("film");
        r.facets = {"rating", "category"};
        const SearchResult result = searcher.search(r);
        REQUIRE(result.facets.size() == 1);
        CHECK(result.facets[0].name == "category");
        REQUIRE(result.warnings.size() == 1);
        CHECK_THAT(result.warnings[0], Catch::Contains("schema version 1"));
    }
    SECTION("everything else is answered as before") {
        CHECK(searcher.search(request("film")).hits.size() == 12);
    }
}
