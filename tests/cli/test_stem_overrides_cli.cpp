// Issue 17, point 3, through the real executables: "compassion" is not "compass".
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

using namespace revsearch::test;

namespace {

const char* const kReviews =
    R"({"id":"fatigue","title":"Caring for carers","body":"Compassion fatigue wears down nurses; a compassionate manager helps."}
{"id":"ethics","title":"A novel of the war","body":"The captain keeps his moral compass when the others lose theirs."}
{"id":"breath","title":"Breathing lessons","body":"Mindfulness exercises, practised mindfully, for anxious readers."}
{"id":"thriller","title":"A twisty plot","body":"It plays with the reader's mind until the last page."}
)";

ProcessResult query(const std::vector<std::string>& args) {
    std::vector<std::string> argv{query_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

/// The review ids of a TREC run, sorted.
std::vector<std::string> ids_found(const std::string& db, const std::string& text) {
    const ProcessResult r = query({"--db", db, "--format", "trec", text});
    INFO("revsearch-query stderr:\n" << r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> ids;
    for (const std::string& line : lines_of(r.out)) {
        std::istringstream fields(line);
        std::string qid, q0, id;
        fields >> qid >> q0 >> id;
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

struct Indexed {
    TempDir dir;
    std::string db = dir.file("db");
    std::string input = dir.write("reviews.jsonl", kReviews);
    explicit Indexed(const std::vector<std::string>& options = {}) {
        std::vector<std::string> args{"--db", db};
        args.insert(args.end(), options.begin(), options.end());
        args.push_back(input);
        const ProcessResult r = run_index(args);
        INFO("revsearch-index stderr:\n" << r.err);
        REQUIRE(r.exit_code == 0);
    }
};

}  // namespace

TEST_CASE("revsearch-query 'compassion fatigue' finds compassion, not a moral compass",
          "[cli][regression]") {
    const Indexed f;

    SECTION("compassion finds the compassion review and not the compass review") {
        CHECK(ids_found(f.db, "compassion fatigue") == std::vector<std::string>{"fatigue"});
        CHECK(ids_found(f.db, "compassionate") == std::vector<std::string>{"fatigue"});
        CHECK(ids_found(f.db, "compass") == std::vector<std::string>{"ethics"});
    }
    SECTION("mindfulness does not match mind, and mind does not match mindfulness") {
        CHECK(ids_found(f.db, "mindfulness") == std::vector<std::string>{"breath"});
        CHECK(ids_found(f.db, "mind") == std::vector<std::string>{"thriller"});
    }
    SECTION("the snippet marks compassion and compassionate, never compass") {
        const ProcessResult r = query({"--db", f.db, "--highlight", "plain", "compassion"});
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("[Compassion] fatigue"));
        CHECK_THAT(r.out, Catch::Contains("[compassionate]"));
        CHECK_THAT(r.out, !Catch::Contains("[compass]"));
    }
    SECTION("a correctly spelt overridden word gets no spelling suggestion") {
        const ProcessResult r = query({"--db", f.db, "--format", "trec", "mindfulness"});
        CHECK_THAT(r.err, !Catch::Contains("did you mean"));
    }
    SECTION("--stats names the overrides the index was built with") {
        const ProcessResult r = query({"--db", f.db, "--stats"});
        CHECK_THAT(r.out, Catch::Contains("stem overrides english"));
    }
}

TEST_CASE("revsearch-index --stem-overrides replaces the list or turns it off", "[cli]") {
    SECTION(
        "a file replaces the built-in list: its words are kept apart, the others are Snowball's") {
        TempDir files;
        const std::string list =
            files.write("mine.txt", "mindfulness mindful\nmindfully mindful\n");
        const Indexed f({"--stem-overrides", list});
        CHECK(ids_found(f.db, "mindfulness") == std::vector<std::string>{"breath"});
        CHECK(ids_found(f.db, "compassion") == std::vector<std::string>{"ethics", "fatigue"});
    }
    SECTION("none gives Snowball's stems, collisions included") {
        const Indexed f({"--stem-overrides", "none"});
        CHECK(ids_found(f.db, "compassion") == std::vector<std::string>{"ethics", "fatigue"});
        CHECK(ids_found(f.db, "mind") == std::vector<std::string>{"breath", "thriller"});
        CHECK_THAT(query({"--db", f.db, "--stats"}).out, Catch::Contains("stem overrides none"));
    }
    SECTION("a malformed file is a usage error naming its line, and no index is written") {
        TempDir files;
        const std::string list = files.write("bad.txt", "one two three\n");
        const ProcessResult r = run_index(
            {"--db", files.file("db"), "--stem-overrides", list, files.write("r.jsonl", kReviews)});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("bad.txt:1:"));
        CHECK_FALSE(std::filesystem::exists(files.file("db")));
    }
    SECTION("an index built without overrides keeps Snowball's stems when more reviews are added") {
        const Indexed f({"--stem-overrides", "none"});
        TempDir more;
        const std::string input =
            more.write("more.jsonl",
                       R"({"id":"later","title":"Later","body":"Self-compassion for beginners."})"
                       "\n");
        const ProcessResult r = run_index({"--db", f.db, input});
        REQUIRE(r.exit_code == 0);
        CHECK(ids_found(f.db, "compass") == std::vector<std::string>{"ethics", "fatigue", "later"});
    }
    SECTION("asking an index for other overrides than it was built with is refused") {
        const Indexed f({"--stem-overrides", "none"});
        const ProcessResult r = run_index({"--db", f.db, "--stem-overrides", "english", f.input});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("stem overrides 'none'"));
    }
}
