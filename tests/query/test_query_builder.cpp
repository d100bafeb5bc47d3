#include "query/query_builder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"

using namespace revsearch;
using revsearch::query::highlight_terms;
using revsearch::query::ParseMode;
using revsearch::query::QueryBuilder;
namespace s = revsearch::schema;

namespace {

std::set<std::string> terms_of(const Xapian::Query& q) {
    return {q.get_unique_terms_begin(), q.get_unique_terms_end()};
}

/// An in-memory index of reviews that differ only in date and rating, to run range queries on.
class RangeIndex {
public:
    /// With `range_terms`, dates and ratings are also terms (common/range_terms.hpp).
    explicit RangeIndex(bool range_terms = true) : db_(std::string(), Xapian::DB_BACKEND_INMEMORY) {
        settings_.range_terms = range_terms;
        db_.set_metadata(std::string(s::kMetaAnalyzer), settings_.to_json());
        indexer::DocumentBuilder builder{settings_};
        auto add = [&](const std::string& id, const std::string& date, std::optional<double> rating) {
            Review r;
            r.id = id;
            r.body = "ranged review";
            r.date = date;
            r.rating = rating;
            r.rating_scale = 5;
            db_.add_document(builder.build(r));
        };
        add("d2014-12-31", "2014-12-31", 1);
        add("d2015", "2015", 2);
        add("d2015-03-02", "2015-03-02", 3);
        add("d2016", "2016", 4);
        add("d2016-06-30", "2016-06-30", 4.5);
        add("d2016-07-01", "2016-07-01", 5);
        add("d2017-01", "2017-01", 5);
        add("undated", "", std::nullopt);
        db_.commit();
    }

    [[nodiscard]] const Xapian::Database& db() const { return db_; }
    [[nodiscard]] const AnalyzerSettings& settings() const { return settings_; }

    /// The ids of every document matching `q`, sorted.
    [[nodiscard]] std::vector<std::string> ids(const Xapian::Query& q) const {
        Xapian::Enquire enquire(db_);
        enquire.set_query(q);
        std::vector<std::string> out;
        const Xapian::MSet mset = enquire.get_mset(0, db_.get_doccount());
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            out.push_back(it.get_document().get_value(s::kIdSlot));
        }
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    AnalyzerSettings settings_;
    Xapian::WritableDatabase db_;
};

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("query fields map to the schema's terms", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);

    SECTION("a word without a field searches the default field's terms, stemmed") {
        // A new index has the title's words among them (AnalyzerSettings::title_in_default),
        // so the word is one term, not one for the body and one for the title.
        const auto terms = terms_of(builder.parse("gardening"));
        CHECK(terms == std::set<std::string>{"garden"});
    }
    SECTION(
        "on an index with the titles under S only, a word without a field searches body and "
        "title") {
        AnalyzerSettings separate;
        separate.title_in_default = false;
        const Analyzer old_layout(separate);
        QueryBuilder old_builder(old_layout, db);
        CHECK(terms_of(old_builder.parse("gardening")) ==
              std::set<std::string>{"garden", "Sgarden"});
        CHECK(terms_of(old_builder.parse("body:gardening")) == std::set<std::string>{"garden"});
    }
    SECTION("title: gives S terms") {
        CHECK(terms_of(builder.parse("title:walking")) == std::set<std::string>{"Swalk"});
    }
    SECTION("body: gives unprefixed terms") {
        CHECK(terms_of(builder.parse("body:walking")) == std::set<std::string>{"walk"});
    }
    SECTION("reviewer: gives A terms") {
        CHECK(terms_of(builder.parse("reviewer:Hill")) == std::set<std::string>{"Ahill"});
    }
    SECTION("product: gives XP terms") {
        CHECK(terms_of(builder.parse("product:kettle")) == std::set<std::string>{"XPkettl"});
    }
    SECTION("by: gives the exact reviewer term, normalised") {
        CHECK(terms_of(builder.parse("by:\"Tamara   HILL\"")) ==
              std::set<std::string>{"XAtamara hill"});
    }
    SECTION("category: gives the XC term, normalised") {
        CHECK(terms_of(builder.parse("category:\"Stress Management\"")) ==
              std::set<std::string>{"XCstress management"});
    }
    SECTION("id: gives the Q term with its case kept") {
        CHECK(terms_of(builder.parse("id:Review-42")) == std::set<std::string>{"QReview-42"});
    }
    SECTION("a quoted phrase on a field stays a phrase of that field's terms") {
        const Xapian::Query q = builder.parse("title:\"walking gardens\"");
        CHECK(terms_of(q) == std::set<std::string>{"Swalk", "Sgarden"});
        // The analyzer's index packs positions, so the phrase is checked on the packed value.
        CHECK_THAT(q.get_description(), Catch::Contains("PackedPhrase(Swalk Sgarden window 2)"));
    }
    SECTION("on an index with Xapian's positions a phrase stays Xapian's OP_PHRASE") {
        AnalyzerSettings settings;
        settings.packed_positions = false;
        const Analyzer xapian_positions(settings);
        QueryBuilder plain(xapian_positions, db);
        const Xapian::Query q = plain.parse("title:\"walking gardens\"");
        CHECK_THAT(q.get_description(), Catch::Contains("Swalk@1 PHRASE 2 Sgarden@2"));
    }
    SECTION("empty text gives an empty query") { CHECK(builder.parse("").empty()); }
}

TEST_CASE("boolean query fields are normalised as the indexer normalises them", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);

    SECTION("topic:\"Compassion Fatigue\" gives the K term \"Kcompassion fatigue\"") {
        CHECK(terms_of(builder.parse("topic:\"Compassion Fatigue\"")) ==
              std::set<std::string>{"Kcompassion fatigue"});
    }
    SECTION("the query's topic term equals the term a built document holds") {
        Review r;
        r.id = "x";
        r.body = "words";
        r.topics = {"compassion   fatigue"};
        const Xapian::Document doc = indexer::DocumentBuilder{AnalyzerSettings{}}.build(r);
        const std::string term = *terms_of(builder.parse("topic:\"COMPASSION Fatigue\"")).begin();
        auto t = doc.termlist_begin();
        t.skip_to(term);
        REQUIRE(t != doc.termlist_end());
        CHECK(*t == term);
    }
    SECTION("a boolean field filters without adding to the score") {
        const Xapian::Query q = builder.parse("garden topic:grief");
        CHECK_THAT(q.get_description(), Catch::Contains("FILTER"));
    }
}

TEST_CASE("date ranges accept partial dates and open ends", "[query]") {
    const bool range_terms = GENERATE(true, false);
    INFO((range_terms ? "an index with range terms" : "an index with date values only"));
    const RangeIndex index(range_terms);
    const Analyzer analyzer(index.settings());
    QueryBuilder builder(analyzer, index.db());

    SECTION("date:2015..2016-06 covers 20150000 to 20160630") {
        const std::string d = builder.parse("date:2015..2016-06").get_description();
        if (range_terms) {
            // The year 2015, then 2016's year-only key and its first six months.
            CHECK_THAT(d, Catch::Contains("(Y2015 OR M201600 OR M201601 OR M201602 OR M201603 OR M201604 OR "
                                          "M201605 OR M201606)"));
        } else {
            CHECK_THAT(d, Catch::Contains("VALUE_RANGE 0 20150000 20160630"));
        }
    }
    SECTION("date:2015..2016-06 matches partial dates inside and full dates up to June 30") {
        CHECK(index.ids(builder.parse("date:2015..2016-06")) ==
              Ids{"d2015", "d2015-03-02", "d2016", "d2016-06-30"});
    }
    SECTION("an open upper end matches everything from the lower bound on") {
        CHECK_THAT(builder.parse("date:2016..").get_description(),
                   Catch::Contains(range_terms ? "(Y2016 OR Y2017)" : "VALUE_GE 0 20160000"));
        CHECK(index.ids(builder.parse("date:2016..")) ==
              Ids{"d2016", "d2016-06-30", "d2016-07-01", "d2017-01"});
    }
    SECTION("an open lower end matches everything up to the end of the upper bound's period") {
        CHECK_THAT(builder.parse("date:..2016-02").get_description(),
                   Catch::Contains(range_terms ? "Y2015 OR M201600 OR M201601 OR M201602" : "VALUE_LE 0 20160229"));
        CHECK(index.ids(builder.parse("date:..2015")) ==
              Ids{"d2014-12-31", "d2015", "d2015-03-02"});
    }
    SECTION("full dates on both ends match inclusively") {
        CHECK(index.ids(builder.parse("date:2014-12-31..2015-03-02")) ==
              Ids{"d2014-12-31", "d2015", "d2015-03-02"});
    }
    SECTION("a range beyond the index's dates matches nothing, and date:.. matches everything") {
        CHECK(index.ids(builder.parse("date:2030..2040")).empty());
        CHECK(index.ids(builder.parse("date:..1990")).empty());
        CHECK(index.ids(builder.parse("date:..")).size() == 8);
    }
    SECTION("a bound that is not a date throws QueryError") {
        CHECK_THROWS_AS(builder.parse("date:someday..2016"), QueryError);
        CHECK_THROWS_AS(builder.parse("date:2016-13..2017"), QueryError);
    }
}

TEST_CASE("rating ranges select by the rating on the 0-5 scale", "[query]") {
    const bool range_terms = GENERATE(true, false);
    INFO((range_terms ? "an index with range terms" : "an index with rating values only"));
    const RangeIndex index(range_terms);
    const Analyzer analyzer(index.settings());
    QueryBuilder builder(analyzer, index.db());

    SECTION("rating:4..5 matches ratings from 4 to 5 inclusive") {
        CHECK(index.ids(builder.parse("rating:4..5")) ==
              Ids{"d2016", "d2016-06-30", "d2016-07-01", "d2017-01"});
    }
    SECTION("open rating ranges work") {
        CHECK(index.ids(builder.parse("rating:5..")) == Ids{"d2016-07-01", "d2017-01"});
        CHECK(index.ids(builder.parse("rating:..2")) == Ids{"d2014-12-31", "d2015"});
    }
    SECTION("a single rating matches exactly that rating") {
        CHECK(index.ids(builder.parse("rating:4.5")) == Ids{"d2016-06-30"});
        CHECK(index.ids(builder.parse("rating:4.4")).empty());
    }
    SECTION("ranges combine with words, and a date range with a rating range by AND") {
        CHECK(index.ids(builder.parse("ranged rating:4..4.5 date:2016..2016")) ==
              Ids{"d2016", "d2016-06-30"});
        CHECK(index.ids(builder.parse("rating:1..2 date:2015")) == Ids{"d2015"});
    }
    SECTION("two ranges of one field are either one") {
        CHECK(index.ids(builder.parse("rating:1 rating:5")) ==
              Ids{"d2014-12-31", "d2016-07-01", "d2017-01"});
    }
    SECTION("a rating that is not a number throws QueryError") {
        CHECK_THROWS_AS(builder.parse("rating:good..5"), QueryError);
        CHECK_THROWS_AS(builder.parse("rating:4x"), QueryError);
    }
}

TEST_CASE("date and rating ranges on range terms match what value ranges match", "[query][regression]") {
    // Issue 5: an index with range terms answers ranges from posting lists; it must select
    // the very documents the value ranges did, for every kind of bound.
    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    db.set_metadata(std::string(s::kMetaAnalyzer), AnalyzerSettings{}.to_json());
    indexer::DocumentBuilder builder{AnalyzerSettings{}};
    std::uint64_t state = 42;
    const auto next = [&](std::uint64_t n) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % n;
    };
    const auto random_date = [&]() {
        std::string d = std::to_string(1996 + next(8));
        if (next(5) == 0) return d;  // a year only
        char month[8];
        std::snprintf(month, sizeof month, "-%02d", static_cast<int>(1 + next(12)));
        d += month;
        if (next(4) == 0) return d;  // a month
        const int max_day = d.substr(5) == "02" ? 28 : 30;
        char day[8];
        std::snprintf(day, sizeof day, "-%02d", static_cast<int>(1 + next(max_day)));
        return d + day;
    };
    const std::vector<double> ratings = {1, 2, 2.5, 3, 4, 4.5, 5, 7, 10};
    for (int i = 0; i < 3000; ++i) {
        Review r;
        r.id = "r" + std::to_string(i);
        r.body = "ranged";
        if (next(10) != 0) r.date = *date::parse(random_date());
        if (next(10) != 0) r.rating = ratings[next(ratings.size())];
        r.rating_scale = 10;  // 0.5 to 5 on the one scale
        db.add_document(builder.build(r));
    }
    db.commit();
    AnalyzerSettings values_only;
    values_only.range_terms = false;
    const Analyzer with_terms{AnalyzerSettings{}}, with_values{values_only};
    QueryBuilder terms(with_terms, db), values(with_values, db);
    const auto matches = [&](const Xapian::Query& q) {
        Xapian::Enquire enquire(db);
        enquire.set_query(q);
        std::vector<Xapian::docid> out;
        const Xapian::MSet m = enquire.get_mset(0, db.get_doccount());
        for (auto it = m.begin(); it != m.end(); ++it) out.push_back(*it);
        std::sort(out.begin(), out.end());
        return out;
    };
    std::size_t nonempty = 0;
    for (int i = 0; i < 600; ++i) {
        std::string q;
        switch (next(6)) {
            case 0: q = "date:" + random_date() + ".." + random_date(); break;
            case 1: q = "date:" + random_date() + ".."; break;
            case 2: q = "date:.." + random_date(); break;
            case 3: q = "date:" + random_date(); break;
            case 4: q = "rating:" + std::to_string(next(11)) + ".." + std::to_string(next(11)); break;
            default: q = "ranged date:" + random_date() + ".." + random_date() + " rating:3.."; break;
        }
        INFO("query: " << q);
        const auto expected = matches(values.parse(q));
        REQUIRE(matches(terms.parse(q)) == expected);
        if (!expected.empty()) ++nonempty;
    }
    CHECK(nonempty > 300);
}

TEST_CASE("malformed query syntax throws QueryError", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);

    SECTION("a lone operator is refused") { CHECK_THROWS_AS(builder.parse("AND"), QueryError); }
    SECTION("an operator without a right side is refused") {
        CHECK_THROWS_AS(builder.parse("garden AND"), QueryError);
    }
    SECTION("the message starts with \"bad query:\"") {
        CHECK_THROWS_WITH(builder.parse("OR"), Catch::StartsWith("bad query:"));
    }
}

TEST_CASE("plain parsing turns any text into words", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);

    SECTION("operators, brackets and stray quotes are words or nothing, never errors") {
        Xapian::Query q;
        REQUIRE_NOTHROW(q = builder.parse("AND ( foo ) OR\"", ParseMode::Plain));
        const auto terms = terms_of(q);
        CHECK(terms.count("and") == 1);
        CHECK(terms.count("foo") == 1);
        CHECK(terms.count("or") == 1);
        // The title's words are in the default field's terms: no S term is searched as well.
        CHECK(terms.count("Sfoo") == 0);
        CHECK(std::none_of(terms.begin(), terms.end(), [](const std::string& t) {
            return t.find_first_of("()\"") != std::string::npos;
        }));
    }
    SECTION("field names are not fields in plain mode") {
        const auto terms = terms_of(builder.parse("topic:grief", ParseMode::Plain));
        CHECK(terms.count("Kgrief") == 0);
        CHECK(terms.count("grief") == 1);
        CHECK(terms.count("topic") == 1);
    }
}

TEST_CASE("default AND makes every word required", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);
    CHECK_THAT(builder.parse("garden kettle").get_description(), Catch::Contains(" OR "));
    builder.set_default_and(true);
    const std::string d = builder.parse("garden kettle").get_description();
    CHECK_THAT(d, Catch::Contains(" AND "));
}

TEST_CASE("highlight terms are the text words without their field prefixes", "[query]") {
    const Analyzer analyzer;
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);

    SECTION("S, A and XP prefixes are stripped and duplicates merged") {
        const auto terms = highlight_terms(
            builder.parse("gardening title:walking reviewer:hill product:kettle"));
        CHECK(terms == std::vector<std::string>{"garden", "hill", "kettl", "walk"});
    }
    SECTION("K, Q, XC and XA filter terms are dropped") {
        const auto terms = highlight_terms(builder.parse(
            "gardening topic:grief id:R1 category:books by:\"mira okafor\""));
        CHECK(terms == std::vector<std::string>{"garden"});
    }
    SECTION("a query of filters only has nothing to highlight") {
        CHECK(highlight_terms(builder.parse("topic:grief category:books")).empty());
    }
    SECTION("phrase words are highlighted") {
        CHECK(highlight_terms(builder.parse("\"compassion fatigue\"")) ==
              std::vector<std::string>{"compass", "fatigu"});
    }
}
