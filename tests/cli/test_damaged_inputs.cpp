// Damaged and hostile inputs, run through the real revsearch-index: each bad record is
// named with its source and reason, everything else is indexed, and nothing crashes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

/// Lines whose words vary, so they compress poorly and a cut falls inside the stream.
std::string varied_lines(int n) {
    static constexpr const char* kWords[] = {"patience", "kettle", "harbour", "lantern", "quiet",
                                             "orchard", "ledger", "winter", "thistle", "mercy",
                                             "copper", "meadow", "sparrow", "candle", "river"};
    std::string out;
    std::uint32_t x = 12345;
    for (int i = 1; i <= n; ++i) {
        std::string body;
        for (int w = 0; w < 24; ++w) {
            x = x * 1103515245u + 12345u;
            body += std::string(kWords[(x >> 16) % 15]) + std::to_string((x >> 8) % 997) + " ";
        }
        out += R"({"id":"v)" + std::to_string(i) + R"(","title":"Varied )" + std::to_string(i) +
               R"(","body":")" + body + "\"}\n";
    }
    return out;
}

/// Compresses `file` in place with a command-line tool (gzip or zstd), keeping the original.
std::string compress(const std::string& file, const std::string& tool) {
    const std::string out = file + (tool == "gzip" ? ".gz" : ".zst");
    const ProcessResult r = run_process(
        {"/bin/sh", "-c", tool + " -q -c '" + file + "' > '" + out + "'"});
    REQUIRE(r.exit_code == 0);
    return out;
}

/// Cuts a file to `fraction` of its size.
void truncate_file(const std::string& path, double fraction) {
    const auto size = fs::file_size(path);
    fs::resize_file(path, static_cast<std::uintmax_t>(static_cast<double>(size) * fraction));
}

}  // namespace

TEST_CASE("a truncated compressed file keeps the records before the damage and names the file",
          "[cli]") {
    for (const std::string tool : {"gzip", "zstd"}) {
        DYNAMIC_SECTION("compressed with " << tool) {
            TempDir dir;
            // Enough text that the cut falls well inside the stream.
            const std::string plain = dir.write("big.jsonl", varied_lines(20000));
            const std::string packed = compress(plain, tool);
            fs::remove(plain);
            truncate_file(packed, 0.5);
            const ProcessResult r = run_index({"--db", dir.file("db"), packed});
            INFO(r.err);
            CHECK(r.exit_code == 3);
            CHECK_THAT(r.err, Catch::Contains(packed + ": rejected: truncated or corrupt compressed data"));
            const long docs = indexed_count(dir.file("db"));
            CHECK(docs > 100);
            CHECK(docs < 20000);
        }
    }
}

TEST_CASE("a JSON line cut in half is rejected with its line number and the rest is indexed",
          "[cli]") {
    TempDir dir;
    std::string content = jsonl_reviews(3, "a");
    content += R"({"id":"cut","title":"Half a rec)" "\n";
    content += jsonl_reviews(2, "b");
    const std::string input = dir.write("cut.jsonl", content);
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(input + ":4: rejected: malformed JSON"));
    CHECK(indexed_count(dir.file("db")) == 5);
}

TEST_CASE("binary garbage is rejected line by line when read as JSONL, and skipped otherwise",
          "[cli]") {
    TempDir dir;
    std::string garbage;
    for (int i = 0; i < 3000; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
    // Issue 17: a run that finds no review fails (exit 1) and leaves no database.
    SECTION("named as .jsonl, each line of it is a named reject") {
        const std::string input = dir.write("noise.jsonl", garbage);
        const ProcessResult r = run_index({"--db", dir.file("db"), input});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err,
                   Catch::Contains(input + ":1: rejected: binary data, not text in any encoding"));
        CHECK_THAT(r.err, Catch::Contains("all rejected"));
        CHECK_FALSE(fs::exists(dir.file("db")));
    }
    SECTION("with no telling name, it is skipped as not a review format") {
        const std::string input = dir.write("noise.bin", garbage);
        const ProcessResult r = run_index({"--db", dir.file("db"), input});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains(input + ": skipped: not a recognised review format"));
        CHECK_FALSE(fs::exists(dir.file("db")));
    }
}

TEST_CASE(
    "a Latin-1 line among UTF-8 ones is transcoded, counted, and rejected only with --encoding "
    "utf-8",
    "[cli]") {
    TempDir dir;
    const std::string input = dir.write(
        "latin1.jsonl", jsonl_reviews(1, "ok") + "{\"id\":\"bad\",\"title\":\"Caf\xe9 au lait\"}\n");
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("transcoded 1 record to UTF-8: from windows-1252 1"));
    CHECK(indexed_count(dir.file("db")) == 2);
    const ProcessResult strict = run_index({"--db", dir.file("db2"), "--encoding", "utf-8", input});
    CHECK(strict.exit_code == 3);
    CHECK_THAT(strict.err, Catch::Contains(input + ":2: rejected: invalid UTF-8"));
    CHECK(indexed_count(dir.file("db2")) == 1);
}

TEST_CASE("an empty file indexes nothing, and as the only input it is an error", "[cli]") {
    TempDir dir;
    const std::string input = dir.write("empty.jsonl", "");
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("1 file read, holding no records"));
    const ProcessResult with_other =
        run_index({"--db", dir.file("db"), input, dir.write("one.jsonl", jsonl_reviews(1, "x"))});
    CHECK(with_other.exit_code == 0);
}

TEST_CASE("a record with nothing to index is rejected but a title without a body is indexed",
          "[cli]") {
    TempDir dir;
    const std::string input = dir.write(
        "mixed.jsonl", R"({"id":"empty","reviewer":"Nobody"})" "\n"
                       R"({"id":"title-only","title":"Just a title"})" "\n");
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(input + ":1: rejected: nothing to index (no title and no body)"));
    CHECK(indexed_count(dir.file("db")) == 1);
}

TEST_CASE("a directory with an unreadable entry reports it and indexes the rest", "[cli]") {
    TempDir dir;
    dir.write("in/a.jsonl", jsonl_reviews(2, "a"));
    fs::create_symlink(dir.file("in/missing.jsonl"), dir.file("in/dangling.jsonl"));
    const ProcessResult r = run_index({"--db", dir.file("db"), dir.file("in")});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("dangling.jsonl: rejected: unreadable input"));
    CHECK(indexed_count(dir.file("db")) == 2);
}

TEST_CASE("duplicate ids in one run are counted and the last one wins", "[cli]") {
    TempDir dir;
    const std::string input = dir.write(
        "dups.jsonl", R"({"id":"x","title":"First version","body":"old words"})" "\n"
                      R"({"id":"y","title":"Other","body":"other words"})" "\n"
                      R"({"id":"x","title":"Second version","body":"new words"})" "\n");
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("replaced 1 (1 repeated within this run)"));
    CHECK_THAT(r.err, Catch::Contains(input + ":3: note: id 'x' repeats an earlier record"));
    const ProcessResult q = run_process({query_bin(), "--db", dir.file("db"), "--format", "json", "id:x"});
    CHECK_THAT(q.out, Catch::Contains("Second version"));
    // Accounting: documents = records read - rejected - replaced duplicates.
    CHECK(indexed_count(dir.file("db")) == 3 - 0 - 1);
}

// Issue 22: this file (the issue's Python reproduction) made revsearch-index exit 139, and the
// re-run crash the same way, so "n3" was never indexed.
TEST_CASE("a JSON line nested 100,000 deep is rejected with its line and the run and its re-run end normally",
          "[cli]") {
    TempDir dir;
    const std::string input = dir.write(
        "n.jsonl", "{\"id\":\"n1\",\"body\":\"x\",\"extra\":" + std::string(100000, '[') +
                       std::string(100000, ']') + "}\n{\"id\":\"n3\",\"body\":\"after\"}\n");
    for (int run = 1; run <= 2; ++run) {  // the second run updates the first one's index
        INFO("run " << run);
        const ProcessResult r = run_index({"--db", dir.file("db"), input});
        INFO(r.err);
        CHECK(r.exit_code == 3);  // finished, with a reject
        CHECK_THAT(r.err, Catch::Contains(input + ":1: rejected: JSON nested deeper than 64 levels"));
        CHECK(indexed_count(dir.file("db")) == 1);
        const ProcessResult q =
            run_process({query_bin(), "--db", dir.file("db"), "--format", "json", "id:n3 OR id:n1"});
        CHECK_THAT(q.out, Catch::Contains("\"id\":\"n3\""));
        CHECK_THAT(q.out, Catch::Contains("after"));
        CHECK_THAT(q.out, !Catch::Contains("\"id\":\"n1\""));
    }
}

// Issue 22: one repeated id in a 1 GB file printed 1,037,311 "id repeats" notes (111 MB).
TEST_CASE("repeated-id notes are shown for the first ten and then summarised with a total", "[cli]") {
    TempDir dir;
    std::string content;
    for (int i = 1; i <= 26; ++i) content += R"({"id":"same","title":"Copy )" + std::to_string(i) + "\"}\n";
    const std::string input = dir.write("repeats.jsonl", content);
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("replaced 25 (25 repeated within this run)"));
    std::size_t notes = 0;
    for (std::size_t at = r.err.find(": note: id 'same'"); at != std::string::npos;
         at = r.err.find(": note: id 'same'", at + 1)) {
        ++notes;
    }
    CHECK(notes == 10);
    CHECK_THAT(r.err, Catch::Contains("15 more lines like \"note: id '\xE2\x80\xA6' repeats an earlier "
                                      "record of this run; the last one wins\" not shown (25 in all)"));
    CHECK(indexed_count(dir.file("db")) == 1);
}

TEST_CASE("ten repeated-id notes are all shown, with no summary line", "[cli]") {
    TempDir dir;
    std::string content;
    for (int i = 1; i <= 11; ++i) content += R"({"id":"same","title":"Copy )" + std::to_string(i) + "\"}\n";
    const std::string input = dir.write("repeats.jsonl", content);
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains(input + ":11: note: id 'same' repeats"));
    CHECK_THAT(r.err, !Catch::Contains("more lines like"));
}
