// Issue 17 point 8 and issue 22: the query cost budget. Each limit is shown firing past it and
// not firing up to it, and a query within the budget gets the answer Xapian's own wildcard
// expansion gives, to the score.
#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/packed_positions.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "query/query_budget.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

/// The i-th made-up word starting with `stem`: stem + two letters ("quab", "quac", ...). The
/// letters avoid endings the English stemmer strips, so each word is its own term.
std::string word(const std::string& stem, int i) {
    static const std::string kLetters = "bcdfghjklmnpqrtvwxz";
    return stem + kLetters[(i / 19) % 19] + kLetters[i % 19];
}

constexpr int kReviews = 120;

/// Review i's id. Built piecewise: g++ 12 -O3 warns falsely (-Wrestrict) on "literal" + string.
std::string id_of(int i) {
    std::string id = "r";
    id += std::to_string(1000 + i);
    return id;
}
constexpr int kQuWords = 40;  // words starting "qu" ... in the body of some reviews

/// Review i holds the qu-words 0..(i % kQuWords): word 0 in every review, word 39 in three,
/// so the words' frequencies all differ; half the reviews also hold "kestrel", a third
/// "lantern", and each review "meadow" once.
std::vector<Review> reviews() {
    std::vector<Review> rs;
    for (int i = 0; i < kReviews; ++i) {
        Review r;
        r.id = id_of(i);
        r.title = "Notes " + std::to_string(i);
        std::string body = "meadow";
        for (int w = 0; w <= i % kQuWords; ++w) {
            body += ' ';
            body += word("qu", w);
        }
        if (i % 2 == 0) body += " kestrel";
        if (i % 3 == 0) body += " lantern";
        body += " ends here.";
        r.body = body;
        rs.push_back(std::move(r));
    }
    return rs;
}

struct Fixture {
    TempDir dir;
    std::string path = dir.file("db");
    Fixture() {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
        db.set_metadata(std::string(s::kMetaAnalyzer), AnalyzerSettings{}.to_json());
        indexer::DocumentBuilder builder{AnalyzerSettings{}};
        for (const Review& r : reviews()) db.replace_document(s::id_term(r.id), builder.build(r));
        db.commit();
    }
};

SearchRequest request(const std::string& q) {
    SearchRequest r;
    r.query = q;
    r.k = 1000;
    r.snippets = false;
    r.suggest = false;
    return r;
}

std::vector<std::string> ids(const SearchResult& result) {
    std::vector<std::string> out;
    for (const Hit& h : result.hits) out.push_back(h.review.id);
    return out;
}

/// The reviews holding word `w` of the qu-words: those with i % kQuWords >= w.
std::vector<std::string> holders(int w) {
    std::vector<std::string> out;
    for (int i = 0; i < kReviews; ++i) {
        if (i % kQuWords >= w) out.push_back(id_of(i));
    }
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("A wildcard query within the budget gets the answer of Xapian's own expansion",
          "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const SearchResult result = searcher.search(request("qu*"));
    CHECK(result.notices.empty());

    // The reference: Xapian's wildcards over the body and the title, unlimited, as a synonym
    // (what QueryParser builds for the default field), with the searcher's weighting.
    Xapian::Database db(f.path);
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_SYNONYM,
                                    Xapian::Query(Xapian::Query::OP_WILDCARD, "qu"),
                                    Xapian::Query(Xapian::Query::OP_WILDCARD, "Squ")));
    const auto weight = SearchRequest{}.weighting.make();
    enquire.set_weighting_scheme(*weight);
    enquire.set_sort_by_relevance_then_value(s::kIdSlot, false);
    const Xapian::MSet expected = enquire.get_mset(0, 1000, db.get_doccount());

    REQUIRE(result.hits.size() == expected.size());
    REQUIRE(result.hits.size() == static_cast<std::size_t>(kReviews));
    std::size_t i = 0;
    for (auto it = expected.begin(); it != expected.end(); ++it, ++i) {
        INFO("rank " << i + 1);
        CHECK(result.hits[i].review.id == it.get_document().get_value(s::kIdSlot));
        CHECK(result.hits[i].score == Approx(it.get_weight()).epsilon(1e-12));
    }
    CHECK(result.total.exact());
    CHECK(result.total.lower == expected.get_matches_estimated());
}

TEST_CASE("A wildcard repeated 250 times is expanded and searched once", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    std::string repeated;
    for (int i = 0; i < 250; ++i) repeated += "qu* ";
    REQUIRE(repeated.size() <= QueryBudget{}.max_query_bytes);
    const SearchResult once = searcher.search(request("qu*"));
    const SearchResult many = searcher.search(request(repeated));
    CHECK(many.notices.empty());
    CHECK(ids(many) == ids(once));
    REQUIRE(many.hits.size() == once.hits.size());
    for (std::size_t i = 0; i < once.hits.size(); ++i)
        CHECK(many.hits[i].score == Approx(once.hits[i].score));

    SECTION("repeats under AND are one pattern too, and the query still needs its other word") {
        const SearchResult both = searcher.search(request("qu* AND qu* AND kestrel"));
        CHECK(both.hits.size() == static_cast<std::size_t>(kReviews / 2));
    }
}

TEST_CASE("Past the wildcard budget a pattern keeps its most frequent words, and says so",
          "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    const std::string rarest = word("qu", kQuWords - 1);
    // Only reviews with i % 40 == 39 hold the rarest word; the first word is in every review.
    SearchRequest r = request("qu* AND " + rarest);

    SECTION("within the budget, reviews holding only rare qu-words match") {
        const SearchResult full = searcher.search(r);
        CHECK(full.notices.empty());
        CHECK(ids(full).size() == holders(kQuWords - 1).size());
    }
    SECTION(
        "with a budget of 10 words, the most frequent are kept and a notice names the pattern") {
        r.budget.max_wildcard_terms = 10;
        const SearchResult cut = searcher.search(request("qu*"));  // default budget: no notice
        CHECK(cut.notices.empty());
        SearchRequest small = request("qu*");
        small.budget.max_wildcard_terms = 10;
        const SearchResult limited = searcher.search(small);
        REQUIRE(limited.notices.size() == 1);
        CHECK_THAT(limited.notices[0], Catch::StartsWith("qu* matches 40 index terms"));
        CHECK_THAT(limited.notices[0], Catch::Contains("searches the 10 most frequent"));
        // Word 0 (the most frequent) is kept: every review still matches.
        CHECK(limited.hits.size() == static_cast<std::size_t>(kReviews));
        // The rarest word is not: the query that needs it through the wildcard finds nothing
        // more than the plain word does.
        SearchRequest rare = request("qu* AND NOT " + word("qu", 0));
        rare.budget.max_wildcard_terms = 10;
        CHECK(searcher.search(rare).hits.empty());
        SearchRequest rare_full = request("qu* AND NOT " + word("qu", 0));
        CHECK(searcher.search(rare_full).hits.empty());  // every review holds word 0
    }
    SECTION("two patterns share the budget, and one that needs little keeps all it has") {
        SearchRequest two = request("qu* lant*");
        two.budget.max_wildcard_terms = 11;
        const SearchResult shared = searcher.search(two);
        // lant* is one word: it keeps it, and qu* gets the other 10 of the 11.
        REQUIRE(shared.notices.size() == 1);
        CHECK_THAT(shared.notices[0], Catch::Contains("qu* matches 40"));
        CHECK_THAT(shared.notices[0], Catch::Contains("the 10 most frequent"));
    }
}

TEST_CASE("Past the cost budget a query is refused, and up to it the query runs", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    // meadow is in every review, in the body: a leaf for the body and one for the title.
    SearchRequest r = request("meadow");
    r.budget.max_cost = kReviews;
    SECTION("exactly the cost allowed: the query runs") {
        CHECK(searcher.search(r).hits.size() == static_cast<std::size_t>(kReviews));
    }
    SECTION("more than allowed: a QueryError naming the option") {
        r.query = "meadow kestrel";
        try {
            (void)searcher.search(r);
            FAIL("no QueryError");
        } catch (const QueryError& e) {
            CHECK_THAT(e.what(), Catch::Contains("--max-query-cost"));
            CHECK_THAT(e.what(), Catch::Contains(std::to_string(kReviews + kReviews / 2)));
        }
    }
    SECTION("wildcards get what the plain words leave, and are cut to it with a notice") {
        r.query = "meadow OR qu*";
        r.budget.max_cost = kReviews + 3 * kReviews;
        const SearchResult cut = searcher.search(r);
        REQUIRE(cut.notices.size() == 1);
        CHECK_THAT(cut.notices[0], Catch::Contains("qu* matches 40"));
    }
}

TEST_CASE("Phrase checks stop at the budget with a notice and a count that says so", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    // "meadow" is always followed by a qu-word, so the 60 reviews with both words are checked
    // and none holds the phrase. The words cost 120 + 60 postings; each check 40 + 8 x 2, and
    // a review is checked twice (the default field: the phrase in the body, then the title).
    // The candidates: the 60 reviews with kestrel, the rarer word, in the body (the title
    // phrase has none).
    const std::uint64_t words = kReviews + kReviews / 2 + 60 * QueryBudget::kPhraseCandidateCost;
    const std::uint64_t check =
        QueryBudget::kPhraseCheckCost + 2 * QueryBudget::kPhraseCheckPerWord;
    SearchRequest r = request("\"meadow kestrel\"");
    SECTION("with room for every check, nothing matches, exactly") {
        r.budget.max_cost = words + 2 * 60 * check;
        const SearchResult all = searcher.search(r);
        CHECK(all.notices.empty());
        CHECK(all.hits.empty());
        CHECK(all.total.exact());
        CHECK(all.total.upper == 0);
    }
    SECTION(
        "with room for 10 checks, 5 reviews are checked, 55 are not, and the count is a range") {
        r.budget.max_cost = words + 10 * check;
        const SearchResult cut = searcher.search(r);
        REQUIRE(cut.notices.size() == 1);
        CHECK_THAT(cut.notices[0], Catch::Contains("after 5 reviews; 55 more were not checked"));
        CHECK_FALSE(cut.total.exact());
        CHECK(cut.total.lower == 0);
        CHECK(cut.total.upper >= 55);
    }
    SECTION("a phrase that holds is found whole within the budget") {
        SearchRequest held = request("\"kestrel lantern\"");  // adjacent when i % 6 == 0
        const SearchResult found = searcher.search(held);
        CHECK(found.notices.empty());
        CHECK(found.hits.size() == static_cast<std::size_t>(kReviews / 6));
        CHECK(found.total.exact());
    }
}

TEST_CASE("The term, phrase, depth and length limits fire just past their values", "[query]") {
    Fixture f;
    Searcher searcher(f.path);
    SECTION("terms: each word of the default field counts once when titles are in it") {
        // The fixture is built with the default layout, titles in the default field, so a
        // word is one term (on an index with titles apart, body and title make it two).
        SearchRequest r = request("meadow kestrel");
        r.budget.max_terms = 2;
        CHECK_NOTHROW(searcher.search(r));
        r.query = "meadow kestrel lantern";
        CHECK_THROWS_WITH(searcher.search(r), Catch::Contains("more than 2 terms"));
    }
    SECTION("phrase words") {
        SearchRequest r = request("\"meadow qubb qubc\"");
        r.budget.max_phrase_words = 3;
        CHECK_NOTHROW(searcher.search(r));
        r.query = "\"meadow qubb qubc qubd\"";
        CHECK_THROWS_WITH(searcher.search(r), Catch::Contains("4 words, more than 3"));
    }
    SECTION("nesting depth") {
        std::string deep = "meadow";
        for (int i = 0; i < 20; ++i)
            deep = "kestrel " + std::string(i % 2 ? "AND" : "OR") + " (" + deep + ")";
        SearchRequest r = request(deep);
        CHECK_NOTHROW(searcher.search(r));
        r.budget.max_depth = 8;
        CHECK_THROWS_WITH(searcher.search(r), Catch::Contains("deeper than 8 levels"));
    }
    SECTION("query length in bytes") {
        SearchRequest r = request(std::string(1024 - 7, ' ') + "meadow ");
        REQUIRE(r.query.size() == 1024);
        CHECK_NOTHROW(searcher.search(r));
        r.query += "x";
        CHECK_THROWS_WITH(searcher.search(r), Catch::Contains("1025 bytes, longer than 1024"));
    }
    SECTION("a budget error is a QueryError, which the CLI and the server report as a bad query") {
        SearchRequest r = request("meadow kestrel lantern");
        r.budget.max_terms = 2;
        CHECK_THROWS_AS(searcher.search(r), QueryError);
    }
}

TEST_CASE(
    "NEAR over the same word many times needs that many occurrences, found without "
    "trying every assignment",
    "[query]") {
    // Regression (issue 22): `good NEAR/99999 good NEAR ...` searched every assignment of
    // positions to its words, which grows exponentially. The matcher now pairs words with
    // positions by augmenting paths.
    const auto packed_with = [](int occurrences, int gap) {
        std::vector<std::uint32_t> numbers;
        for (int i = 0; i < occurrences; ++i) {
            numbers.push_back(1);  // the word ranked 1
            for (int g = 0; g < gap; ++g) numbers.push_back(2);
        }
        return positions::encode(numbers,
                                 {positions::word_hash("good"), positions::word_hash("film")});
    };
    const std::vector<std::vector<std::uint32_t>> twenty(20, std::vector<std::uint32_t>{1});
    SECTION("19 occurrences cannot fill 20 slots, whatever the window") {
        const std::string packed = packed_with(19, 1);
        CHECK_FALSE(positions::PackedDocument(packed).matches(twenty, 99999, false));
    }
    SECTION("20 occurrences fill them when the window holds them all") {
        const std::string packed = packed_with(20, 1);
        CHECK(positions::PackedDocument(packed).matches(twenty, 99999, false));
        CHECK(positions::PackedDocument(packed).matches(twenty, 40, false));
        // 20 occurrences two apart span 39 positions: a window of 38 cannot hold them.
        CHECK_FALSE(positions::PackedDocument(packed).matches(twenty, 38, false));
    }
    SECTION("a phrase of the word twenty times needs twenty in a row") {
        CHECK(positions::PackedDocument(packed_with(20, 0)).matches(twenty, 20, true));
        CHECK_FALSE(positions::PackedDocument(packed_with(20, 1)).matches(twenty, 20, true));
        CHECK(positions::PackedDocument(packed_with(20, 1)).matches(twenty, 99999, true));
    }
    SECTION("shared words with alternatives: (good OR film) NEAR good") {
        const std::vector<std::vector<std::uint32_t>> slots{{1, 2}, {1}};
        CHECK(positions::PackedDocument(packed_with(1, 1)).matches(slots, 5, false));
        std::vector<std::uint32_t> one{1};
        const std::string one_good = positions::encode(one, {positions::word_hash("good")});
        CHECK_FALSE(positions::PackedDocument(one_good).matches(slots, 5, false));
    }
}
