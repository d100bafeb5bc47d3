// Issue 17, points 6 and 7, through the real executables: duplicates collapsed by --distinct
// and reported by --stats; ratings of every reader on one 0-5 scale.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/schema.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch::test;
using json = nlohmann::json;

namespace {

ProcessResult query(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
}

/// The ids of `--format json` hits, in order (the summary line, if any, has no id).
std::vector<std::string> json_ids(const std::string& out) {
    std::vector<std::string> ids;
    for (const std::string& line : lines_of(out)) {
        const json j = json::parse(line);
        if (j.contains("id")) ids.push_back(j["id"].get<std::string>());
    }
    return ids;
}

std::set<std::string> id_set(const std::string& out) {
    const auto ids = json_ids(out);
    return {ids.begin(), ids.end()};
}

/// Amazon 2018 lines (ratings out of 5, by the reader), aclImdb-named files (out of 10, by the
/// built-in path template) and a CSV file (out of its rating_scale column), about one film.
void write_mixed_sources(const TempDir& dir) {
    const auto amazon = [](const std::string& who, int overall, const std::string& text) {
        return json{{"overall", overall},          {"reviewerID", "ID" + who},
                    {"asin", "B00FILM"},           {"reviewerName", who},
                    {"summary", "About the film"}, {"reviewText", text},
                    {"unixReviewTime", 1400000000}}
                   .dump() +
               "\n";
    };
    dir.write("amazon/Movies_5.json", amazon("Ann", 4, "The harbour film was good, acting fine.") +
                                          amazon("Bo", 5, "The harbour film was superb.") +
                                          amazon("Cy", 2, "The harbour film dragged on."));
    dir.write("imdb/train/pos/1_8.txt", "A harbour film worth seeing twice.");
    dir.write("imdb/train/pos/2_10.txt", "The best harbour film I know.");
    dir.write("imdb/train/pos/3_7.txt", "A decent harbour film, a little long.");
    dir.write("imdb/train/neg/4_4.txt", "This harbour film wasted my evening.");
    // A critics' sheet out of 100, with its scale in a column.
    dir.write("critics/critics.csv",
              "id,title,body,rating,rating_scale\n"
              "c90,Harbour lights,A harbour film of rare patience.,90,100\n"
              "c60,Harbour again,The harbour film repeats itself.,60,100\n");
    dir.write("imdb/train/urls_pos.txt",
              "http://example.org/a\nhttp://example.org/b\nhttp://example.org/c\n"
              "http://example.org/d\nhttp://example.org/e\n");
    dir.write("imdb/train/urls_neg.txt",
              "http://example.org/a\nhttp://example.org/b\nhttp://example.org/c\n"
              "http://example.org/d\nhttp://example.org/e\n");
}

}  // namespace

TEST_CASE("a combined index of ratings out of 5, 10 and 100 answers rating:4..5 on one scale",
          "[cli]") {
    TempDir dir;
    write_mixed_sources(dir);
    const ProcessResult built =
        run_index({"--db", dir.file("db"), "--no-topics", dir.file("amazon"), dir.file("imdb"),
                   dir.file("critics")});
    INFO(built.err);
    REQUIRE(built.exit_code == 0);
    const std::string db = dir.file("db");
    const std::string amazon = "Movies_5.json";  // ids are the file name and line

    SECTION("4 and 5 of 5, 8 and 10 of 10, 90 of 100; not 7 of 10, 4 of 10, 60 of 100, 2 of 5") {
        const ProcessResult r =
            query({"--db", db, "--format", "json", "-k", "50", "harbour rating:4..5"});
        REQUIRE(r.exit_code == 0);
        CHECK(id_set(r.out) ==
              std::set<std::string>{amazon + ":1", amazon + ":2", "train/pos/1", "train/pos/2",
                                    "c90"});
    }
    SECTION("the ratings as given stay beside the normalised ones") {
        const ProcessResult r = query({"--db", db, "--format", "json", "id:train/pos/3"});
        REQUIRE(r.exit_code == 0);
        const json hit = json::parse(lines_of(r.out).at(0));
        CHECK(hit["rating"] == 7);
        CHECK(hit["rating_scale"] == 10);
        CHECK(hit["rating_normalised"] == 3.5);
    }
    SECTION("sorting by rating interleaves the sources on the one scale") {
        const ProcessResult r =
            query({"--db", db, "--format", "json", "-k", "50", "--sort", "rating", "harbour"});
        REQUIRE(r.exit_code == 0);
        CHECK(json_ids(r.out) ==
              std::vector<std::string>{amazon + ":2", "train/pos/2", "c90", amazon + ":1",
                                       "train/pos/1", "train/pos/3", "c60", amazon + ":3",
                                       "train/neg/4"});
    }
    SECTION("the rating facet counts both sources in one set of buckets") {
        const ProcessResult r = query({"--db", db, "--facets", "rating", "harbour"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("rating:  2 (2)  4 (2)  5 (2)  3 (1)  3.5 (1)  4.5 (1)"));
    }
}

TEST_CASE(
    "ratings that come without a scale are in no rating range unless --rating-scale gives one",
    "[cli]") {
    TempDir dir;
    const std::string input =
        dir.write("bare.jsonl", R"({"id":"r8","title":"Eight","body":"A quiet film.","rating":8})"
                                "\n");
    SECTION("without --rating-scale the summary says so and rating filters pass the review over") {
        const ProcessResult built = run_index({"--db", dir.file("db"), input});
        REQUIRE(built.exit_code == 0);
        CHECK_THAT(built.err, Catch::Contains("1 ratings came with no scale"));
        const ProcessResult r =
            query({"--db", dir.file("db"), "--format", "json", "film rating:0..5"});
        CHECK(json_ids(r.out).empty());
        const ProcessResult stats = query({"--db", dir.file("db"), "--stats", "--format", "json"});
        CHECK(json::parse(stats.out)["ratings"]["without_usable_scale"] == 1);
    }
    SECTION("with --rating-scale 10 an 8 is a 4") {
        const ProcessResult built =
            run_index({"--db", dir.file("db10"), "--rating-scale", "10", input});
        REQUIRE(built.exit_code == 0);
        CHECK_THAT(built.err, !Catch::Contains("no scale"));
        const ProcessResult r =
            query({"--db", dir.file("db10"), "--format", "json", "film rating:4"});
        CHECK(json_ids(r.out) == std::vector<std::string>{"r8"});
    }
    SECTION("--rating-scale must be positive") {
        CHECK(run_index({"--db", dir.file("bad"), "--rating-scale", "0", input}).exit_code == 2);
    }
}

TEST_CASE("revsearch-query --distinct shows each review once and --stats reports the copies",
          "[cli]") {
    TempDir dir;
    std::string lines;
    for (int i = 1; i <= 3; ++i) {
        lines += json{{"id", "copy" + std::to_string(i)},
                      {"reviewer", "Ann"},
                      {"date", "2020-01-02"},
                      {"title", "Sturdy kettle"},
                      {"body", "The kettle boils fast and the handle stays cool."},
                      {"product", "kettle variant " + std::to_string(i)}}
                     .dump() +
                 "\n";
    }
    lines += json{{"id", "other"},
                  {"reviewer", "Bo"},
                  {"date", "2020-01-02"},
                  {"title", "Sturdy kettle"},
                  {"body", "The kettle boils fast and the handle stays cool."}}
                 .dump() +
             "\n";
    const std::string input = dir.write("kettles.jsonl", lines);
    REQUIRE(run_index({"--db", dir.file("db"), "--no-topics", input}).exit_code == 0);
    const std::string db = dir.file("db");

    SECTION("without --distinct, all four; with it, one copy of Ann's review and Bo's") {
        CHECK(json_ids(query({"--db", db, "--format", "json", "kettle"}).out).size() == 4);
        const ProcessResult r = query({"--db", db, "--format", "json", "--distinct", "kettle"});
        CHECK(id_set(r.out) == std::set<std::string>{"copy1", "other"});
        for (const std::string& line : lines_of(r.out)) {
            const json hit = json::parse(line);
            if (!hit.contains("rank")) continue;  // the summary line
            CHECK(hit["copies"] == (hit["id"] == "copy1" ? 2 : 0));
            CHECK(hit["content_key"].get<std::string>().size() == 32);
        }
    }
    SECTION("the text output says how many copies a result stands for") {
        const ProcessResult r = query({"--db", db, "--distinct", "--facets", "year", "kettle"});
        CHECK_THAT(r.out, Catch::Contains("+ 2 more copies of this review (dup:"));
        CHECK_THAT(r.out, Catch::Contains("2 distinct reviews, 2 copies left out"));
        CHECK_THAT(r.out, Catch::Contains("year:  2020 (2)"));
    }
    SECTION("--stats counts the groups, the reviews in them and the copies --distinct leaves out") {
        const json stats = json::parse(query({"--db", db, "--stats", "--format", "json"}).out);
        CHECK(stats["duplicates"]["groups"] == 1);
        CHECK(stats["duplicates"]["reviews_in_groups"] == 3);
        CHECK(stats["duplicates"]["copies"] == 2);
        CHECK(stats["duplicates"]["distinct_reviews"] == 2);
        REQUIRE(stats["duplicates"]["examples"].size() == 1);
        CHECK(stats["duplicates"]["examples"][0]["reviews"] == 3);
        CHECK(stats["duplicates"]["examples"][0]["reviewer"] == "Ann");
        const ProcessResult text = query({"--db", db, "--stats"});
        CHECK_THAT(text.out, Catch::Contains("duplicates: 1 groups hold 3 reviews"));
    }
    SECTION("the REPL turns collapsing on and off with :distinct") {
        const ProcessResult r = query({"--db", db, "--repl", "--format", "json"},
                                      "kettle\n:distinct on\n:distinct off\n");
        REQUIRE(r.exit_code == 0);
        std::vector<std::size_t> sizes;
        std::size_t n = 0;
        for (const std::string& line : lines_of(r.out)) {
            if (line.rfind("{", 0) == 0) {
                // Hits carry a rank; each search's summary line has none.
                if (json::parse(line).contains("rank")) ++n;
            } else {
                sizes.push_back(n);
                n = 0;
            }
        }
        sizes.push_back(n);
        CHECK(sizes == std::vector<std::size_t>{4, 2, 4});
    }
}

TEST_CASE("revsearch-index refuses to add to an index written with schema version 1", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    const std::string first = dir.write("a.jsonl", jsonl_reviews(2, "a"));
    REQUIRE(run_index({"--db", db, first}).exit_code == 0);
    {
        Xapian::WritableDatabase old(db);
        old.set_metadata(std::string(revsearch::schema::kMetaSchema), "1");
        old.commit();
    }
    const ProcessResult r = run_index({"--db", db, dir.write("b.jsonl", jsonl_reviews(2, "b"))});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("schema version 1"));
    CHECK_THAT(r.err, Catch::Contains("index into a new --db"));
    CHECK(indexed_count(db) == 2);
}
