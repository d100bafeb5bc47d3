#include <xapian.h>

#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/schema.hpp"
#include "common/text.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;

namespace {

// Xapian's glass backend refuses terms longer than this many bytes.
constexpr std::size_t kGlassMaxTermBytes = 245;

}  // namespace

TEST_CASE("boolean values are normalised the same way on both sides", "[common]") {
    SECTION("case is folded and whitespace is trimmed and collapsed") {
        CHECK(schema::normalize_boolean("  Compassion   Fatigue ") == "compassion fatigue");
        CHECK(schema::normalize_boolean("Compassion\tFatigue") == "compassion fatigue");
        CHECK(schema::normalize_boolean("compassion\xC2\xA0"
                                        "fatigue") == "compassion fatigue");
    }
    SECTION("case folding covers letters outside ASCII") {
        CHECK(schema::normalize_boolean("\xC3\x89MOTIONS") == "\xC3\xA9motions");  // ÉMOTIONS
        CHECK(schema::normalize_boolean("\xC3\x84NGSTE") == "\xC3\xA4ngste");      // ÄNGSTE
        CHECK(schema::normalize_boolean("\xCE\xA8\xCE\xA5\xCE\xA7\xCE\x97") ==     // ΨΥΧΗ
              "\xCF\x88\xCF\x85\xCF\x87\xCE\xB7");                                 // ψυχη
    }
    SECTION("a value that is only whitespace normalises to empty") {
        CHECK(schema::normalize_boolean(" \t ").empty());
    }
}

TEST_CASE("boolean terms carry their prefix and the normalised value", "[common]") {
    CHECK(schema::boolean_term(schema::kTopicPrefix, "  Compassion   Fatigue ") ==
          "Kcompassion fatigue");
    CHECK(schema::boolean_term(schema::kCategoryPrefix, "Self-Help") == "XCself-help");
    CHECK(schema::boolean_term(schema::kTopicPrefix, "Burnout") ==
          schema::boolean_term(schema::kTopicPrefix, "burnout"));
}

TEST_CASE("boolean terms stay under Xapian's term length limit", "[common]") {
    const std::string shared_start(300, 'a');
    const std::string long_one = shared_start + " first ending";
    const std::string long_two = shared_start + " second ending";
    const std::string t1 = schema::boolean_term(schema::kCategoryPrefix, long_one);
    const std::string t2 = schema::boolean_term(schema::kCategoryPrefix, long_two);

    SECTION("a long value gives a term shorter than 245 bytes that keeps its prefix") {
        CHECK(t1.size() < kGlassMaxTermBytes);
        CHECK(text::starts_with(t1, "XC"));
        CHECK(text::starts_with(t1, "XC" + std::string(100, 'a')));
    }
    SECTION("long values that share a long start still get distinct terms") {
        CHECK(t1 != t2);
        CHECK(t2.size() < kGlassMaxTermBytes);
    }
    SECTION("long values that differ only in case or spacing share one term") {
        std::string upper = long_one;
        upper[0] = 'A';
        CHECK(schema::boolean_term(schema::kCategoryPrefix, "  " + upper + "  ") == t1);
    }
    SECTION("many distinct long values all get distinct terms") {
        std::set<std::string> terms;
        for (int i = 0; i < 200; ++i) {
            terms.insert(
                schema::boolean_term(schema::kTopicPrefix, shared_start + std::to_string(i)));
        }
        CHECK(terms.size() == 200);
    }
    SECTION("a long multi-byte value is cut on a character boundary") {
        std::string accented;
        for (int i = 0; i < 200; ++i) accented += "\xC3\xA9";  // é, 400 bytes in all
        const std::string term = schema::boolean_term(schema::kTopicPrefix, accented);
        CHECK(term.size() < kGlassMaxTermBytes);
        CHECK(text::is_valid_utf8(term));
    }
    SECTION("a value just at the limit is kept whole and one byte more is hashed") {
        // 1 byte of prefix + 239 bytes of value = 240 bytes: the largest unhashed term.
        const std::string fits(239, 'b');
        CHECK(schema::boolean_term(schema::kTopicPrefix, fits) == "K" + fits);
        const std::string over(240, 'b');
        const std::string hashed = schema::boolean_term(schema::kTopicPrefix, over);
        CHECK(hashed != "K" + over);
        CHECK(hashed.size() < kGlassMaxTermBytes);
    }
    SECTION("the bounded terms can be written to an on-disk glass database") {
        test::TempDir dir;
        Xapian::WritableDatabase db(dir.file("db"), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
        Xapian::Document doc;
        doc.add_boolean_term(t1);
        doc.add_boolean_term(t2);
        doc.add_boolean_term(schema::id_term(std::string(500, 'Z')));
        REQUIRE_NOTHROW(db.add_document(doc));
        REQUIRE_NOTHROW(db.commit());
        CHECK(db.term_exists(t1));
        CHECK(db.term_exists(t2));
    }
}

TEST_CASE("id terms keep the id's case and normalise only its whitespace", "[common]") {
    CHECK(schema::id_term("B00ABCDEF") == "QB00ABCDEF");
    CHECK(schema::id_term("B00ABCDEF") != schema::id_term("b00abcdef"));
    CHECK(schema::id_term("  reviews.jsonl:12  ") == "Qreviews.jsonl:12");
    CHECK(schema::id_term("a \t b") == "Qa b");
    SECTION("a long id is bounded and stays distinct from its neighbours") {
        const std::string base(400, 'X');
        const std::string a = schema::id_term(base + "1");
        const std::string b = schema::id_term(base + "2");
        CHECK(a.size() < kGlassMaxTermBytes);
        CHECK(a != b);
        CHECK(text::starts_with(a, "Q"));
    }
}

TEST_CASE("rating values round-trip and sort in numeric order", "[common]") {
    SECTION("every rating reads back as the same number") {
        for (double r : {0.0, 1.0, 2.5, 4.25, 5.0, 10.0, 100.0, -1.0}) {
            CHECK(schema::rating_from_value(schema::rating_value(r)) == r);
        }
    }
    SECTION("byte-wise order of the values is numeric order of the ratings") {
        const std::vector<double> ascending = {-2.0, 0.0, 0.5, 1.0,  1.5,
                                               4.0,  4.5, 5.0, 10.0, 100.0};
        for (std::size_t i = 1; i < ascending.size(); ++i) {
            INFO(ascending[i - 1] << " < " << ascending[i]);
            CHECK(schema::rating_value(ascending[i - 1]) < schema::rating_value(ascending[i]));
        }
    }
}

TEST_CASE("the schema table names every field once with a distinct prefix", "[common]") {
    std::set<std::string_view> names;
    std::set<std::string_view> prefixes;
    for (const auto& field : schema::kFields) {
        names.insert(field.name);
        prefixes.insert(field.prefix);
    }
    CHECK(names.size() == schema::kFields.size());
    CHECK(prefixes.size() == schema::kFields.size());
    CHECK(names.count("topic") == 1);
    CHECK(names.count("id") == 1);
}

TEST_CASE("a rating is normalised to its share of the 0-5 scale", "[common]") {
    using schema::normalised_rating;
    SECTION("ratings out of 5 keep their value, ratings out of 10 are halved") {
        CHECK(normalised_rating(4, 5) == 4.0);
        CHECK(normalised_rating(8, 10) == 4.0);
        CHECK(normalised_rating(7, 10) == 3.5);
        CHECK(normalised_rating(1, 10) == 0.5);
        CHECK(normalised_rating(3.87, 5) == 3.87);
        CHECK(normalised_rating(87, 100) == 4.35);
        CHECK(normalised_rating(0, 5) == 0.0);
    }
    SECTION("the result is rounded to two decimals") {
        CHECK(normalised_rating(2, 3) == 3.33);
        CHECK(normalised_rating(1, 3) == 1.67);
    }
    SECTION("a 4 of 10 is not a 4") { CHECK(normalised_rating(4, 10) == 2.0); }
    SECTION("without a rating, a scale, or a rating inside its scale there is none") {
        CHECK_FALSE(normalised_rating(std::nullopt, 5));
        CHECK_FALSE(normalised_rating(4, std::nullopt));
        CHECK_FALSE(normalised_rating(7, 5));
        CHECK_FALSE(normalised_rating(-1, 5));
        CHECK_FALSE(normalised_rating(3, 0));
        CHECK_FALSE(normalised_rating(3, -5));
        CHECK_FALSE(normalised_rating(std::numeric_limits<double>::quiet_NaN(), 5));
        CHECK_FALSE(normalised_rating(3, std::numeric_limits<double>::infinity()));
    }
}

TEST_CASE("a normalised rating counts under the half star at or below it", "[common]") {
    CHECK(schema::rating_bucket(5.0) == 5.0);
    CHECK(schema::rating_bucket(4.99) == 4.5);
    CHECK(schema::rating_bucket(4.5) == 4.5);
    CHECK(schema::rating_bucket(3.87) == 3.5);
    CHECK(schema::rating_bucket(4.0) == 4.0);
    CHECK(schema::rating_bucket(0.49) == 0.0);
}

TEST_CASE("an index's schema version is read from its metadata", "[common]") {
    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    SECTION("an index with no metadata was not written by revsearch: version 0") {
        CHECK(schema::stored_version(db) == 0);
    }
    SECTION("the schema key wins") {
        db.set_metadata(std::string(schema::kMetaSchema), "1");
        db.set_metadata(std::string(schema::kMetaAnalyzer), R"({"language":"english","schema":2})");
        CHECK(schema::stored_version(db) == 1);
    }
    SECTION("without it, the version the analyzer settings record") {
        db.set_metadata(std::string(schema::kMetaAnalyzer), R"({"language":"english","schema":2})");
        CHECK(schema::stored_version(db) == 2);
    }
}

TEST_CASE("symbol terms name each symbol and currency sign once, and nothing else", "[common]") {
    SECTION("the copyright, trade mark and euro signs, and an emoji, in order of appearance") {
        CHECK(schema::symbol_terms("\xC2\xA9 1998, \xE2\x84\xA2 and \xE2\x82\xAC"
                                   "5, \xC2\xA9 again \xF0\x9F\x8E\xAC") ==
              std::vector<std::string>{"XY\xC2\xA9", "XY\xE2\x84\xA2", "XY\xE2\x82\xAC",
                                       "XY\xF0\x9F\x8E\xAC"});
    }
    SECTION("letters, punctuation, quotes, dashes and ASCII signs such as $ are no symbol terms") {
        CHECK(schema::symbol_terms(
                  "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 $5 + 3 = 8 \xC2\xBF")
                  .empty());
    }
    SECTION("invalid UTF-8 is passed over") {
        CHECK(schema::symbol_terms("\xA9 \xC2 \xC2\xA9") == std::vector<std::string>{"XY\xC2\xA9"});
    }
}
