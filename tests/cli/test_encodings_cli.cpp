// Issue 17 through the real revsearch-index and revsearch-query: reviews in other encodings
// than UTF-8 are indexed with the right characters and counted (point 1), runs whose inputs
// hold no review fail and leave nothing behind (point 5), and the progress bar keeps messages
// on lines of their own (point 9). The fixtures are sentences written for these tests; iconv
// (glibc's, always on Debian) writes their other encodings.

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

/// `utf8` converted to `encoding` by iconv.
std::string iconv_to(const std::string& utf8, const std::string& encoding) {
    const ProcessResult r = run_process({"/usr/bin/iconv", "-f", "UTF-8", "-t", encoding}, utf8);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
}

std::string jsonl(const std::string& id, const std::string& title, const std::string& body) {
    return "{\"id\": \"" + id + "\", \"title\": \"" + title + "\", \"body\": \"" + body + "\"}\n";
}

ProcessResult query(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

/// The ids and titles of every hit of `q`, from --format json.
std::map<std::string, std::string> hits(const std::string& db, const std::string& q) {
    const ProcessResult r = query({"--db", db, "--format", "json", "-k", "100", q});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::map<std::string, std::string> out;
    for (const std::string& line : lines_of(r.out)) {
        const auto j = nlohmann::json::parse(line);
        if (j.contains("id")) out[j.at("id").get<std::string>()] = j.value("title", "");
    }
    return out;
}

// The text every fixture holds, in UTF-8: a café, typographic quotes and a dash, the
// copyright sign (windows-1252's 0xE9, 0x93, 0x94, 0x96, 0xA9).
const std::string kBody =
    "The caf\xC3\xA9 scene is \xE2\x80\x9Cquiet\xE2\x80\x9D and precise \xE2\x80\x93 the best "
    "thing in the film. \xC2\xA9 1998 The Daily Critic";
// Latin-1 has no typographic quotes: its fixture keeps to characters it has.
const std::string kLatin1Body =
    "A caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
    "e of a film. \xC2\xA9 2001 Le Critique";

/// Writes one fixture per encoding into `dir`/in and returns the expected per-file counts.
std::map<std::string, std::map<std::string, int>> write_fixtures(const TempDir& dir) {
    dir.write("in/w1252.txt", iconv_to(kBody, "WINDOWS-1252"));
    dir.write("in/latin1.txt", iconv_to(kLatin1Body, "ISO-8859-1"));
    const std::string lines =
        jsonl("le1", "Caf\xC3\xA9 one", kBody) + jsonl("le2", "Two", kLatin1Body);
    dir.write("in/utf16le.jsonl", "\xFF\xFE" + iconv_to(lines, "UTF-16LE"));
    dir.write("in/utf16be.jsonl",
              "\xFE\xFF" + iconv_to(jsonl("be1", "Caf\xC3\xA9 BE", kBody), "UTF-16BE"));
    dir.write("in/utf8bom.jsonl", "\xEF\xBB\xBF" + jsonl("bom1", "Caf\xC3\xA9 BOM", kBody));
    dir.write("in/mixed.jsonl",
              jsonl("m1", "UTF-8 caf\xC3\xA9", kBody) +
                  iconv_to(jsonl("m2", "Legacy caf\xC3\xA9", kBody), "WINDOWS-1252") +
                  jsonl("m3", "UTF-8 again", kLatin1Body));
    // One review per file in windows-1252, packed in a .tar.zst; the mixed file gzipped.
    dir.write("pack/a/1.txt", iconv_to(kBody, "WINDOWS-1252"));
    dir.write("pack/a/2.txt", iconv_to(kLatin1Body, "WINDOWS-1252"));
    dir.write("pack/b/3.txt", kBody);
    REQUIRE(run_process({"/bin/sh", "-c",
                         "cd '" + dir.file("pack") + "' && tar --zstd -cf '" +
                             dir.file("in/reviews.tar.zst") + "' a b && gzip -c '" +
                             dir.file("in/mixed.jsonl") + "' > '" + dir.file("in/mixed.jsonl.gz") +
                             "'"})
                .exit_code == 0);
    return {{"w1252.txt", {{"windows-1252", 1}}},      {"latin1.txt", {{"windows-1252", 1}}},
            {"utf16le.jsonl", {{"UTF-16LE", 2}}},      {"utf16be.jsonl", {{"UTF-16BE", 1}}},
            {"mixed.jsonl", {{"windows-1252", 1}}},    {"mixed.jsonl.gz", {{"windows-1252", 1}}},
            {"reviews.tar.zst", {{"windows-1252", 2}}}};
}

}  // namespace

TEST_CASE(
    "reviews in windows-1252, Latin-1, UTF-16 and UTF-8 with a mark are all indexed with the right "
    "characters",
    "[cli]") {
    TempDir dir;
    const auto expected = write_fixtures(dir);
    const std::string db = dir.file("db");
    const ProcessResult r = run_index({"--db", db, dir.file("in")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // 1 + 1 + 2 + 1 + 1 + 3 + 3 (the .gz) + 3 (the archive): every record, none rejected.
    CHECK_THAT(r.err, Catch::Contains("read 15 records"));
    CHECK_THAT(r.err, Catch::Contains("rejected 0"));

    SECTION("the summary counts the transcoded records by encoding and by file") {
        CHECK_THAT(r.err, Catch::Contains("transcoded 9 records to UTF-8: from UTF-16BE 1, "
                                          "from UTF-16LE 2, from windows-1252 6"));
        CHECK_THAT(r.err, Catch::Contains(dir.file("in/reviews.tar.zst") + ": windows-1252 2"));
    }
    SECTION("--stats and its JSON give the same counts, per file and in all") {
        const auto j =
            nlohmann::json::parse(query({"--db", db, "--stats", "--format", "json"}).out);
        CHECK(j.at("transcoded_by_encoding") ==
              nlohmann::json({{"UTF-16BE", 1}, {"UTF-16LE", 2}, {"windows-1252", 6}}));
        std::map<std::string, std::map<std::string, int>> per_file;
        for (const auto& in : j.at("manifest").at("inputs")) {
            const std::string path = in.at("path").get<std::string>();
            const std::string name = path.substr(path.rfind('/') + 1);
            if (in.contains("transcoded")) {
                per_file[name] = in.at("transcoded").get<std::map<std::string, int>>();
            }
        }
        CHECK(per_file == expected);
        const std::string text = query({"--db", db, "--stats"}).out;
        CHECK_THAT(text, Catch::Contains("from windows-1252: 6 records"));
        CHECK_THAT(text, Catch::Contains("transcoded UTF-16LE 2)"));
    }
    SECTION("a search for café finds every review, each with its text as written") {
        // 15 records, 12 reviews: the gzipped copy of mixed.jsonl repeats its three ids.
        const auto found = hits(db, "caf\xC3\xA9");
        CHECK(found.size() == 12);
        const ProcessResult shown = query({"--db", db, "--format", "json", "id:m2"});
        const auto hit = nlohmann::json::parse(lines_of(shown.out).at(0));
        CHECK(hit.at("title") == "Legacy caf\xC3\xA9");
        const ProcessResult text = query({"--db", db, "--highlight", "none", "-k", "100", "quiet"});
        CHECK_THAT(
            text.out,
            Catch::Contains("\xE2\x80\x9Cquiet\xE2\x80\x9D and precise \xE2\x80\x93 the best"));
        CHECK_THAT(text.out, !Catch::Contains("\xEF\xBF\xBD"));  // no replacement characters
    }
    SECTION("a search for \xC2\xA9 finds every review, and one for a sign none holds finds none") {
        CHECK(hits(db, "\xC2\xA9").size() == 12);
        CHECK(hits(db, "\xE2\x82\xAC").empty());  // the euro sign
        CHECK(hits(db, "\xC2\xAE").empty());      // the registered sign
    }
    SECTION("the one-review files in the archive keep their windows-1252 characters") {
        const ProcessResult shown = query({"--db", db, "--highlight", "none", "id:a/1"});
        CHECK_THAT(shown.out, Catch::Contains("\xE2\x80\x9Cquiet\xE2\x80\x9D"));
        CHECK_THAT(shown.out, Catch::Contains("\xC2\xA9 1998"));
    }
}

TEST_CASE(
    "every encoding fixture is read alike in a folder, inside a .tar.zst and gzipped one by one",
    "[cli]") {
    TempDir dir;
    write_fixtures(dir);
    // The same kinds once more, with a binary line beside a good one: the negative case.
    const std::vector<std::string> kinds = {"w1252.txt",     "latin1.txt",    "utf16le.jsonl",
                                            "utf16be.jsonl", "utf8bom.jsonl", "mixed.jsonl"};
    dir.write("kinds/binary.jsonl",
              jsonl("ok1", "Fine", "plain words") +
                  "{\"id\": \"junk\", \"title\": \"\xC0\x01\x02\x03\xFF\"}\n");
    std::string copy = "cd '" + dir.file("in") + "' && cp";
    for (const std::string& kind : kinds) copy += " " + kind;
    copy += " '" + dir.file("kinds") + "' && cd '" + dir.file("kinds") + "' && tar --zstd -cf '" +
            dir.file("packed.tar.zst") + "' * && mkdir '" + dir.file("gz") +
            "' && for f in *; do gzip -c \"$f\" > '" + dir.file("gz") + "'/\"$f\".gz; done";
    REQUIRE(run_process({"/bin/sh", "-c", copy}).exit_code == 0);

    for (const std::string container : {"kinds", "packed.tar.zst", "gz"}) {
        INFO("inputs: " << container);
        const std::string db = dir.file("db-" + container);
        const ProcessResult r = run_index({"--db", db, dir.file(container)});
        INFO(r.err);
        // 1 + 1 + 2 + 1 + 1 + 3 records of the kinds, 2 of binary.jsonl, whose second is junk.
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("read 11 records"));
        CHECK_THAT(r.err, Catch::Contains("rejected 1"));
        CHECK_THAT(r.err, Catch::Contains(":2: rejected: binary data, not text in any encoding"));
        CHECK_THAT(r.err, Catch::Contains("transcoded 6 records to UTF-8: from UTF-16BE 1, "
                                          "from UTF-16LE 2, from windows-1252 3"));
        const auto stats =
            nlohmann::json::parse(query({"--db", db, "--stats", "--format", "json"}).out);
        CHECK(stats.at("transcoded_by_encoding") ==
              nlohmann::json({{"UTF-16BE", 1}, {"UTF-16LE", 2}, {"windows-1252", 3}}));
        // Nine reviews hold café and ©, each read with its own characters; the euro sign none.
        CHECK(hits(db, "caf\xC3\xA9").size() == 9);
        CHECK(hits(db, "\xC2\xA9").size() == 9);
        CHECK(hits(db, "\xE2\x82\xAC").empty());
        CHECK(hits(db, "id:m2") ==
              std::map<std::string, std::string>{{"m2", "Legacy caf\xC3\xA9"}});
        CHECK(hits(db, "id:be1") == std::map<std::string, std::string>{{"be1", "Caf\xC3\xA9 BE"}});
        CHECK(hits(db, "id:bom1") ==
              std::map<std::string, std::string>{{"bom1", "Caf\xC3\xA9 BOM"}});
        const ProcessResult quiet =
            query({"--db", db, "--highlight", "none", "-k", "100", "quiet"});
        CHECK_THAT(quiet.out, Catch::Contains("\xE2\x80\x9Cquiet\xE2\x80\x9D and precise "
                                              "\xE2\x80\x93 the best"));
        // The Latin-1 text's accented words are words of the index, as in the UTF-8 original.
        const std::string creme =
            "cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e";
        CHECK(hits(db, creme).size() == 3);
        const ProcessResult brulee =
            query({"--db", db, "--highlight", "none", "-k", "100", "\"" + creme + "\""});
        CHECK_THAT(brulee.out, Catch::Contains(creme));
        for (const ProcessResult* shown : {&quiet, &brulee}) {
            CHECK_THAT(shown->out, !Catch::Contains("\xEF\xBF\xBD"));  // no U+FFFD anywhere
        }
    }
}

TEST_CASE("a search for a symbol finds the reviews that hold it, and only those", "[cli]") {
    TempDir dir;
    const std::string input =
        dir.write("signs.jsonl",
                  iconv_to(jsonl("c1", "Bylined", "Text \xC2\xA9 1998 The Critic") +
                               jsonl("e1", "Priced", "It cost 20 \xE2\x82\xAC and was worth it") +
                               jsonl("n1", "Neither", "A review with no sign at all, 1998"),
                           "WINDOWS-1252"));
    const std::string db = dir.file("db");
    REQUIRE(run_index({"--db", db, input}).exit_code == 0);
    CHECK(hits(db, "\xC2\xA9") == std::map<std::string, std::string>{{"c1", "Bylined"}});
    CHECK(hits(db, "\xE2\x82\xAC") == std::map<std::string, std::string>{{"e1", "Priced"}});
    SECTION("with words, the symbol is required and the words rank") {
        CHECK(hits(db, "1998 \xC2\xA9") == std::map<std::string, std::string>{{"c1", "Bylined"}});
        CHECK(hits(db, "1998").size() == 2);
    }
}

TEST_CASE(
    "the option --encoding utf-8 keeps the strict behaviour: legacy records are rejected as invalid UTF-8",
    "[cli]") {
    TempDir dir;
    write_fixtures(dir);
    const ProcessResult r = run_index({"--db", dir.file("db"), "--encoding", "utf-8",
                                       dir.file("in/mixed.jsonl"), dir.file("in/w1252.txt")});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(dir.file("in/mixed.jsonl") + ":2: rejected: invalid UTF-8"));
    CHECK_THAT(r.err, Catch::Contains(dir.file("in/w1252.txt") + ": rejected: invalid UTF-8"));
    CHECK_THAT(r.err, !Catch::Contains("transcoded"));
    CHECK(indexed_count(dir.file("db")) == 2);
}

TEST_CASE("the option --encoding NAME reads every file in that encoding and counts its records", "[cli]") {
    TempDir dir;
    const std::string input =
        dir.write("ru.jsonl",
                  iconv_to(jsonl("ru1", "\xD0\xA4\xD0\xB8\xD0\xBB\xD1\x8C\xD0\xBC",
                                 "\xD1\x85\xD0\xBE"
                                 "\xD1\x80\xD0\xBE\xD1\x88\xD0\xB8\xD0\xB9 \xD1\x84\xD0\xB8\xD0\xBB"
                                 "\xD1\x8C\xD0\xBC"),
                           "KOI8-R"));
    const std::string db = dir.file("db");
    const ProcessResult r = run_index({"--db", db, "--encoding", "koi8-r", input});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("transcoded 1 record to UTF-8: from KOI8-R 1"));
    CHECK(hits(db, "\xD1\x84\xD0\xB8\xD0\xBB\xD1\x8C\xD0\xBC").count("ru1") == 1);
    SECTION("an encoding ICU does not know is a usage error") {
        CHECK(run_index({"--db", dir.file("db2"), "--encoding", "klingon-8", input}).exit_code ==
              2);
        CHECK_FALSE(fs::exists(dir.file("db2")));
    }
}

TEST_CASE("a binary record is still rejected, and the text around it indexed", "[cli]") {
    TempDir dir;
    const std::string input =
        dir.write("mixed.jsonl", jsonl("ok1", "Fine", "words") +
                                     "{\"id\": \"junk\", \"title\": \"\xC0\x01\x02\x03\xFF\"}\n" +
                                     iconv_to(jsonl("w1", "Caf\xC3\xA9", "words"), "WINDOWS-1252"));
    const ProcessResult r = run_index({"--db", dir.file("db"), input});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err,
               Catch::Contains(input + ":2: rejected: binary data, not text in any encoding"));
    CHECK_THAT(r.err, Catch::Contains("transcoded 1 record to UTF-8"));
    CHECK(indexed_count(dir.file("db")) == 2);
}

TEST_CASE("a run whose inputs hold no review fails, says what it saw, and leaves no database",
          "[cli]") {
    TempDir dir;
    const std::string db = dir.file("db");
    SECTION("a file of no known format") {
        const std::string input =
            dir.write("notes.xyz", "some words, then more words, in no format at all\n");
        const ProcessResult r = run_index({"--db", db, input});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("no reviews in the inputs"));
        CHECK_THAT(r.err,
                   Catch::Contains("1 file skipped as not a recognised review format (" + input));
        CHECK_THAT(r.err, Catch::Contains("--format"));
        CHECK_FALSE(fs::exists(db));
        CHECK_FALSE(fs::exists(db + ".parts"));
    }
    SECTION("a path that does not exist") {
        const ProcessResult r = run_index({"--db", db, dir.file("missing.jsonl")});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no such input: " + dir.file("missing.jsonl")));
        CHECK_FALSE(fs::exists(db));
    }
    SECTION("an empty folder, and an empty file") {
        fs::create_directories(dir.file("empty"));
        const ProcessResult folder = run_index({"--db", db, dir.file("empty")});
        CHECK(folder.exit_code == 1);
        CHECK_THAT(folder.err, Catch::Contains("they hold no files"));
        const ProcessResult file = run_index({"--db", db, dir.write("empty.jsonl", "")});
        CHECK(file.exit_code == 1);
        CHECK_THAT(file.err, Catch::Contains("1 file read, holding no records"));
        CHECK_FALSE(fs::exists(db));
    }
    SECTION("records that are all rejected, with --shards too") {
        const std::string input = dir.write("bad.jsonl", "{\"id\": \"x\"}\n[1, 2]\n");
        for (const std::vector<std::string>& extra :
             {std::vector<std::string>{}, {"--shards", "2"}, {"--threads", "1"}}) {
            std::vector<std::string> args{"--db", db, input};
            args.insert(args.end(), extra.begin(), extra.end());
            const ProcessResult r = run_index(args);
            CHECK(r.exit_code == 1);
            CHECK_THAT(r.err, Catch::Contains("2 records read, all rejected"));
            CHECK_FALSE(fs::exists(db));
        }
    }
    SECTION("into an index that has reviews, it fails the same way and the index keeps them") {
        REQUIRE(run_index({"--db", db, dir.write("good.jsonl", jsonl_reviews(3, "g"))}).exit_code ==
                0);
        const ProcessResult r = run_index({"--db", db, dir.write("empty.jsonl", "")});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Catch::Contains("no reviews in the inputs"));
        CHECK(indexed_count(db) == 3);
    }
    SECTION("but a run whose files are all unchanged is not a failure") {
        const std::string input = dir.write("good.jsonl", jsonl_reviews(3, "g"));
        REQUIRE(run_index({"--db", db, input}).exit_code == 0);
        CHECK(run_index({"--db", db, "--skip-unchanged", input}).exit_code == 0);
    }
}

namespace {

/// What a terminal shows after `output`: `\r` returns to the line's start, `ESC [K` clears
/// the rest of the line, `\n` starts a new one, other characters overwrite.
std::vector<std::string> screen(const std::string& output) {
    std::vector<std::string> lines(1);
    std::size_t column = 0;
    for (std::size_t i = 0; i < output.size(); ++i) {
        const char c = output[i];
        std::string& line = lines.back();
        if (c == '\n') {
            lines.emplace_back();
            column = 0;
        } else if (c == '\r') {
            column = 0;
        } else if (c == '\x1b' && output.compare(i, 3, "\x1b[K") == 0) {
            line.resize(std::min(line.size(), column));
            i += 2;
        } else {
            if (column < line.size()) {
                line[column] = c;
            } else {
                line += c;
            }
            ++column;
        }
    }
    return lines;
}

}  // namespace

TEST_CASE("the option --progress bar prints rejects and skips on lines of their own, and ends at 100%",
          "[cli]") {
    TempDir dir;
    // Long enough that the bar is drawn (every 0.2 s) between the rejects; the ids differ
    // between the files (a repeated id costs a look-up in the parts written before).
    auto reviews = [](const std::string& tag) {
        std::string content;
        for (int i = 1; i <= 40000; ++i) {
            content += i % 8000 == 0 ? "{\"id\": \"cut" + std::to_string(i) + "\", \"title\": \n"
                                     : jsonl(tag + std::to_string(i), "Title",
                                             "a body of words " + std::to_string(i));
        }
        return content;
    };
    dir.write("in/a.jsonl", reviews("a"));
    dir.write("in/b.xyz", "not a review format\n");
    dir.write("in/c.jsonl", reviews("c"));
    const ProcessResult r = run_process({index_bin(), "--db", dir.file("db"), "--progress", "bar",
                                         "--threads", "1", dir.file("in")});
    REQUIRE(r.exit_code == 3);
    const auto lines = screen(r.err);
    std::size_t bars = 0, messages = 0;
    std::string last_bar;
    for (const std::string& line : lines) {
        INFO("screen line: " << line);
        if (line.find("rejected: malformed JSON") != std::string::npos ||
            line.find("skipped:") != std::string::npos) {
            ++messages;
            // A message starts its line: nothing of the bar is left before or after it.
            CHECK(line.rfind(dir.file("in/"), 0) == 0);
            CHECK(line.find("reviews/s") == std::string::npos);
        } else if (line.find("reviews/s") != std::string::npos) {
            ++bars;
            last_bar = line;
            CHECK(line.rfind("[", 0) == 0);
        }
    }
    // 5 rejects in each JSON file, and the skipped one: 10 of a kind are all shown (more
    // would be summarised).
    CHECK(messages == 11);
    CHECK(bars >= 1);
    CHECK_THAT(last_bar, Catch::StartsWith("[########################] 100% 80000 reviews"));
}
