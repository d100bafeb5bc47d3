// The log of a long job: repeated messages summarised after the first few of each kind.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "common/progress.hpp"

using namespace revsearch;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a log line's kind sets aside its source, its quoted parts and its numbers", "[common]") {
    CHECK(ProgressLog::kind_of("big.jsonl:1037: note: id 'r-9' repeats an earlier record") ==
          "note: id '\xE2\x80\xA6' repeats an earlier record");
    CHECK(ProgressLog::kind_of("a.csv:5: rejected: expected 10 columns, found 11") ==
          "rejected: expected N columns, found N");
    CHECK(ProgressLog::kind_of("t.tar!/x: skipped: symbolic link to 'a.txt', not followed") ==
          "skipped: symbolic link to '\xE2\x80\xA6', not followed");
    // Negative: lines that are not SOURCE: KIND: text have no kind, and always pass.
    CHECK(ProgressLog::kind_of("revsearch-index: read 12 records").empty());
    CHECK(ProgressLog::kind_of("a note: about nothing").empty());
}

TEST_CASE("repeated log lines are shown for the first ten of a kind and then counted to a total",
          "[common]") {
    std::ostringstream out;
    Progress progress(out, Progress::Style::None, 0);
    {
        ProgressLog log(progress);
        for (int i = 1; i <= 25; ++i) {
            log << "f.jsonl:" << i << ": note: id 'x" << i << "' repeats an earlier record\n";
        }
        for (int i = 1; i <= 10; ++i) log << "f.jsonl:" << i << ": rejected: malformed JSON\n";
        log << "revsearch-index: something else\n";
        log.write_held_back();
    }
    const std::string text = out.str();
    CHECK(count_of(text, ": note: id") == ProgressLog::kShownPerKind);
    CHECK_THAT(text, Catch::Contains("f.jsonl:10: note: id 'x10'"));
    CHECK_THAT(text, !Catch::Contains("f.jsonl:11: note:"));
    CHECK_THAT(text, Catch::Contains("revsearch-index: 15 more lines like \"note: id '\xE2\x80\xA6' "
                                     "repeats an earlier record\" not shown (25 in all)"));
    // Negative: ten of a kind are all shown and get no summary line; other lines pass.
    CHECK(count_of(text, ": rejected: malformed JSON") == 10);
    CHECK_THAT(text, !Catch::Contains("like \"rejected:"));
    CHECK_THAT(text, Catch::Contains("revsearch-index: something else"));
}
