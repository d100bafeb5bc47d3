// Large inputs, run through the real revsearch-index in the Release build only (label big):
// they take too long under the sanitizers.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;

TEST_CASE("a 50 MB review is rejected by --max-record-bytes and indexed when the limit allows it",
          "[cli][slow]") {
    TempDir dir;
    std::string body;
    body.reserve(50u << 20);
    const std::string sentence = "Patience grows slowly in every careful reader of this long book. ";
    while (body.size() < (50u << 20)) body += sentence;
    const std::string input = dir.write("huge.jsonl", R"({"id":"huge","title":"Huge","body":")" +
                                                          body + "\"}\n" + jsonl_reviews(1, "small"));
    SECTION("with the default limit it is rejected by name and the rest is indexed") {
        const ProcessResult r = run_index({"--db", dir.file("db"), input});
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains(input + ":1: rejected: record larger than --max-record-bytes"));
        CHECK(indexed_count(dir.file("db")) == 1);
    }
    SECTION("with a larger limit it is indexed") {
        const ProcessResult r = run_index({"--db", dir.file("db"), "--max-record-bytes", "100000000", input});
        CHECK(r.exit_code == 0);
        CHECK(indexed_count(dir.file("db")) == 2);
    }
}

