#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <istream>
#include <streambuf>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/text.hpp"
#include "corpus/inputs.hpp"
#include "corpus/json_depth.hpp"
#include "corpus/jsonl_reader.hpp"
#include "tests/support/corpus_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::corpus;

namespace {

using revsearch::test::CollectingSink;
using revsearch::test::make_info;

const InputInfo kInfo = make_info("corpus/sub/reviews.jsonl", "sub/reviews.jsonl");

CollectingSink read_text(const std::string& content, const InputInfo& info = kInfo) {
    CollectingSink sink;
    std::istringstream in(content);
    JsonlReader reader;
    reader.read(in, info, sink);
    return sink;
}

// Reads one line that must be rejected and returns the reject.
Reject reject_of(const std::string& line) {
    const CollectingSink sink = read_text("{\"title\": \"a good one\"}\n" + line + "\n");
    INFO("line: " << line);
    REQUIRE(sink.reviews.size() == 1);
    REQUIRE(sink.rejects.size() == 1);
    return sink.rejects.front();
}

}  // namespace

TEST_CASE("a good JSON line is read field by field", "[corpus]") {
    const std::string line = R"({"id": "r-1", "title": "  A Kind Book  ", "reviewer": "Dana Reader",
        "date": "May 17, 2016", "rating": 4.5, "rating_scale": 5,
        "topics": ["Self-Compassion", "grief"],
        "category": "Self-Help", "product": "The Kind Mind", "body": "  First.\n\nSecond.  ",
        "url": "https://example.org/r/1"})";
    std::string one_line = line;
    for (char& c : one_line) {
        if (c == '\n') c = ' ';
    }
    const CollectingSink sink = read_text(one_line + "\n");
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 1);
    const Review& r = sink.reviews.front();

    SECTION("strings are read and trimmed, except the body which keeps its paragraphs") {
        CHECK(r.id == "r-1");
        CHECK(r.title == "A Kind Book");
        CHECK(r.reviewer == "Dana Reader");
        CHECK(r.category == "Self-Help");
        CHECK(r.product == "The Kind Mind");
        CHECK(r.body == "  First.\n\nSecond.  ");
        CHECK(r.url == "https://example.org/r/1");
    }
    SECTION("the date is parsed to its canonical ISO form") {
        CHECK(r.date == "2016-05-17");
        CHECK(r.extra_value("date_raw").empty());
    }
    SECTION("rating and scale are read as numbers") {
        CHECK(r.rating == 4.5);
        CHECK(r.rating_scale == 5.0);
    }
    SECTION("topics from an array are kept in order") {
        CHECK(r.topics == std::vector<std::string>{"Self-Compassion", "grief"});
    }
    SECTION("the source names the displayed file and the line") {
        CHECK(r.source == "corpus/sub/reviews.jsonl:1");
    }
    SECTION("a record without unknown keys has no extra") { CHECK(r.extra.empty()); }
}

TEST_CASE("the JSON reader accepts the usual variations of a good line", "[corpus]") {
    SECTION("a numeric id becomes its decimal text") {
        const auto sink = read_text(R"({"id": 12345, "title": "t"})"
                                    "\n"
                                    R"({"id": -7, "title": "t"})"
                                    "\n");
        REQUIRE(sink.reviews.size() == 2);
        CHECK(sink.reviews[0].id == "12345");
        CHECK(sink.reviews[1].id == "-7");
    }
    SECTION("topics given as one string make one topic") {
        const auto sink = read_text(R"({"title": "t", "topics": "Burnout"})"
                                    "\n");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].topics == std::vector<std::string>{"Burnout"});
    }
    SECTION("topics repeated in another case are kept once") {
        const auto sink = read_text(R"({"title": "t", "topics": ["Grief", "grief", " GRIEF "]})"
                                    "\n");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].topics == std::vector<std::string>{"Grief"});
    }
    SECTION("a rating given as text is read as a number") {
        const auto sink = read_text(R"({"title": "t", "rating": " 3.5 ", "rating_scale": "10"})"
                                    "\n");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].rating == 3.5);
        CHECK(sink.reviews[0].rating_scale == 10.0);
    }
    SECTION("null values count as absent") {
        const auto sink = read_text(
            R"({"id": null, "title": "t", "rating": null, "topics": null, "body": null, "x": null})"
            "\n");
        REQUIRE(sink.reviews.size() == 1);
        const Review& r = sink.reviews[0];
        CHECK(r.id == "sub/reviews.jsonl:1");
        CHECK_FALSE(r.rating.has_value());
        CHECK(r.topics.empty());
        CHECK(r.body.empty());
        CHECK(r.extra.empty());
    }
    SECTION("a record with a title and no body is accepted") {
        const auto sink = read_text(R"({"id": "t-only", "title": "Only a title"})"
                                    "\n");
        REQUIRE(sink.rejects.empty());
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].title == "Only a title");
        CHECK(sink.reviews[0].body.empty());
    }
    SECTION("a record with a body and no title is accepted") {
        const auto sink = read_text(R"({"body": "Only a body."})"
                                    "\n");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].body == "Only a body.");
    }
    SECTION("UTF-8 text and JSON escapes are decoded") {
        const auto sink =
            read_text("{\"title\": \"caf\xC3\xA9 \\u2019 \\\"q\\\"\", \"body\": \"a\\nb\"}\n");
        REQUIRE(sink.reviews.size() == 1);
        CHECK(sink.reviews[0].title == "caf\xC3\xA9 \xE2\x80\x99 \"q\"");
        CHECK(sink.reviews[0].body == "a\nb");
    }
}

TEST_CASE("unknown keys are kept in extra, non-strings as compact JSON", "[corpus]") {
    const auto sink = read_text(R"({"title": "t", "helpful": 12, "verified": true, )"
                                R"("tags": ["a", "b"], "meta": {"k": 1}, "lang": "en"})"
                                "\n");
    REQUIRE(sink.reviews.size() == 1);
    const Review& r = sink.reviews[0];
    SECTION("each unknown key is kept with its value") {
        CHECK(r.extra_value("helpful") == "12");
        CHECK(r.extra_value("verified") == "true");
        CHECK(r.extra_value("tags") == R"(["a","b"])");
        CHECK(r.extra_value("meta") == R"({"k":1})");
        CHECK(r.extra_value("lang") == "en");
        CHECK(r.extra.size() == 5);
    }
    SECTION("known keys are not repeated in extra") { CHECK(r.extra_value("title").empty()); }
}

TEST_CASE("unknown keys are kept in extra in input order", "[corpus]") {
    // Review::extra promises input order (common/review.hpp).
    const auto sink = read_text(R"({"title": "t", "zeta": "1", "alpha": "2", "mid": "3"})"
                                "\n");
    REQUIRE(sink.reviews.size() == 1);
    std::vector<std::string> keys;
    for (const auto& [key, value] : sink.reviews[0].extra) keys.push_back(key + "=" + value);
    CHECK(keys == std::vector<std::string>{"zeta=1", "alpha=2", "mid=3"});
}

TEST_CASE("a date that cannot be parsed is kept as extra date_raw", "[corpus]") {
    const auto sink = read_text(R"({"title": "t", "date": "  sometime last spring "})"
                                "\n");
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 1);
    CHECK(sink.reviews[0].date.empty());
    CHECK(sink.reviews[0].extra_value("date_raw") == "sometime last spring");
}

TEST_CASE("a missing id is derived from the relative path and the line", "[corpus]") {
    const auto sink = read_text("{\"title\": \"first\"}\n\n{\"title\": \"third\", \"id\": \"\"}\n");
    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[0].id == "sub/reviews.jsonl:1");
    CHECK(sink.reviews[1].id == "sub/reviews.jsonl:3");
    CHECK(sink.reviews[1].source == "corpus/sub/reviews.jsonl:3");
}

TEST_CASE("a malformed JSON line is rejected with its file and line", "[corpus]") {
    const Reject reject = reject_of(R"({"title": "oops", })");
    CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
    CHECK(reject.reason == "malformed JSON");
    CHECK(reject.raw == R"({"title": "oops", })");
}

TEST_CASE("a JSON line with a number too large for a double is rejected, not fatal",
          "[corpus]") {
    const Reject reject = reject_of(R"({"id": "big", "title": "Far", "rating": 1E488844800})");
    CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
    CHECK(reject.reason == "malformed JSON: a number out of range");
}

TEST_CASE("a JSON line cut in half is rejected with its line number", "[corpus]") {
    const std::string whole =
        R"({"id": "cut", "title": "Half", "body": "This line stops in the mid)";
    const Reject reject = reject_of(whole);
    CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
    CHECK(reject.reason == "malformed JSON");
}

TEST_CASE("a JSON line that is not an object is rejected", "[corpus]") {
    for (const std::string line : {R"(["an", "array"])", R"("a string")", "42", "true"}) {
        const Reject reject = reject_of(line);
        CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
        CHECK(reject.reason == "not a JSON object");
    }
}

TEST_CASE("a known key with the wrong type is rejected naming the key", "[corpus]") {
    SECTION("a title given as a number is rejected") {
        const Reject reject = reject_of(R"({"title": 42, "body": "b"})");
        CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
        CHECK(reject.reason == "wrong type for 'title': expected string, got number");
    }
    SECTION("topics holding a number are rejected") {
        const Reject reject = reject_of(R"({"title": "t", "topics": ["grief", 7]})");
        CHECK(reject.reason == "wrong type for 'topics': expected strings, got number");
    }
    SECTION("topics given as an object are rejected") {
        const Reject reject = reject_of(R"({"title": "t", "topics": {"a": 1}})");
        CHECK(reject.reason == "wrong type for 'topics': expected array of strings, got object");
    }
    SECTION("a body given as an array is rejected") {
        const Reject reject = reject_of(R"({"title": "t", "body": ["p1", "p2"]})");
        CHECK(reject.reason == "wrong type for 'body': expected string, got array");
    }
    SECTION("a fractional id is rejected") {
        const Reject reject = reject_of(R"({"id": 1.5, "title": "t"})");
        CHECK(reject.reason == "wrong type for 'id': expected string, got number");
    }
    SECTION("a rating that is not a number is rejected") {
        CHECK(reject_of(R"({"title": "t", "rating": "four"})").reason ==
              "wrong value for 'rating': not a number: four");
        CHECK(reject_of(R"({"title": "t", "rating": [4]})").reason ==
              "wrong type for 'rating': expected number, got array");
        CHECK(reject_of(R"({"title": "t", "rating": "NaN"})").reason.find("'rating'") !=
              std::string::npos);
    }
}

TEST_CASE("a line in windows-1252 among UTF-8 lines is decoded alone, the others kept as they are",
          "[corpus]") {
    const std::string utf8_line = "{\"id\": \"u\", \"title\": \"Na\xC3\xAFve caf\xC3\xA9\"}";
    const CollectingSink sink =
        read_text(utf8_line + "\n{\"id\": \"w\", \"title\": \"caf\xE9 \x93ok\x94\"}\n");
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[0].title == "Na\xC3\xAFve caf\xC3\xA9");
    CHECK(sink.reviews[0].source_encoding.empty());
    CHECK(sink.reviews[1].title == "caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D");
    CHECK(sink.reviews[1].source_encoding == "windows-1252");
}

TEST_CASE("a line of binary data is rejected as such and its raw text repaired", "[corpus]") {
    const Reject reject =
        reject_of(std::string("{\"title\": \"caf\xE9 \x01\x02\x03\x04 latin-1\"}"));
    CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
    CHECK(reject.reason == "binary data, not text in any encoding");
    CHECK(text::is_valid_utf8(reject.raw));
    CHECK(reject.raw.find("latin-1") != std::string::npos);
}

TEST_CASE("under the strict policy a line that is not UTF-8 is rejected as invalid UTF-8",
          "[corpus]") {
    CollectingSink sink;
    std::istringstream in("{\"title\": \"caf\xE9\"}\n{\"title\": \"fine\"}\n");
    JsonlReader reader;
    reader.set_encoding(EncodingPolicy::parse("utf-8"));
    reader.read(in, kInfo, sink);
    REQUIRE(sink.reviews.size() == 1);
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.rejects[0].reason == "invalid UTF-8");
}

TEST_CASE("a record with nothing to index is rejected", "[corpus]") {
    SECTION("a record with neither title nor body is rejected") {
        const Reject reject = reject_of(R"({"id": "x", "reviewer": "Someone", "rating": 5})");
        CHECK(reject.source == "corpus/sub/reviews.jsonl:2");
        CHECK(reject.reason == "nothing to index (no title and no body)");
    }
    SECTION("a blank title and a blank body are nothing to index") {
        const Reject reject = reject_of("{\"title\": \"   \", \"body\": \" \\n\\t \"}");
        CHECK(reject.reason == "nothing to index (no title and no body)");
    }
    SECTION("an empty object is nothing to index") {
        CHECK(reject_of("{}").reason == "nothing to index (no title and no body)");
    }
}

TEST_CASE("a reject keeps at most 1 KiB of the offending line", "[corpus]") {
    const std::string long_bad = "{\"title\": \"" + std::string(5000, 'x');  // never closed
    const Reject reject = reject_of(long_bad);
    CHECK(reject.reason == "malformed JSON");
    CHECK(reject.raw.size() <= 1024);
    CHECK(text::starts_with(long_bad, reject.raw));
}

TEST_CASE("blank lines are skipped but still count for line numbers", "[corpus]") {
    const auto sink = read_text(
        "\n"
        "{\"title\": \"one\"}\n"
        "   \n"
        "\t\n"
        "{\"title\": 5}\n"
        "\n"
        "{\"title\": \"two\"}\n"
        "\n");
    REQUIRE(sink.reviews.size() == 2);
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.reviews[0].source == "corpus/sub/reviews.jsonl:2");
    CHECK(sink.rejects[0].source == "corpus/sub/reviews.jsonl:5");
    CHECK(sink.reviews[1].source == "corpus/sub/reviews.jsonl:7");
}

TEST_CASE("CRLF line endings are read like LF endings", "[corpus]") {
    const auto sink = read_text(
        "{\"title\": \"one\", \"body\": \"b1\"}\r\n"
        "\r\n"
        "{\"title\": \"two\", \"id\": \"x\"}\r\n"
        "{\"title\": 1}\r\n");
    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[0].title == "one");
    CHECK(sink.reviews[0].body == "b1");
    CHECK(sink.reviews[1].id == "x");
    CHECK(sink.reviews[1].source == "corpus/sub/reviews.jsonl:3");
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.rejects[0].source == "corpus/sub/reviews.jsonl:4");
    CHECK(sink.rejects[0].raw.find('\r') == std::string::npos);
}

TEST_CASE("the last line is read even without a final newline", "[corpus]") {
    const auto sink = read_text("{\"title\": \"one\"}\n{\"title\": \"two\"}");
    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[1].title == "two");
}

TEST_CASE("a UTF-8 byte order mark before the first line does not lose it", "[corpus]") {
    const auto sink = read_text("\xEF\xBB\xBF{\"title\": \"first\"}\n{\"title\": \"second\"}\n");
    CHECK(sink.rejects.empty());
    CHECK(sink.reviews.size() == 2);
}

TEST_CASE("good and bad lines of a real file are told apart", "[corpus]") {
    test::TempDir dir;
    const std::string path =
        dir.write("in/mixed.jsonl",
                  "{\"id\": \"ok-1\", \"title\": \"Fine\", \"body\": \"A calm read.\"}\n"
                  "{\"id\": \"bad-json\", \"title\": \n"
                  "[\"not\", \"an\", \"object\"]\n"
                  "{\"id\": \"bad-type\", \"title\": 3}\n"
                  "{\"id\": \"binary\", \"title\": \"\xC0\xAF\x01\x02\x03\"}\n"
                  "{\"id\": \"empty\", \"reviewer\": \"Nobody\"}\n"
                  "{\"title\": \"Title only, no id\"}\n");
    const InputInfo info = make_info(path, "in/mixed.jsonl");
    CollectingSink sink;
    JsonlReader reader;
    auto in = open_input(path);
    reader.read(*in, info, sink);

    REQUIRE(sink.reviews.size() == 2);
    CHECK(sink.reviews[0].id == "ok-1");
    CHECK(sink.reviews[1].id == "in/mixed.jsonl:7");
    REQUIRE(sink.rejects.size() == 5);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {path + ":2", "malformed JSON"},
        {path + ":3", "not a JSON object"},
        {path + ":4", "wrong type for 'title': expected string, got number"},
        {path + ":5", "binary data, not text in any encoding"},
        {path + ":6", "nothing to index (no title and no body)"},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("reject " << i);
        CHECK(sink.rejects[i].source == expected[i].first);
        CHECK(sink.rejects[i].reason == expected[i].second);
    }
}

TEST_CASE("parse_line reports the reason for one line without a sink", "[corpus]") {
    Review review;
    std::string reason;
    SECTION("a good line fills the review and leaves the reason alone") {
        CHECK(JsonlReader::parse_line(R"({"title": "t"})", kInfo, 9, review, reason));
        CHECK(review.id == "sub/reviews.jsonl:9");
        CHECK(review.source == "corpus/sub/reviews.jsonl:9");
    }
    SECTION("a bad line returns false with the reason") {
        CHECK_FALSE(JsonlReader::parse_line("{", kInfo, 1, review, reason));
        CHECK(reason == "malformed JSON");
    }
    SECTION("a review reused from an earlier line keeps nothing of it") {
        REQUIRE(JsonlReader::parse_line(R"({"title": "t", "topics": "grief", "x": "1"})", kInfo, 1,
                                        review, reason));
        REQUIRE(JsonlReader::parse_line(R"({"title": "u"})", kInfo, 2, review, reason));
        CHECK(review.topics.empty());
        CHECK(review.extra.empty());
        CHECK(review.title == "u");
    }
}

namespace {

/// Everything parse_line() says of a line, as one comparable string.
std::string outcome(bool general, const std::string& line) {
    Review review;
    std::string reason;
    const bool ok = general ? JsonlReader::parse_line_general(line, kInfo, 7, review, reason)
                            : JsonlReader::parse_line(line, kInfo, 7, review, reason);
    if (!ok) return "rejected: " + reason;
    nlohmann::json extra = nlohmann::json::array();
    for (const auto& [k, v] : review.extra) extra.push_back({k, v});
    return nlohmann::json{{"id", review.id},
                          {"title", review.title},
                          {"reviewer", review.reviewer},
                          {"date", review.date},
                          {"rating", review.rating ? nlohmann::json(*review.rating) : nlohmann::json()},
                          {"scale", review.rating_scale ? nlohmann::json(*review.rating_scale) : nlohmann::json()},
                          {"topics", review.topics},
                          {"category", review.category},
                          {"product", review.product},
                          {"body", review.body},
                          {"url", review.url},
                          {"source", review.source},
                          {"extra", extra}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("the fast JSON path reads every line as the general reader does", "[corpus]") {
    const std::vector<std::string> lines = {
        R"({"id":"r1","title":" A title ","reviewer":"Ann","date":"2019-03-04","rating":4,"rating_scale":5,"topics":["grief","Grief","self-compassion"],"category":"Books","product":"P","body":"  Para one.\n\nPara two.  ","url":"http://x","helpful":"3 of 4","nothing":null})",
        R"({"id":12345,"title":"numeric id"})",
        R"({"id":-7,"title":"negative id"})",
        R"({"id":18446744073709551615,"title":"largest id"})",
        R"({"id":1.5,"title":"float id"})",
        R"({"id":-0,"title":"negative zero"})",
        R"({"id":123456789012345678901234567890,"title":"too big"})",
        R"({"title":"rating as text","rating":" 3.5 ","rating_scale":"10"})",
        R"({"title":"rating blank","rating":"  "})",
        R"({"title":"rating word","rating":"four"})",
        R"({"title":"rating huge","rating":1E999})",
        R"({"title":"rating bool","rating":true})",
        R"({"title":"rating as exponent","rating":4e0,"rating_scale":5.000})",
        R"({"title":"topic string","topics":"mindfulness"})",
        R"({"title":"topic number","topics":[1]})",
        R"({"title":"topic object","topics":{"a":"b"}})",
        R"({"title":"unknown number","stars":4.0,"votes":[1,2],"meta":{"a":1}})",
        R"({"title":"twice","title":"again"})",
        R"({"title":"unknown twice","x":"1","x":"2"})",
        R"({"title":"null twice","x":null,"x":"2"})",
        R"({"title":"bad date","date":"sometime"})",
        R"({"title":"","body":"   "})",
        R"({"body":"no title but a body"})",
        R"({"title":"escapes \u00e9\u0000 \ud83d\ude00 \"q\" \\ \/"})",
        R"({"title":"lone surrogate \ud800"})",
        "{\"title\":\"raw\ttab\"}",
        "{\"title\":\"tab between\"}\t",
        R"({"title":"trailing"} x)",
        R"({"title":"trailing"} {"title":"two"})",
        R"(["not","an","object"])",
        R"("just a string")",
        R"(42)",
        R"({"title":"unclosed")",
        R"({})",
        R"({"title":null,"body":"null title"})",
        R"({"title":5})",
        R"({"body":["array body"]})",
        "\xEF\xBB\xBF{\"title\":\"with a byte order mark\"}",
        R"({"title":"deep","x":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]})",
        R"( { "title" : "spaced" , "id" : " padded id " } )",
    };
    for (const std::string& line : lines) {
        INFO("line: " << line);
        CHECK(outcome(false, line) == outcome(true, line));
    }

    SECTION("and lines damaged at random") {
        // Each of the lines above, edited at random places with the bytes JSON cares about.
        const std::string bytes = "{}[]\":,\\ 0123456789eE.-+tnfu\t\x01\xc3\xa9";
        std::uint32_t state = 12345;
        const auto next = [&state] {
            state = state * 1664525u + 1013904223u;
            return state >> 8;
        };
        int fast_accepted = 0;
        for (int round = 0; round < 4000; ++round) {
            std::string line = lines[next() % lines.size()];
            for (int edits = 1 + static_cast<int>(next() % 3); edits > 0; --edits) {
                const std::size_t at = next() % (line.size() + 1);
                switch (next() % 3) {
                    case 0: line.insert(at, 1, bytes[next() % bytes.size()]); break;
                    case 1: if (at < line.size()) line.erase(at, 1); break;
                    default: if (at < line.size()) line[at] = bytes[next() % bytes.size()]; break;
                }
            }
            INFO("line: " << line);
            const std::string fast = outcome(false, line);
            CHECK(fast == outcome(true, line));
            if (fast.rfind("rejected", 0) != 0) ++fast_accepted;
        }
        CHECK(fast_accepted > 500);  // the edits leave many lines readable
    }
}

// Issue 22: a line nested 100,000 deep overflowed the stack in nlohmann's recursive dump()
// (exit 139), and the re-run crashed the same way, so the lines after it were never read.
TEST_CASE("a JSON line nested deeper than the limit is rejected with its line and the next line is read",
          "[corpus]") {
    const std::string deep = "{\"id\":\"n1\",\"body\":\"x\",\"extra\":" + std::string(100000, '[') +
                             std::string(100000, ']') + "}";
    const CollectingSink sink = read_text(deep + "\n{\"id\":\"n3\",\"body\":\"after\"}\n");
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.rejects[0].source == "corpus/sub/reviews.jsonl:1");
    CHECK(sink.rejects[0].reason == "JSON nested deeper than 64 levels");
    REQUIRE(sink.reviews.size() == 1);
    CHECK(sink.reviews[0].id == "n3");
}

TEST_CASE("a JSON line nested exactly to the limit is read, its deep value kept as JSON", "[corpus]") {
    // The record object is level 1, so the extra value may open 63 more.
    const std::string value = std::string(63, '[') + std::string(63, ']');
    const CollectingSink sink = read_text("{\"id\":\"n2\",\"body\":\"x\",\"extra\":" + value + "}\n");
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 1);
    CHECK(sink.reviews[0].extra_value("extra") == value);
}

TEST_CASE("brackets inside JSON strings do not count as nesting", "[corpus]") {
    const std::string brackets(500, '[');
    const CollectingSink sink =
        read_text("{\"id\":\"s1\",\"body\":\"" + brackets + " \\\" {{{\",\"tags\":[\"]]]\"]}\n");
    REQUIRE(sink.rejects.empty());
    REQUIRE(sink.reviews.size() == 1);
    CHECK(json_nesting_depth("{\"a\":\"[[[\\\"[[\",\"b\":[[1]]}", 64) == 3);
    CHECK(json_nesting_depth(std::string(10, '{'), 4) == 5);  // stops past the limit
}

namespace {

/// A stream of one JSON line whose body is `body_bytes` of text, then a short line, produced
/// block by block as it is read: a line of any length without holding it anywhere.
class LongLineBuffer : public std::streambuf {
public:
    explicit LongLineBuffer(std::uint64_t body_bytes)
        : head_("{\"id\":\"big\",\"body\":\""), tail_("\"}\n{\"id\":\"next\",\"body\":\"small one\"}\n"),
          left_(body_bytes) {
        block_.assign(64 * 1024, 'a');
    }

protected:
    int_type underflow() override {
        if (stage_ == 0) {
            stage_ = 1;
            setg(head_.data(), head_.data(), head_.data() + head_.size());
        } else if (stage_ == 1 && left_ > 0) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, block_.size()));
            left_ -= n;
            setg(block_.data(), block_.data(), block_.data() + n);
        } else if (stage_ == 1) {
            stage_ = 2;
            setg(tail_.data(), tail_.data(), tail_.data() + tail_.size());
        } else {
            return traits_type::eof();
        }
        return traits_type::to_int_type(*gptr());
    }

private:
    std::string head_, tail_, block_;
    std::uint64_t left_;
    int stage_ = 0;
};

/// The process's peak resident set so far, in bytes.
std::uint64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace

// Issue 22: a 1 MB gzip expanding to one 1 GB line reached 2.1 GB of memory before the line
// was rejected. The line is now read only up to the limit and the rest passed over.
TEST_CASE("a JSON line far over --max-record-bytes is rejected while read, in bounded memory",
          "[corpus]") {
    constexpr std::uint64_t kBody = std::uint64_t{512} << 20;  // 512 MiB in one line
    constexpr std::size_t kLimit = std::size_t{1} << 20;
    LongLineBuffer buffer(kBody);
    std::istream in(&buffer);
    CollectingSink sink;
    JsonlReader reader(kLimit);
    const std::uint64_t before = peak_rss_bytes();
    reader.read(in, kInfo, sink);
    const std::uint64_t grown = peak_rss_bytes() - before;
    INFO("peak RSS grew by " << grown << " bytes");
    CHECK(grown < (std::uint64_t{64} << 20));  // holding the line would take 512 MiB
    REQUIRE(sink.rejects.size() == 1);
    CHECK(sink.rejects[0].source == "corpus/sub/reviews.jsonl:1");
    CHECK(sink.rejects[0].reason == "record larger than --max-record-bytes (" +
                                        std::to_string(kBody + 20 + 2) + " > 1048576 bytes)");
    CHECK(sink.rejects[0].raw.size() <= 1024);
    REQUIRE(sink.reviews.size() == 1);
    CHECK(sink.reviews[0].id == "next");
    CHECK(sink.reviews[0].source == "corpus/sub/reviews.jsonl:2");
}

TEST_CASE("a JSON line of exactly --max-record-bytes is read, and one byte more is rejected",
          "[corpus]") {
    const std::string line = R"({"id":"edge","body":")" + std::string(100, 'b') + "\"}";
    const auto read_with = [&](std::size_t limit) {
        CollectingSink sink;
        std::istringstream in(line + "\n" + line + "\r\n");
        JsonlReader reader(limit);
        reader.read(in, kInfo, sink);
        return sink;
    };
    const CollectingSink fits = read_with(line.size() + 1);  // the CR counts
    CHECK(fits.rejects.empty());
    CHECK(fits.reviews.size() == 2);
    const CollectingSink exact = read_with(line.size());
    CHECK(exact.reviews.size() == 1);
    REQUIRE(exact.rejects.size() == 1);
    CHECK(exact.rejects[0].source == "corpus/sub/reviews.jsonl:2");
    const CollectingSink over = read_with(line.size() - 1);
    CHECK(over.reviews.empty());
    CHECK(over.rejects.size() == 2);
}
