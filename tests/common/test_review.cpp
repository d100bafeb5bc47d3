#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"
#include "common/review.hpp"

using namespace revsearch;

namespace {

Review full_review() {
    Review r;
    r.id = "B01-xyz:17";
    r.title =
        "A Gentle Book About \xE2\x80\x9C"
        "Being Kind\xE2\x80\x9D";
    r.reviewer = "Dana Q. Reader";
    r.date = "2016-05";
    r.rating = 4.5;
    r.rating_scale = 5.0;
    r.topics = {"self-compassion", "compassion fatigue"};
    r.category = "Self-Help";
    r.product = "The Kind Mind (paperback, 212 pages)";
    r.body = "First paragraph.\n\nSecond paragraph with \"quotes\", a tab\tand caf\xC3\xA9.";
    r.source = "corpus/reviews.jsonl:17";
    r.url = "https://example.org/reviews/kind-mind?x=1&y=2";
    r.extra = {{"helpful_votes", "12"}, {"tags", "[\"a\",\"b\"]"}, {"date_raw", "last spring"}};
    return r;
}

void check_same(const Review& a, const Review& b) {
    CHECK(a.id == b.id);
    CHECK(a.title == b.title);
    CHECK(a.reviewer == b.reviewer);
    CHECK(a.date == b.date);
    CHECK(a.rating == b.rating);
    CHECK(a.rating_scale == b.rating_scale);
    CHECK(a.topics == b.topics);
    CHECK(a.category == b.category);
    CHECK(a.product == b.product);
    CHECK(a.body == b.body);
    CHECK(a.source == b.source);
    CHECK(a.url == b.url);
    CHECK(a.extra == b.extra);
}

}  // namespace

TEST_CASE("a review survives the stored JSON round trip field by field", "[common]") {
    SECTION("a review with every field set comes back equal, extra in its order") {
        const Review original = full_review();
        const Review back = from_stored_json(to_stored_json(original));
        check_same(back, original);
    }
    SECTION("a rating of zero is kept and not mistaken for an absent one") {
        Review r;
        r.id = "z";
        r.title = "t";
        r.rating = 0.0;
        const Review back = from_stored_json(to_stored_json(r));
        REQUIRE(back.rating.has_value());
        CHECK(*back.rating == 0.0);
        CHECK_FALSE(back.rating_scale.has_value());
    }
    SECTION("a review without rating or scale gets neither back") {
        Review r;
        r.id = "n";
        r.body = "body only";
        const Review back = from_stored_json(to_stored_json(r));
        CHECK_FALSE(back.rating.has_value());
        CHECK_FALSE(back.rating_scale.has_value());
        CHECK(back.body == "body only");
        CHECK(back.topics.empty());
        CHECK(back.extra.empty());
    }
    SECTION("absent fields are left out of the stored JSON") {
        Review r;
        r.id = "only-id";
        r.title = "Only a title";
        const auto j = nlohmann::json::parse(to_stored_json(r));
        CHECK(j.size() == 2);
        CHECK(j.at("id") == "only-id");
        CHECK(j.at("title") == "Only a title");
    }
    SECTION("extra keeps repeated keys and their order") {
        Review r;
        r.title = "t";
        r.extra = {{"z", "1"}, {"a", "2"}, {"z", "3"}};
        CHECK(from_stored_json(to_stored_json(r)).extra == r.extra);
    }
}

TEST_CASE("reading a stored review that is not one throws revsearch::Error", "[common]") {
    SECTION("text that is not JSON is refused") {
        CHECK_THROWS_AS(from_stored_json("this is not json"), Error);
        CHECK_THROWS_AS(from_stored_json(""), Error);
        CHECK_THROWS_AS(from_stored_json("{\"id\": \"cut"), Error);
    }
    SECTION("JSON that is not an object is refused") {
        CHECK_THROWS_AS(from_stored_json("[1, 2, 3]"), Error);
        CHECK_THROWS_AS(from_stored_json("\"a string\""), Error);
        CHECK_THROWS_AS(from_stored_json("42"), Error);
    }
}

TEST_CASE("topics are added once, whatever their case and spacing", "[common]") {
    Review r;
    r.add_topic("Compassion Fatigue");
    SECTION("the same topic in another case or spacing is not added again") {
        r.add_topic("compassion fatigue");
        r.add_topic("  COMPASSION \t  fatigue ");
        r.add_topic(
            "compassion\xC2\xA0"
            "Fatigue");
        CHECK(r.topics == std::vector<std::string>{"Compassion Fatigue"});
    }
    SECTION("case-insensitivity covers letters outside ASCII") {
        r.add_topic("\xC3\x89motions");  // Émotions
        r.add_topic("\xC3\xA9MOTIONS");  // éMOTIONS
        CHECK(r.topics == std::vector<std::string>{"Compassion Fatigue", "\xC3\x89motions"});
    }
    SECTION("a different topic is appended after the existing ones with its spaces collapsed") {
        r.add_topic("  self   compassion ");
        CHECK(r.topics == std::vector<std::string>{"Compassion Fatigue", "self compassion"});
    }
    SECTION("a blank topic is ignored") {
        r.add_topic("");
        r.add_topic("  \t ");
        CHECK(r.topics.size() == 1);
    }
}

TEST_CASE("a review has text only when its title or body is not blank", "[common]") {
    Review r;
    CHECK_FALSE(r.has_text());
    SECTION("whitespace and no-break spaces alone are not text") {
        r.title = "  \t ";
        r.body = "\xC2\xA0\n\n\xC2\xA0";
        CHECK_FALSE(r.has_text());
    }
    SECTION("a title alone is text") {
        r.title = "Title only";
        CHECK(r.has_text());
    }
    SECTION("a body alone is text") {
        r.body = "Body only";
        CHECK(r.has_text());
    }
    SECTION("other fields are not text to index") {
        r.reviewer = "Someone";
        r.product = "Something";
        r.topics = {"grief"};
        CHECK_FALSE(r.has_text());
    }
}

TEST_CASE("extra values are looked up by key", "[common]") {
    Review r;
    r.extra = {{"a", "1"}, {"b", "2"}};
    CHECK(r.extra_value("b") == "2");
    CHECK(r.extra_value("missing").empty());
}

namespace {

void check_decodes_as_before(const std::string& data) {
    INFO("stored: " << data);
    const Review expected = from_stored_json_tree(data);
    const Review got = from_stored_json(data);
    check_same(got, expected);
    if (expected.rating && got.rating) {
        CHECK(std::signbit(*expected.rating) == std::signbit(*got.rating));
    }
}

}  // namespace

TEST_CASE("stored records decode exactly as the general JSON decoder reads them",
          "[common][regression]") {
    // Issue 5: from_stored_json() reads the stored form in one pass, without a JSON tree, and
    // falls back to nlohmann for anything else.
    SECTION("records written by to_stored_json, with escapes and text in any script") {
        const std::vector<std::string> texts = {
            "", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr\b\f",
            std::string("nul \0 byte", 10), "\x01\x1f\x7f", "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC",
            "emoji \xF0\x9F\x98\x80!", "bad \xFF byte", "cut \xE2\x80", "<br /><br />&amp;",
            std::string(3000, 'x') + "\"" + std::string(17, 'y')};
        for (const std::string& t : texts) {
            Review r = full_review();
            r.body = t;
            r.title = t;
            r.topics = {t, "x"};
            r.extra = {{t, t}};
            check_decodes_as_before(to_stored_json(r));
        }
        for (const double rating : {0.0, -0.0, 1.0, 4.5, 10.0, 0.1, 1e-7, 123456789.125, 1e300}) {
            Review r = full_review();
            r.rating = rating;
            r.rating_scale = rating;
            check_decodes_as_before(to_stored_json(r));
        }
    }
    SECTION("other valid JSON: whitespace, escapes nlohmann does not write, integers, any order") {
        for (const std::string& data : {
                 std::string(R"( { "id" : "a" , "title":"b\u00e9\ud83d\ude00\/" , "rating":4 })"),
                 std::string(R"({"rating":-0,"rating_scale":5e0,"id":"z"})"),
                 std::string(R"({"rating":18446744073709551616,"id":"big"})"),
                 std::string(R"({"topics":[],"extra":[],"body":""})"),
                 std::string(R"({})"),
                 std::string(R"({"url":"u","id":"i","extra":[["k","v"],["k2","v2"]]})")}) {
            check_decodes_as_before(data);
        }
    }
    SECTION("records outside the stored form read as the general decoder reads them") {
        for (const std::string& data : {
                 std::string(R"({"id":"a","id":"b"})"),                  // a repeated key
                 std::string(R"({"id":"a","future_field":{"x":[1,2]}})"),  // an unknown key
                 std::string(R"({"id":7,"title":null,"rating":"4"})"),     // other types
                 std::string(R"({"topics":["a",1,"b"],"extra":[["k"],["k","v"],"x"]})"),
                 std::string("\xEF\xBB\xBF{\"id\":\"bom\"}")}) {
            check_decodes_as_before(data);
        }
    }
    SECTION("malformed records still throw") {
        for (const std::string& data : {
                 std::string(R"({"id":"a"} trailing)"), std::string(R"({"id":"a",})"),
                 std::string("{\"id\":\"\xFF\"}"), std::string("{\"id\":\"\xED\xA0\x80\"}"),
                 std::string("{\"id\":\"a\nb\"}"), std::string(R"({"id":"\ud800"})"),
                 std::string(R"({"id":"\x41"})"), std::string(R"({"rating":01})"),
                 std::string(R"({"rating":1.})"), std::string(R"({"id":"a")")}) {
            INFO("stored: " << data);
            CHECK_THROWS_AS(from_stored_json(data), Error);
        }
    }
}
