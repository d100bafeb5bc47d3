#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "common/content_key.hpp"
#include "common/review.hpp"

using namespace revsearch;

namespace {

/// A review as Amazon's 5-core files repeat it across a product's variants.
Review original() {
    Review r;
    r.id = "beauty.json:17";
    r.reviewer = "Shelly F.";
    r.date = "2016-09-01";
    r.title = "Does what it says";
    r.body =
        "The lotion soaks in quickly and does not leave my hands greasy. I would buy it again.";
    r.product = "B0000530HU";
    r.category = "All_Beauty";
    r.rating = 5;
    r.rating_scale = 5;
    return r;
}

}  // namespace

TEST_CASE("a content key reads a text's words lower-cased, without punctuation or spacing",
          "[common]") {
    CHECK(key_words("Hello,   WORLD!\n\nIt's  <br />fine") == "hello world it s br fine");
    CHECK(key_words("  ...  ") == "");
    CHECK(key_words("Café CRÈME") == "café crème");
    SECTION("digits and underscores are word characters, as Xapian's TermGenerator has them") {
        CHECK(key_words("4.5 stars, snake_case") == "4 5 stars snake_case");
    }
}

TEST_CASE("the copies of one review share a content key", "[common]") {
    const Review a = original();
    REQUIRE(content_key(a).size() == 32);
    SECTION("across product variants: product, category, id, source and rating do not count") {
        Review b = a;
        b.id = "beauty.json:18";
        b.product = "B00006L9LC";
        b.category = "Luxury_Beauty";
        b.source = "other.json:3";
        b.rating = 4;
        b.extra.emplace_back("style", "{\"Size:\": \" 7.0 oz\"}");
        CHECK(content_key(b) == content_key(a));
    }
    SECTION("whatever the case, spacing, punctuation and line breaks of the text") {
        Review b = a;
        b.reviewer = "shelly  f";
        b.title = "DOES WHAT IT SAYS!";
        b.body =
            "The lotion soaks in quickly, and does not leave my hands greasy...\n\nI would buy it "
            "again";
        CHECK(content_key(b) == content_key(a));
    }
}

TEST_CASE("different reviews have different content keys", "[common]") {
    const Review a = original();
    const std::string key = content_key(a);
    SECTION("the same title over another body is another review") {
        Review b = a;
        b.body = "Too thick for my taste, and the scent fades within the hour.";
        CHECK(content_key(b) != key);
    }
    SECTION("one word apart is another review, a stop word included") {
        Review b = a;
        b.body =
            "The lotion soaks in quickly and does leave my hands greasy. I would buy it again.";
        CHECK(content_key(b) != key);
        Review c = a;
        c.body =
            "The lotion soaks in slowly and does not leave my hands greasy. I would buy it again.";
        CHECK(content_key(c) != key);
    }
    SECTION("the same words by another reviewer are another review") {
        Review b = a;
        b.reviewer = "Tonya B.";
        CHECK(content_key(b) != key);
    }
    SECTION("the same words by the same reviewer on another day are another review") {
        Review b = a;
        b.date = "2016-09-02";
        CHECK(content_key(b) != key);
    }
    SECTION("the same body under another title is another posting") {
        Review b = a;
        b.title = "Preshave lotion";
        CHECK(content_key(b) != key);
    }
    SECTION("words do not move between title and body unnoticed") {
        Review b = a;
        b.title = "Does what it";
        b.body = "says " + a.body;
        CHECK(content_key(b) != key);
    }
}

TEST_CASE("a short review with neither reviewer nor date has no content key", "[common]") {
    Review stock;
    stock.title = "Five Stars";
    stock.body = "Great product, works great!";
    SECTION("a stock phrase could be anyone's, so it is never collapsed") {
        CHECK(content_key(stock).empty());
    }
    SECTION("a reviewer or a date tells the same words apart, so they are keyed") {
        Review by = stock;
        by.reviewer = "Juan";
        CHECK_FALSE(content_key(by).empty());
        Review dated = stock;
        dated.date = "2015-03";
        CHECK_FALSE(content_key(dated).empty());
    }
    SECTION("from kMinAnonymousWords words on, an anonymous text is keyed") {
        Review longer;
        longer.body = "one two three four five six seven eight nine";
        REQUIRE(key_words(longer.body).size() > 0);
        CHECK(content_key(longer).empty());
        longer.body += " ten";
        CHECK_FALSE(content_key(longer).empty());
    }
    SECTION("a review with no words at all has no key") {
        Review empty;
        empty.reviewer = "Someone";
        empty.body = "!!! ...";
        CHECK(content_key(empty).empty());
    }
}

TEST_CASE("a review in an odd encoding still gets a stable content key", "[common]") {
    // Bytes that are not UTF-8 read as Latin-1 characters, as Xapian's Utf8Iterator reads them:
    // the Latin-1 text has the key of the same text in UTF-8.
    Review latin1 = original();
    latin1.body =
        "Cr\xe8me br\xfbl\xe9"
        "e, as my grandmother made it";
    Review utf8 = original();
    utf8.body =
        "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
        "e, as my grandmother made it";
    CHECK(content_key(latin1).size() == 32);
    CHECK(content_key(latin1) == content_key(utf8));
    SECTION("stray bytes are characters of the text, so they make another key") {
        Review junk = utf8;
        junk.body += " \xff\xfe";
        CHECK(content_key(junk).size() == 32);
        CHECK(content_key(junk) != content_key(utf8));
    }
}

TEST_CASE("content keys of many different reviews do not collide", "[common]") {
    std::set<std::string> keys;
    for (int i = 0; i < 20000; ++i) {
        Review r = original();
        r.body = "review number " + std::to_string(i);
        keys.insert(content_key(r));
    }
    CHECK(keys.size() == 20000);
}
