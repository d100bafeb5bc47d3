// Issue 17, points 6 and 7 through the HTTP API: `distinct` collapses copies, and ratings
// filter on the one 0-5 scale.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/serve/serve_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::test;
using json = nlohmann::json;

namespace {

/// Three copies of one review (ids differ, as across product variants), one other review by
/// someone else, and a review rated 4 of 10.
std::string write_db(const TempDir& dir) {
    std::string lines;
    for (int i = 1; i <= 3; ++i) {
        lines += json{{"id", "copy" + std::to_string(i)},
                      {"reviewer", "Ann"},
                      {"date", "2020-01-02"},
                      {"title", "Sturdy kettle"},
                      {"body", "The kettle boils fast and the handle stays cool."},
                      {"rating", 9},
                      {"rating_scale", 10}}
                     .dump() +
                 "\n";
    }
    lines += json{{"id", "other"},
                  {"reviewer", "Bo"},
                  {"date", "2021-05-06"},
                  {"title", "Loud kettle"},
                  {"body", "The kettle boils fast but whistles too loud."},
                  {"rating", 2},
                  {"rating_scale", 10}}
                 .dump() +
             "\n";
    const std::string input = dir.write("kettles.jsonl", lines);
    const ProcessResult r = run_index({"--db", dir.file("db"), "--no-topics", input});
    REQUIRE(r.exit_code == 0);
    return dir.file("db");
}

std::set<std::string> ids_of(const json& body) {
    std::set<std::string> ids;
    for (const json& hit : body["hits"]) ids.insert(hit["id"].get<std::string>());
    return ids;
}

}  // namespace

TEST_CASE("the API collapses copies with distinct=1 and shows them all with distinct=0",
          "[serve]") {
    TempDir dir;
    RunningServer running(write_db(dir));
    auto c = running.client();
    SECTION("distinct=0 (and no distinct, the server's default) lists every copy") {
        const Reply all = get(c, "/api/search", {{"q", "kettle"}, {"distinct", "0"}});
        REQUIRE(all.status == 200);
        CHECK(all.json["hits"].size() == 4);
        CHECK(all.json["distinct"] == false);
        CHECK(get(c, "/api/search", {{"q", "kettle"}}).json["hits"].size() == 4);
    }
    SECTION("distinct=1 gives one copy, the number of the others, and exact facet counts") {
        const Reply one = get(c, "/api/search",
                              {{"q", "kettle"}, {"distinct", "1"}, {"facets", "reviewer,rating"}});
        REQUIRE(one.status == 200);
        CHECK(ids_of(one.json) == std::set<std::string>{"copy1", "other"});
        CHECK(one.json["distinct"] == true);
        CHECK(one.json["copies_collapsed"] == 2);
        CHECK(one.json["total"]["value"] == 2);
        CHECK(one.json["total"]["exact"] == true);
        for (const json& hit : one.json["hits"]) {
            CHECK(hit["copies"] == (hit["id"] == "copy1" ? 2 : 0));
        }
        for (const json& v : one.json["facets"]["reviewer"]) CHECK(v["count"] == 1);
    }
    SECTION("a copy's dup: search lists all three copies") {
        const Reply one = get(c, "/api/search", {{"q", "id:copy2"}});
        REQUIRE(one.json["hits"].size() == 1);
        const std::string key = one.json["hits"][0]["content_key"].get<std::string>();
        const Reply copies = get(c, "/api/search", {{"q", "dup:" + key}, {"distinct", "0"}});
        CHECK(ids_of(copies.json) == std::set<std::string>{"copy1", "copy2", "copy3"});
    }
    SECTION("distinct takes 0 or 1, nothing else") {
        CHECK(get(c, "/api/search", {{"q", "kettle"}, {"distinct", "yes"}}).status == 400);
    }
}

TEST_CASE("the API's rating filter works on the 0-5 scale: 9 of 10 is in 4..5, 2 of 10 is not",
          "[serve]") {
    TempDir dir;
    RunningServer running(write_db(dir));
    auto c = running.client();
    const Reply high = get(c, "/api/search", {{"q", "kettle"}, {"filter", "rating:4..5"}});
    REQUIRE(high.status == 200);
    CHECK(ids_of(high.json) == std::set<std::string>{"copy1", "copy2", "copy3"});
    for (const json& hit : high.json["hits"]) {
        CHECK(hit["rating"] == 9);
        CHECK(hit["rating_scale"] == 10);
        CHECK(hit["rating_normalised"] == 4.5);
    }
    const Reply low = get(c, "/api/search", {{"q", "kettle"}, {"filter", "rating:1"}});
    CHECK(ids_of(low.json) == std::set<std::string>{"other"});
}
