#include "query/repl.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/review.hpp"
#include "common/schema.hpp"
#include "indexer/document_builder.hpp"
#include "query/printer.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::query;
using revsearch::test::TempDir;
namespace s = revsearch::schema;

namespace {

const char* const kLastSentence = "The final page describes a harbour at dawn.";

std::vector<Review> reviews() {
    std::vector<Review> rs;
    auto add = [&](const std::string& id, const std::string& title, const std::string& date,
                   double rating, const std::string& body) {
        Review r;
        r.id = id;
        r.title = title;
        r.reviewer = "Mira Okafor";
        r.date = date;
        r.rating = rating;
        r.rating_scale = 5;
        r.body = body;
        rs.push_back(r);
    };
    std::string long_body = "This teapot review starts with the teapot itself. ";
    for (int i = 0; i < 10; ++i) long_body += "Glaze, handle and spout are described at length. ";
    long_body += kLastSentence;
    add("teapot-deep", "The Teapot Diaries", "2019-03-14", 4, long_body);
    add("kettle-mention", "Kettle Round-Up", "2016-02-01", 3,
        "Kettles mostly, and one teapot at the back of the shop, among many kettles and cups.");
    add("lantern-old", "Old Lanterns", "2012-05-05", 5, "Paper lanterns glow.");
    add("lantern-new", "New Lanterns", "2021-08-08", 2, "Paper lanterns glow brightly tonight.");
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

/// One REPL over the fixture, with its output streams.
struct Session {
    Fixture fixture;
    Searcher searcher{fixture.path};
    std::ostringstream out;
    std::ostringstream err;
    Repl repl{searcher, SearchRequest{}, PrintOptions{}, out, err};

    /// Feeds the lines and returns what was printed on `out` for them alone.
    std::string feed(const std::vector<std::string>& lines) {
        out.str("");
        for (const auto& line : lines) {
            if (!repl.handle_line(line)) break;
        }
        return out.str();
    }
};

std::size_t position(const std::string& text, const std::string& what) {
    const std::size_t p = text.find(what);
    INFO("looking for: " << what << "\nin:\n" << text);
    REQUIRE(p != std::string::npos);
    return p;
}

}  // namespace

TEST_CASE("the REPL answers a query with ranked results", "[query]") {
    Session s;
    const std::string out = s.feed({"teapot"});
    CHECK(position(out, "1. The Teapot Diaries") < position(out, "2. Kettle Round-Up"));
    CHECK_THAT(out, Catch::Contains("id teapot-deep | Mira Okafor | 2019-03-14 | rating 4"));
    CHECK_THAT(out, Catch::Contains("[teapot]"));
    CHECK_THAT(out, Catch::Contains("results 1-2 of 2\n"));
    CHECK(s.err.str().empty());
}

TEST_CASE("the REPL shows a whole review with :show", "[query]") {
    Session s;
    const std::string results = s.feed({"teapot"});
    REQUIRE_THAT(results, !Catch::Contains(kLastSentence));
    const std::string shown = s.feed({":show 1"});
    CHECK_THAT(shown, Catch::StartsWith("The Teapot Diaries\n"));
    CHECK_THAT(shown, Catch::Contains("id: teapot-deep"));
    CHECK_THAT(shown, Catch::Contains("reviewer: Mira Okafor"));
    CHECK_THAT(shown, Catch::Contains("This [teapot] review starts with the [teapot] itself."));
    CHECK_THAT(shown, Catch::Contains(kLastSentence));
    CHECK(s.err.str().empty());

    SECTION(":show 2 shows the second result") {
        CHECK_THAT(s.feed({":show 2"}), Catch::StartsWith("Kettle Round-Up\n"));
    }
}

TEST_CASE("the REPL changes page size and pages with :k, :next and :prev", "[query]") {
    Session s;

    SECTION(":k 1 shows one result per page") {
        const std::string set = s.feed({":k 1"});
        CHECK_THAT(set, Catch::Contains("showing 1 results per page"));
        const std::string out = s.feed({"teapot"});
        CHECK_THAT(out, Catch::Contains("1. The Teapot Diaries"));
        CHECK_THAT(out, !Catch::Contains("2. "));
        CHECK_THAT(out, Catch::Contains("results 1-1 of 2\n"));
    }
    SECTION(":next shows the next page and :prev goes back") {
        (void)s.feed({":k 1", "teapot"});
        const std::string next = s.feed({":next"});
        CHECK_THAT(next, Catch::Contains("2. Kettle Round-Up"));
        CHECK_THAT(next, !Catch::Contains("The Teapot Diaries"));
        CHECK_THAT(next, Catch::Contains("results 2-2"));
        const std::string prev = s.feed({":prev"});
        CHECK_THAT(prev, Catch::Contains("1. The Teapot Diaries"));
        CHECK_THAT(prev, !Catch::Contains("Kettle Round-Up"));
    }
    SECTION(":show on a later page takes the rank shown there") {
        (void)s.feed({":k 1", "teapot", ":next"});
        CHECK_THAT(s.feed({":show 2"}), Catch::StartsWith("Kettle Round-Up\n"));
        CHECK(s.err.str().empty());
    }
    SECTION("a new query starts again at the first page") {
        (void)s.feed({":k 1", "teapot", ":next"});
        CHECK_THAT(s.feed({"teapot"}), Catch::Contains("1. The Teapot Diaries"));
    }
    SECTION("past the last page there are no results") {
        (void)s.feed({":k 1", "teapot", ":next"});
        CHECK_THAT(s.feed({":next"}), Catch::Contains("no results"));
    }
}

TEST_CASE("the REPL switches output format with :format", "[query]") {
    Session s;

    SECTION(":format json prints one JSON object per result, then the summary") {
        CHECK_THAT(s.feed({":format json"}), Catch::Contains("format json"));
        const auto lines = test::lines_of(s.feed({"teapot"}));
        REQUIRE(lines.size() == 3);
        CHECK(nlohmann::json::parse(lines[2]).at("total").at("value") == 2);
        const auto first = nlohmann::json::parse(lines[0]);
        CHECK(first.at("rank") == 1);
        CHECK(first.at("id") == "teapot-deep");
        CHECK(nlohmann::json::parse(lines[1]).at("id") == "kettle-mention");
    }
    SECTION(":format trec prints TREC run lines") {
        const auto lines = test::lines_of(s.feed({":format trec", "teapot"}));
        REQUIRE(lines.size() == 3);
        CHECK_THAT(lines[1], Catch::StartsWith("1 Q0 teapot-deep 1 "));
        CHECK_THAT(lines[2], Catch::StartsWith("1 Q0 kettle-mention 2 "));
    }
    SECTION("an unknown format is an error and the format stays as it was") {
        (void)s.feed({":format xml"});
        CHECK_THAT(s.err.str(), Catch::Contains("error:"));
        CHECK_THAT(s.feed({"teapot"}), Catch::Contains("1. The Teapot Diaries"));
    }
}

TEST_CASE("the REPL sorts with :sort", "[query]") {
    Session s;
    CHECK_THAT(s.feed({":sort date"}), Catch::Contains("sorting by date"));
    const std::string by_date = s.feed({"lanterns"});
    CHECK(position(by_date, "1. New Lanterns") < position(by_date, "2. Old Lanterns"));
    (void)s.feed({":sort rating"});
    const std::string by_rating = s.feed({"lanterns"});
    CHECK(position(by_rating, "1. Old Lanterns") < position(by_rating, "2. New Lanterns"));
}

TEST_CASE("an error on one REPL line is reported and the session goes on", "[query]") {
    Session s;

    SECTION("a malformed query is reported as a bad query") {
        CHECK(s.repl.handle_line("AND"));
        CHECK_THAT(s.err.str(), Catch::Contains("error: bad query:"));
    }
    SECTION(":show of a result that is not on the page is reported") {
        (void)s.feed({"teapot"});
        CHECK(s.repl.handle_line(":show 99"));
        CHECK_THAT(s.err.str(), Catch::Contains("no result 99"));
    }
    SECTION(":show before any query is reported") {
        CHECK(s.repl.handle_line(":show 1"));
        CHECK_THAT(s.err.str(), Catch::Contains("no results yet"));
    }
    SECTION("an unknown command is reported") {
        CHECK(s.repl.handle_line(":frobnicate"));
        CHECK_THAT(s.err.str(), Catch::Contains("unknown command :frobnicate"));
    }
    SECTION("a bad page size is reported") {
        CHECK(s.repl.handle_line(":k 0"));
        CHECK(s.repl.handle_line(":k many"));
        CHECK(test::lines_of(s.err.str()).size() == 2);
    }
    // After every error above, the next query still works.
    CHECK_THAT(s.feed({"teapot"}), Catch::Contains("1. The Teapot Diaries"));
}

TEST_CASE("the REPL ends on :quit or at the end of input", "[query]") {
    Session s;

    SECTION(":quit ends the session and later lines are not run") {
        std::istringstream in("teapot\n:quit\nlanterns\n");
        CHECK(s.repl.run(in) == 0);
        CHECK_THAT(s.out.str(), Catch::Contains("The Teapot Diaries"));
        CHECK_THAT(s.out.str(), !Catch::Contains("Lanterns"));
    }
    SECTION(":q is short for :quit") { CHECK_FALSE(s.repl.handle_line(":q")); }
    SECTION("the end of input ends the session") {
        std::istringstream in("\n   \nlanterns\r\n");
        CHECK(s.repl.run(in) == 0);
        CHECK_THAT(s.out.str(), Catch::Contains("Lanterns"));
        CHECK(s.err.str().empty());
    }
}

TEST_CASE("the REPL lists its commands with :help", "[query]") {
    Session s;
    const std::string help = s.feed({":help"});
    for (const char* command : {":help", ":k N", ":format F", ":sort S", ":show N", ":next",
                                ":prev", ":quit"}) {
        CHECK_THAT(help, Catch::Contains(command));
    }
    CHECK(help == kReplHelp);
}
