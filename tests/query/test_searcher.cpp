#include "query/searcher.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "query/highlighter.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

Review make(const std::string& id, const std::string& title, const std::string& reviewer,
            const std::string& date, std::optional<double> rating, const std::string& category,
            const std::string& body) {
    Review r;
    r.id = id;
    r.title = title;
    r.reviewer = reviewer;
    r.date = date;
    r.rating = rating;
    r.rating_scale = 5;
    r.category = category;
    r.body = body;
    return r;
}

std::string long_filler() {
    std::string out;
    for (int i = 0; i < 12; ++i) {
        out += "Shelves of cups and saucers line the shop, and the owner talks about clay. ";
    }
    return out;
}

/// The reviews every searcher test runs on. "b" is written before "a", so Xapian's docids
/// order them the opposite way to their ids.
std::vector<Review> reviews() {
    std::vector<Review> rs;
    rs.push_back(make("teapot-deep", "The Teapot Diaries", "Mira Okafor", "2019-03-14", 4,
                      "Kitchen",
                      "Teapot after teapot: this teapot pours cleanly and the teapot lid stays put."));
    rs.back().topics = {"tea rituals"};
    rs.back().product = "stoneware teapot";
    rs.push_back(make("kettle-mention", "Kettle Round-Up", "Daniel Reyes", "2016", 3, "Kitchen",
                      long_filler() + "One shelf held a teapot. " + long_filler()));
    rs.push_back(make("night-shift", "Notes From the Night Shift", "Tamara Hill", "2016-05-17", 5,
                      "Books",
                      "A hospice nurse writes about compassion fatigue with honesty. She walked "
                      "the orchard after each shift."));
    rs.back().topics = {"compassion fatigue", "grief"};
    rs.back().product = "memoir";
    rs.push_back(make("garden-year", "A Year in the Orchard Garden", "Sam Hillman", "2015-11", 4.5,
                      "Books", "Gardening through four seasons, with plenty of mud."));
    rs.push_back(make("late-review", "Humming Along", "Ana Smith", "2016-07-01", 2, "Music",
                      "The album hums along pleasantly but never surprises."));
    rs.push_back(make("b", "Twin", "Lee Park", "2018-01-01", 3, "Crafts",
                      "Identical words about paper lanterns."));
    rs.push_back(make("a", "Twin", "Lee Park", "2018-01-01", 3, "Crafts",
                      "Identical words about paper lanterns."));
    return rs;
}

/// Writes `rs` into a glass database at `path` as the indexer does, analyzer metadata included.
void write_index(const std::string& path, const std::vector<Review>& rs) {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    db.set_metadata(std::string(s::kMetaAnalyzer), AnalyzerSettings{}.to_json());
    indexer::DocumentBuilder builder{AnalyzerSettings{}};
    for (const Review& r : rs) db.replace_document(s::id_term(r.id), builder.build(r));
    db.commit();
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

SearchRequest request(const std::string& query) {
    SearchRequest r;
    r.query = query;
    r.k = 100;
    return r;
}

using Ids = std::vector<std::string>;
using IdSet = std::set<std::string>;

/// A test database built once per test case.
struct Fixture {
    TempDir dir;
    std::string path = dir.file("db");
    Fixture() { write_index(path, reviews()); }
};

}  // namespace

TEST_CASE("BM25 ranks the most relevant review first", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const SearchResult result = searcher.search(request("teapot"));

    SECTION("the review about teapots comes before the one that mentions a teapot once") {
        CHECK(ids_of(result) == Ids{"teapot-deep", "kettle-mention"});
        REQUIRE(result.hits.size() == 2);
        CHECK(result.hits[0].score > result.hits[1].score);
        CHECK(result.hits[1].score > 0);
    }
    SECTION("ranks count from 1 and the total is the exact number of matches") {
        REQUIRE(result.hits.size() == 2);
        CHECK(result.hits[0].rank == 1);
        CHECK(result.hits[1].rank == 2);
        CHECK(result.total.exact());
        CHECK(result.total.lower == 2);
    }
    SECTION("hits carry the stored review and a marked snippet") {
        REQUIRE_FALSE(result.hits.empty());
        const Hit& top = result.hits[0];
        CHECK(top.review.title == "The Teapot Diaries");
        CHECK(top.review.reviewer == "Mira Okafor");
        CHECK(top.review.rating == 4);
        CHECK_THAT(render(top.snippet, Highlight::Plain), Catch::Contains("[teapot]"));
        CHECK(result.terms == std::vector<std::string>{"teapot"});
    }
    SECTION("snippets can be left out") {
        SearchRequest r = request("teapot");
        r.snippets = false;
        const SearchResult plain = searcher.search(r);
        REQUIRE_FALSE(plain.hits.empty());
        CHECK(plain.hits[0].snippet.empty());
    }
    SECTION("a word in no review finds nothing") {
        const SearchResult none = searcher.search(request("xylophone"));
        CHECK(none.hits.empty());
        CHECK(none.total.exact());
        CHECK(none.total.upper == 0);
    }
}

TEST_CASE("fielded queries search only their field", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    auto find = [&](const std::string& q) { return id_set(searcher.search(request(q))); };

    SECTION("title: searches titles only") {
        CHECK(find("title:orchard") == IdSet{"garden-year"});
        CHECK(find("title:teapot") == IdSet{"teapot-deep"});
    }
    SECTION("body: searches bodies only") {
        CHECK(find("body:orchard") == IdSet{"night-shift"});
        CHECK(find("orchard") == IdSet{"night-shift", "garden-year"});
    }
    SECTION("reviewer: matches words of the reviewer's name") {
        CHECK(find("reviewer:hill") == IdSet{"night-shift"});
        CHECK(find("reviewer:tamara") == IdSet{"night-shift"});
        CHECK(find("reviewer:hillman") == IdSet{"garden-year"});
        CHECK(find("reviewer:smith") == IdSet{"late-review"});
        CHECK(find("hill").empty());
    }
    SECTION("by: matches the reviewer's whole name only") {
        CHECK(find("by:\"tamara hill\"") == IdSet{"night-shift"});
        CHECK(find("by:\"TAMARA  Hill\"") == IdSet{"night-shift"});
        CHECK(find("by:hill").empty());
    }
    SECTION("topic: matches a topic whatever its case") {
        CHECK(find("topic:\"Compassion Fatigue\"") == IdSet{"night-shift"});
        CHECK(find("topic:grief") == IdSet{"night-shift"});
        CHECK(find("topic:compassion").empty());
    }
    SECTION("category: matches the category") {
        CHECK(find("category:books") == IdSet{"night-shift", "garden-year"});
        CHECK(find("category:Kitchen") == IdSet{"teapot-deep", "kettle-mention"});
    }
    SECTION("product: matches words of the product") {
        CHECK(find("product:memoir") == IdSet{"night-shift"});
    }
    SECTION("id: finds one review by its exact id") {
        CHECK(find("id:night-shift") == IdSet{"night-shift"});
        CHECK(find("id:a") == IdSet{"a"});
        CHECK(find("id:Night-Shift").empty());
    }
    SECTION("fields combine with words") {
        CHECK(find("orchard category:books") == IdSet{"night-shift", "garden-year"});
        CHECK(find("orchard AND reviewer:hill") == IdSet{"night-shift"});
        CHECK(find("orchard NOT reviewer:hill") == IdSet{"garden-year"});
    }
}

TEST_CASE("date and rating ranges select reviews, partial dates included", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    auto find = [&](const std::string& q) { return id_set(searcher.search(request(q))); };

    SECTION("a review dated \"2016\" and one dated \"2015-11\" are inside 2015..2016-06") {
        CHECK(find("date:2015..2016-06") == IdSet{"garden-year", "kettle-mention", "night-shift"});
    }
    SECTION("a review dated 2016-07-01 is outside 2015..2016-06 and inside 2016-07..") {
        CHECK(find("date:2016-07..") == IdSet{"late-review", "a", "b", "teapot-deep"});
    }
    SECTION("open lower ends include everything up to the end of the period") {
        CHECK(find("date:..2015") == IdSet{"garden-year"});
    }
    SECTION("rating:4..5 selects ratings from 4 to 5") {
        CHECK(find("rating:4..5") == IdSet{"teapot-deep", "night-shift", "garden-year"});
        CHECK(find("rating:..2") == IdSet{"late-review"});
    }
    SECTION("ranges filter word queries") {
        CHECK(find("teapot date:2019..") == IdSet{"teapot-deep"});
        CHECK(find("teapot rating:..3") == IdSet{"kettle-mention"});
    }
}

TEST_CASE("results sort by date or rating with ties broken by id", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    SearchRequest r = request("date:1900..");

    SECTION("by date, newest first, and equal dates in id order") {
        r.sort = SortOrder::Date;
        CHECK(ids_of(searcher.search(r)) == Ids{"teapot-deep", "a", "b", "late-review",
                                                "night-shift", "kettle-mention", "garden-year"});
    }
    SECTION("by rating, highest first, and equal ratings in id order") {
        r.sort = SortOrder::Rating;
        CHECK(ids_of(searcher.search(r)) == Ids{"night-shift", "garden-year", "teapot-deep", "a",
                                                "b", "kettle-mention", "late-review"});
    }
    SECTION("sort names parse, and unknown ones are a usage error") {
        CHECK(parse_sort("relevance") == SortOrder::Relevance);
        CHECK(parse_sort("date") == SortOrder::Date);
        CHECK(parse_sort("rating") == SortOrder::Rating);
        CHECK_THROWS_AS(parse_sort("newest"), UsageError);
    }
}

TEST_CASE("equal scores are ranked by external id, not by docid", "[query]") {
    Fixture f;
    {
        // The premise: "b" has the smaller docid, so docid order would put it first.
        const Xapian::Database db(f.path);
        const Xapian::docid b = *db.postlist_begin(s::id_term("b"));
        const Xapian::docid a = *db.postlist_begin(s::id_term("a"));
        REQUIRE(b < a);
    }
    Searcher searcher(f.path);
    const SearchResult result = searcher.search(request("lanterns"));
    REQUIRE(result.hits.size() == 2);
    CHECK(result.hits[0].score == result.hits[1].score);
    CHECK(ids_of(result) == Ids{"a", "b"});
}

TEST_CASE("offset pages through the ranking", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    SearchRequest all = request("date:1900..");
    all.sort = SortOrder::Date;
    const Ids full = ids_of(searcher.search(all));
    REQUIRE(full.size() == 7);

    SearchRequest page = all;
    page.k = 2;
    page.offset = 2;
    const SearchResult second = searcher.search(page);
    REQUIRE(second.hits.size() == 2);
    CHECK(second.hits[0].review.id == full[2]);
    CHECK(second.hits[1].review.id == full[3]);
    CHECK(second.hits[0].rank == 3);
    CHECK(second.hits[1].rank == 4);

    page.offset = 6;
    const SearchResult last = searcher.search(page);
    REQUIRE(last.hits.size() == 1);
    CHECK(last.hits[0].review.id == full[6]);
    CHECK(last.hits[0].rank == 7);

    page.offset = 50;
    CHECK(searcher.search(page).hits.empty());
}

TEST_CASE("BM25 parameters change the scores", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    auto scores = [&](double k1, double b) {
        SearchRequest r = request("teapot");
        r.weighting.params["k1"] = k1;
        r.weighting.params["b"] = b;
        const SearchResult result = searcher.search(r);
        REQUIRE(ids_of(result) == Ids{"teapot-deep", "kettle-mention"});
        return std::make_pair(result.hits[0].score, result.hits[1].score);
    };
    const auto base = scores(1.0, 0.5);

    SECTION("a larger k1 rewards repeated words more") {
        const auto high_k1 = scores(2.0, 0.5);
        CHECK(high_k1.first != Approx(base.first));
        CHECK(high_k1.first / high_k1.second > base.first / base.second);
    }
    SECTION("a larger b penalises the long review more") {
        const auto no_b = scores(1.0, 0.0);
        const auto full_b = scores(1.0, 1.0);
        CHECK(no_b.second != Approx(full_b.second));
        CHECK(no_b.second > full_b.second);
    }
    SECTION("the same parameters give the same scores") {
        const auto again = scores(1.0, 0.5);
        CHECK(again.first == base.first);
        CHECK(again.second == base.second);
    }
}

TEST_CASE("parse modes and default AND change what a query means", "[query]") {
    Fixture f;
    Searcher searcher(f.path);

    SECTION("syntax errors throw QueryError") {
        CHECK_THROWS_AS(searcher.search(request("AND")), QueryError);
        CHECK_THROWS_AS(searcher.search(request("teapot OR")), QueryError);
    }
    SECTION("plain parsing reads syntax as words") {
        SearchRequest r = request("AND ( teapot ) OR\"");
        r.parse = ParseMode::Plain;
        SearchResult result;
        REQUIRE_NOTHROW(result = searcher.search(r));
        CHECK(id_set(result) == IdSet{"teapot-deep", "kettle-mention"});
    }
    SECTION("default AND requires every word") {
        SearchRequest r = request("teapot lid");
        CHECK(id_set(searcher.search(r)) == IdSet{"teapot-deep", "kettle-mention"});
        r.default_and = true;
        CHECK(id_set(searcher.search(r)) == IdSet{"teapot-deep"});
    }
}

TEST_CASE("fetch returns a review by its id", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const auto review = searcher.fetch("night-shift");
    REQUIRE(review);
    CHECK(review->title == "Notes From the Night Shift");
    CHECK(review->reviewer == "Tamara Hill");
    CHECK(review->date == "2016-05-17");
    CHECK(review->topics == std::vector<std::string>{"compassion fatigue", "grief"});
    CHECK(review->body.find("orchard after each shift.") != std::string::npos);
    CHECK_FALSE(searcher.fetch("no-such-review"));
    CHECK_FALSE(searcher.fetch("Night-Shift"));
    CHECK(searcher.doc_count() == 7);
}

TEST_CASE("a searcher refuses a path without a database", "[query]") {
    TempDir dir;
    CHECK_THROWS_AS(Searcher(dir.file("missing")), IndexError);
}

namespace {

/// A filler review with many terms of its own, so the index's B-trees get several levels and
/// a reader cannot keep everything it needs in its cached blocks.
Review filler_review(int i, bool renewed) {
    std::string body = "fill" + std::to_string(i);
    if (renewed) {
        body += " lanterns renewed" + std::to_string(i);
    } else {
        body += " common" + std::to_string(i % 10);
    }
    for (int w = 0; w < 20; ++w) body += " word" + std::to_string(i) + "x" + std::to_string(w);
    Review r = make("fill-" + std::to_string(i), "Filler " + std::to_string(i), "", "2010-01-01",
                    std::nullopt, "", body);
    return r;
}

}  // namespace

TEST_CASE("a searcher keeps working while a writer commits underneath", "[query][slow]") {
    constexpr int kFillers = 1500;
    constexpr int kCommits = 10;
    TempDir dir;
    const std::string path = dir.file("db");
    std::vector<Review> rs = reviews();
    for (int i = 0; i < kFillers; ++i) rs.push_back(filler_review(i, false));
    write_index(path, rs);

    Searcher searcher(path);
    REQUIRE(searcher.search(request("teapot")).hits.size() == 2);
    // A plain reader of the same revision, not yet read from: it shows whether the old revision
    // is still readable after the commits. When it is not, a searcher that did not reopen
    // would fail with DatabaseModifiedError.
    Xapian::Database raw(path);

    {
        Xapian::WritableDatabase writer(path, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        indexer::DocumentBuilder builder{AnalyzerSettings{}};
        const int per_commit = kFillers / kCommits;
        for (int c = 0; c < kCommits; ++c) {
            for (int i = c * per_commit; i < (c + 1) * per_commit; ++i) {
                const Review r = filler_review(i, true);
                writer.replace_document(s::id_term(r.id), builder.build(r));
            }
            writer.commit();
        }
    }

    bool raw_broken = false;
    try {
        Xapian::Enquire enquire(raw);
        enquire.set_query(Xapian::Query("common3"));
        const Xapian::MSet mset = enquire.get_mset(0, 5000);
        for (auto it = mset.begin(); it != mset.end(); ++it) (void)it.get_document().get_data();
    } catch (const Xapian::DatabaseModifiedError&) {
        raw_broken = true;
    }
    INFO("old revision unreadable: " << raw_broken);

    SearchRequest r = request("common3");
    r.k = 5000;
    SearchResult common;
    REQUIRE_NOTHROW(common = searcher.search(r));
    r.query = "lanterns";
    SearchResult lanterns;
    REQUIRE_NOTHROW(lanterns = searcher.search(r));
    INFO("common3: " << common.hits.size() << " hits, lanterns: " << lanterns.hits.size());

    SECTION("the results come from the old revision or the new one, never a mixture") {
        const bool stale = common.hits.size() == kFillers / 10 && lanterns.hits.size() == 2;
        const bool fresh = common.hits.empty() && lanterns.hits.size() == kFillers + 2;
        CHECK((stale || fresh));
        for (const Hit& h : lanterns.hits) CHECK_FALSE(h.review.id.empty());
    }
    SECTION("when the old revision is gone, the searcher reopens and sees the new one") {
        if (raw_broken) {
            CHECK(common.hits.empty());
            CHECK(lanterns.hits.size() == kFillers + 2);
        } else {
            WARN("the old revision was still readable; the reopen path was not exercised");
        }
    }
    SECTION("fetch works after the commits") {
        const auto fetched = searcher.fetch("fill-7");
        REQUIRE(fetched);
        CHECK(fetched->id == "fill-7");
        CHECK(searcher.search(request("teapot")).hits.size() == 2);
    }
}

TEST_CASE("ids-only results are the full results without the records", "[query][regression]") {
    // Issue 5: a TREC run needs only ids; ids_only reads them without decoding stored records.
    Fixture f;
    Searcher searcher(f.path);
    const auto check_same_ranking = [&](SearchRequest r) {
        INFO("query: " << r.query);
        const SearchResult full = searcher.search(r);
        r.ids_only = true;
        const SearchResult ids = searcher.search(r);
        REQUIRE(ids.hits.size() == full.hits.size());
        CHECK(ids.total.lower == full.total.lower);
        CHECK(ids.total.upper == full.total.upper);
        for (std::size_t i = 0; i < full.hits.size(); ++i) {
            CHECK(ids.hits[i].review.id == full.hits[i].review.id);
            CHECK(ids.hits[i].score == full.hits[i].score);
            CHECK(ids.hits[i].rank == full.hits[i].rank);
            CHECK(ids.hits[i].snippet.empty());
            CHECK(ids.hits[i].review.title.empty());
        }
        return full.hits.size();
    };

    SECTION("ids, scores and ranks are those of the full request, in every sort order") {
        std::size_t seen = 0;
        for (const SortOrder sort : {SortOrder::Relevance, SortOrder::Date, SortOrder::Rating}) {
            for (const char* q : {"teapot", "lanterns", "date:1900..", "\"compassion fatigue\"",
                                  "shelf OR orchard", "title:twin", "hum*"}) {
                SearchRequest r = request(q);
                r.sort = sort;
                seen += check_same_ranking(r);
            }
        }
        CHECK(seen > 30);
    }
    SECTION("with an offset, AND and field weights too") {
        SearchRequest r = request("date:1900..");
        r.offset = 2;
        r.k = 3;
        CHECK(check_same_ranking(r) == 3);
        r = request("paper lanterns");
        r.default_and = true;
        r.field_weights = {{"title", 2.0}};
        CHECK(check_same_ranking(r) == 2);
    }
    SECTION("a document without the id slot gets its id from its record") {
        {
            Xapian::WritableDatabase db(f.path, Xapian::DB_OPEN);
            const Xapian::docid did = *db.postlist_begin(s::id_term("garden-year"));
            Xapian::Document doc = db.get_document(did);
            doc.remove_value(s::kIdSlot);
            db.replace_document(did, doc);
            db.commit();
        }
        Searcher fresh(f.path);
        SearchRequest r = request("orchard");
        r.ids_only = true;
        CHECK(id_set(fresh.search(r)) == IdSet{"garden-year", "night-shift"});
        r.sort = SortOrder::Date;
        CHECK(id_set(fresh.search(r)) == IdSet{"garden-year", "night-shift"});
    }
}

TEST_CASE("snippets do not depend on the queries a searcher answered before",
          "[query][regression]") {
    // Issue 5: the searcher keeps the stems of the words it has seen across queries.
    Fixture f;
    Searcher warm(f.path);
    const std::vector<std::string> queries = {"teapot", "compassion fatigue", "orchard walked",
                                              "lanterns", "hum*", "title:twin paper", "shelf"};
    for (const std::string& q : queries) (void)warm.search(request(q));
    for (const std::string& q : queries) {
        Searcher cold(f.path);
        const SearchResult a = warm.search(request(q));
        const SearchResult b = cold.search(request(q));
        REQUIRE(a.hits.size() == b.hits.size());
        for (std::size_t i = 0; i < a.hits.size(); ++i) {
            INFO("query: " << q << ", hit " << i);
            CHECK(a.hits[i].snippet == b.hits[i].snippet);
        }
    }
}
