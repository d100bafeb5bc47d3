#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "corpus/inputs.hpp"
#include "corpus/reader.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::corpus;

namespace fs = std::filesystem;

namespace {

InputInfo make_info(const std::string& display, const std::string& relative) {
    InputInfo info;
    info.display = display;
    info.relative = relative;
    return info;
}

std::vector<std::string> relatives(const std::vector<InputFile>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.info.relative);
    return out;
}

// Restores a path's permissions when the test ends, so TempDir can remove it.
class PermissionGuard {
  public:
    PermissionGuard(fs::path path, fs::perms perms) : path_(std::move(path)) {
        fs::permissions(path_, perms);
    }
    ~PermissionGuard() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    }
    PermissionGuard(const PermissionGuard&) = delete;
    PermissionGuard& operator=(const PermissionGuard&) = delete;

  private:
    fs::path path_;
};

// A breadcrumb line as review pages have it: "Reviews Home » Books » Title".
const std::string kPageHead =
    "Psych Central\n\nReviews Home \xC2\xBB Books \xC2\xBB A Quiet Mind\n\nA Quiet Mind\n\n"
    "This is the review text, which goes on for a while.\n";

}  // namespace

TEST_CASE("a directory expands to its files recursively, sorted, with relative paths", "[corpus]") {
    test::TempDir dir;
    const fs::path root = dir.path() / "corpus";
    dir.write("corpus/b.jsonl", "{}\n");
    dir.write("corpus/a/z.txt", "zz");
    dir.write("corpus/a/b/c.jsonl", "{\"title\": \"c\"}\n");
    dir.write("corpus/A.jsonl", "");
    dir.write("corpus/a-file.jsonl", "1");
    std::vector<InputProblem> problems;
    const auto files = expand_inputs({root.string()}, problems);

    SECTION("every regular file below the directory is listed in byte-wise order") {
        CHECK(relatives(files) == std::vector<std::string>{"A.jsonl", "a-file.jsonl", "a/b/c.jsonl",
                                                           "a/z.txt", "b.jsonl"});
        CHECK(problems.empty());
    }
    SECTION("each file's path opens it and its display path ends with its relative path") {
        for (const auto& f : files) {
            INFO(f.info.relative);
            CHECK(fs::is_regular_file(f.path));
            CHECK(fs::equivalent(f.path, root / f.info.relative));
            CHECK(f.info.display.size() >= f.info.relative.size());
            CHECK(f.info.display.compare(f.info.display.size() - f.info.relative.size(),
                                         std::string::npos, f.info.relative) == 0);
        }
    }
    SECTION("each file's size is recorded") {
        REQUIRE(files.size() == 5);
        CHECK(files[0].size == 0);                                           // A.jsonl
        CHECK(files[2].size == std::string("{\"title\": \"c\"}\n").size());  // a/b/c.jsonl
        CHECK(files[3].size == 2);                                           // a/z.txt
    }
    SECTION("expanding again gives the same list") {
        std::vector<InputProblem> again;
        CHECK(relatives(expand_inputs({root.string()}, again)) == relatives(files));
    }
}

TEST_CASE("hidden files and hidden directories are passed over in a walk", "[corpus]") {
    test::TempDir dir;
    dir.write("root/visible.jsonl", "{}");
    dir.write("root/.hidden.jsonl", "{}");
    dir.write("root/.git/objects/pack.jsonl", "{}");
    dir.write("root/sub/.DS_Store", "x");
    dir.write("root/sub/.cache/inner.jsonl", "{}");
    dir.write("root/sub/kept.txt", "x");
    std::vector<InputProblem> problems;
    const auto files = expand_inputs({(dir.path() / "root").string()}, problems);
    CHECK(relatives(files) == std::vector<std::string>{"sub/kept.txt", "visible.jsonl"});
    CHECK(problems.empty());
}

TEST_CASE("a named file stands for itself with its base name as relative path", "[corpus]") {
    test::TempDir dir;
    const std::string path = dir.write("deep/er/reviews.jsonl", "{\"title\": \"t\"}\n");
    std::vector<InputProblem> problems;
    SECTION("the file is listed once under its own path") {
        const auto files = expand_inputs({path}, problems);
        REQUIRE(files.size() == 1);
        CHECK(files[0].path == path);
        CHECK(files[0].info.display == path);
        CHECK(files[0].info.relative == "reviews.jsonl");
        CHECK(files[0].size == std::string("{\"title\": \"t\"}\n").size());
    }
    SECTION("a named hidden file is read: only walks pass hidden entries over") {
        const std::string hidden = dir.write(".secret.jsonl", "{}");
        const auto files = expand_inputs({hidden}, problems);
        REQUIRE(files.size() == 1);
        CHECK(files[0].info.relative == ".secret.jsonl");
    }
    SECTION("several inputs keep the order they were named in") {
        dir.write("d/x.jsonl", "{}");
        const auto files = expand_inputs({path, (dir.path() / "d").string(), path}, problems);
        CHECK(relatives(files) ==
              std::vector<std::string>{"reviews.jsonl", "x.jsonl", "reviews.jsonl"});
    }
}

TEST_CASE("an input that does not exist is a usage error naming it", "[corpus]") {
    test::TempDir dir;
    const std::string missing = dir.file("no-such-file.jsonl");
    std::vector<InputProblem> problems;
    CHECK_THROWS_AS(expand_inputs({missing}, problems), UsageError);
    CHECK_THROWS_WITH(expand_inputs({missing}, problems), Catch::Contains(missing));
    SECTION("it is refused even after good inputs") {
        const std::string good = dir.write("good.jsonl", "{}");
        CHECK_THROWS_AS(expand_inputs({good, missing}, problems), UsageError);
    }
}

TEST_CASE("an unreadable file inside a directory is reported and passed over", "[corpus]") {
    test::TempDir dir;
    dir.write("root/a.jsonl", "{\"title\": \"a\"}\n");
    const std::string locked = dir.write("root/b-locked.jsonl", "{\"title\": \"b\"}\n");
    dir.write("root/c.jsonl", "{\"title\": \"c\"}\n");
    const PermissionGuard guard(locked, fs::perms::none);
    if (access(locked.c_str(), R_OK) == 0) {
        WARN("skipped: running with privileges that read a chmod 000 file (root?)");
        return;
    }
    std::vector<InputProblem> problems;
    const auto files = expand_inputs({(dir.path() / "root").string()}, problems);
    CHECK(relatives(files) == std::vector<std::string>{"a.jsonl", "c.jsonl"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path.find("b-locked.jsonl") != std::string::npos);
    CHECK_FALSE(problems[0].reason.empty());
}

TEST_CASE("an unreadable directory inside a walk is reported and the rest still read", "[corpus]") {
    test::TempDir dir;
    // Many siblings, so that some come after the locked folder in the directory's own order.
    std::vector<std::string> expected;
    for (char c = 'a'; c <= 'z'; ++c) {
        const std::string name = std::string(1, c) + ".jsonl";
        dir.write("root/" + name, "{}");
        expected.push_back(name);
        if (c == 'm') {
            dir.write("root/m-locked/inner.jsonl", "{}");
            dir.write("root/n/one.jsonl", "{}");
            dir.write("root/n/two.jsonl", "{}");
        }
    }
    expected.push_back("n/one.jsonl");
    expected.push_back("n/two.jsonl");
    std::sort(expected.begin(), expected.end());
    const fs::path locked = dir.path() / "root" / "m-locked";
    const PermissionGuard guard(locked, fs::perms::none);
    if (access(locked.c_str(), R_OK | X_OK) == 0) {
        WARN("skipped: running with privileges that read a chmod 000 directory (root?)");
        return;
    }
    std::vector<InputProblem> problems;
    const auto files = expand_inputs({(dir.path() / "root").string()}, problems);
    CHECK(relatives(files) == expected);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path.find("m-locked") != std::string::npos);
}

TEST_CASE("opening and sniffing inputs", "[corpus]") {
    test::TempDir dir;
    const std::string path = dir.write("r.jsonl", "0123456789");
    SECTION("open_input reads the file's bytes") {
        auto in = open_input(path);
        std::string content;
        std::getline(*in, content);
        CHECK(content == "0123456789");
    }
    SECTION("open_input on a missing file throws CorpusError naming the file") {
        const std::string missing = dir.file("missing.jsonl");
        CHECK_THROWS_AS(open_input(missing), CorpusError);
        try {
            (void)open_input(missing);
        } catch (const CorpusError& e) {
            CHECK(e.file() == missing);
            CHECK(e.line() == 0);
        }
    }
    SECTION("read_head reads at most the bytes asked for") {
        CHECK(read_head(path, 4) == "0123");
        CHECK(read_head(path) == "0123456789");
        CHECK(read_head(dir.file("missing")).empty());
    }
}

TEST_CASE("the format is detected from the file name and its first bytes", "[corpus]") {
    const std::string jsonl_head = "{\"id\": \"1\", \"title\": \"A title\", \"body\": \"Text.\"}\n";
    SECTION("a .jsonl file is JSON Lines") {
        CHECK(detect_format("data/reviews.jsonl", jsonl_head) == Format::Jsonl);
        CHECK(detect_format("data/REVIEWS.JSONL", jsonl_head) == Format::Jsonl);
        CHECK(detect_format("data/reviews.ndjson", jsonl_head) == Format::Jsonl);
        CHECK(detect_format("data/empty.jsonl", "") == Format::Jsonl);
    }
    SECTION("a .txt file whose content starts with '{' is JSON Lines") {
        CHECK(detect_format("dump.txt", jsonl_head) == Format::Jsonl);
        CHECK(detect_format("dump.txt", "\n  \r\n\t" + jsonl_head) == Format::Jsonl);
    }
    SECTION("a .txt file with a review page's breadcrumb is a page") {
        CHECK(detect_format("pages/a-quiet-mind.txt", kPageHead) == Format::Page);
    }
    SECTION("a provenance note is not reviews") {
        CHECK(detect_format("corpus/PROVENANCE.md",
                            "# Provenance\n\nThese pages were saved by hand from a review site "
                            "in 2016.\n") == Format::Auto);
        CHECK(detect_format("corpus/PROVENANCE.md", kPageHead) == Format::Auto);
    }
    SECTION("a binary file is not reviews") {
        CHECK(detect_format("image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)) ==
              Format::Auto);
    }
}

TEST_CASE("format names parse, print and refuse unknown names", "[corpus]") {
    CHECK(parse_format("auto") == Format::Auto);
    CHECK(parse_format("jsonl") == Format::Jsonl);
    CHECK(parse_format("page") == Format::Page);
    CHECK(format_name(Format::Jsonl) == "jsonl");
    CHECK(format_name(Format::Page) == "page");
    CHECK_THROWS_AS(parse_format("xml-ish"), UsageError);
    CHECK_THROWS_WITH(parse_format("xml-ish"), Catch::Contains("xml-ish"));
    const auto names = format_names();
    CHECK(std::find(names.begin(), names.end(), "auto") == names.end());
    CHECK(std::find(names.begin(), names.end(), "jsonl") != names.end());
    for (const auto name : names) CHECK(format_name(parse_format(name)) == name);
    SECTION("there is no reader for auto") {
        CHECK_THROWS_AS(make_reader(Format::Auto), UsageError);
        CHECK(make_reader(Format::Jsonl) != nullptr);
    }
}

TEST_CASE("ids derive from the relative path without its extensions", "[corpus]") {
    SECTION("strip_extensions drops one extension and a compression suffix") {
        CHECK(strip_extensions("a/b.json.gz") == "a/b");
        CHECK(strip_extensions("a/b.txt") == "a/b");
        CHECK(strip_extensions("b.jsonl.zst") == "b");
        CHECK(strip_extensions("b.txt.bz2") == "b");
        CHECK(strip_extensions("b.txt.xz") == "b");
        CHECK(strip_extensions("page.review.2016.txt") == "page.review.2016");
    }
    SECTION("strip_extensions leaves dots in directory names and leading dots alone") {
        CHECK(strip_extensions("v1.2/review") == "v1.2/review");
        CHECK(strip_extensions("dir.d/.hidden") == "dir.d/.hidden");
        CHECK(strip_extensions("a/.gz") == "a/.gz");
        CHECK(strip_extensions("plain") == "plain");
    }
    SECTION("derived ids name the line for many-record files and not for one-review files") {
        const InputInfo info = make_info("/data/x/sub/r.jsonl", "sub/r.jsonl");
        CHECK(derived_id(info, 7) == "sub/r.jsonl:7");
        CHECK(derived_id(info, 0) == "sub/r");
    }
}
