// Incremental updates through the real revsearch-index: unchanged files are passed over,
// reviews are deleted by id, and reviews a file no longer holds are removed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;

namespace {

ProcessResult index(const std::vector<std::string>& args) {
    std::vector<std::string> argv{index_bin(), "--progress", "none"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

std::vector<std::string> ids(const std::string& db, const std::string& query) {
    const ProcessResult r = run_process({query_bin(), "--db", db, "--format", "trec", "-k", "100", query});
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> out;
    for (const std::string& line : lines_of(r.out)) {
        std::istringstream fields(line);
        std::string qid, q0, id;
        fields >> qid >> q0 >> id;
        out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string line(const std::string& id, const std::string& body) {
    return R"({"id":")" + id + R"(","title":"Review )" + id + R"(","body":")" + body + "\"}\n";
}

}  // namespace

TEST_CASE("the option --skip-unchanged passes over files an earlier run indexed and reads changed ones",
          "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    dir.write("in/a.jsonl", line("a1", "quiet harbour") + line("a2", "quiet lantern"));
    dir.write("in/b.jsonl", line("b1", "quiet meadow"));
    REQUIRE(index({"--db", db, dir.file("in")}).exit_code == 0);

    SECTION("with nothing changed, no file is read again") {
        const ProcessResult r = index({"--db", db, "--skip-unchanged", dir.file("in")});
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("read 0 records"));
        CHECK_THAT(r.err, Catch::Contains("2 unchanged, not read"));
        CHECK(ids(db, "quiet") == std::vector<std::string>{"a1", "a2", "b1"});
    }
    SECTION("a changed file is read again and its reviews updated; the others are left alone") {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        dir.write("in/b.jsonl", line("b1", "quiet orchard") + line("b2", "quiet orchard again"));
        const ProcessResult r = index({"--db", db, "--skip-unchanged", dir.file("in")});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("read 2 records"));
        CHECK_THAT(r.err, Catch::Contains("1 unchanged, not read"));
        CHECK(ids(db, "orchard") == std::vector<std::string>{"b1", "b2"});
        CHECK(ids(db, "meadow").empty());
        CHECK(ids(db, "harbour") == std::vector<std::string>{"a1"});
    }
}

TEST_CASE("the option --delete removes reviews by id and says which ids it did not find", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    dir.write("in.jsonl", line("x", "copper kettle") + line("y", "copper candle"));
    REQUIRE(index({"--db", db, dir.file("in.jsonl")}).exit_code == 0);
    const ProcessResult r = index({"--db", db, "--delete", "x", "nope"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("deleted 1"));
    CHECK_THAT(r.err, Catch::Contains("--delete nope: no such review"));
    CHECK(ids(db, "copper") == std::vector<std::string>{"y"});
}

TEST_CASE("the option --delete-missing removes the reviews a re-read file no longer holds", "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    dir.write("in/a.jsonl", line("a1", "river stone") + line("a2", "river reed") + line("a3", "river bank"));
    dir.write("in/b.jsonl", line("b1", "river mouth"));
    REQUIRE(index({"--db", db, dir.file("in")}).exit_code == 0);
    dir.write("in/a.jsonl", line("a1", "river stone") + line("a3", "river bank"));
    const ProcessResult r = index({"--db", db, "--delete-missing", dir.file("in")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("deleted 1"));
    CHECK_THAT(r.err, Catch::Contains("deleted 'a2': no longer in the source"));
    CHECK(ids(db, "river") == std::vector<std::string>{"a1", "a3", "b1"});
}
