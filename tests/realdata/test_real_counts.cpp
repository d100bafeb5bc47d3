// Issue 17, point 4, on a real corpus: the totals revsearch-query prints are the numbers of
// matching reviews, checked against a count made without the index (the reviews read again
// with the corpus library and split by the index's own analyzer), and a total that is an
// estimate is worded as one. Release build only (label `big`); skips without ../shared.
#include <xapian.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/analyzer.hpp"
#include "common/review.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

/// Every review of an input, as revsearch-index reads it.
class Collect final : public corpus::RecordSink, public corpus::WalkObserver {
  public:
    void on_review(Review&& r) override { reviews.push_back(std::move(r)); }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::vector<Review> reviews;
};

std::vector<Review> read_all(const fs::path& path) {
    std::vector<corpus::InputProblem> problems;
    corpus::Walker walker(corpus::WalkOptions{});
    Collect c;
    for (const auto& f : corpus::expand_inputs({path.string()}, problems)) walker.walk(f, c, c);
    return c.reviews;
}

/// The stems of a text, stop words left out, as the indexer numbers its positions.
std::vector<std::string> stems(const Analyzer& analyzer, const std::string& text) {
    std::vector<Token> tokens;
    analyzer.tokenize(text, tokens);
    std::vector<std::string> out;
    for (Token& t : tokens) out.push_back(std::move(t.term));
    return out;
}

bool has_phrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase) {
    for (std::size_t i = 0; i + phrase.size() <= words.size(); ++i) {
        if (std::equal(phrase.begin(), phrase.end(),
                       words.begin() + static_cast<std::ptrdiff_t>(i)))
            return true;
    }
    return false;
}

bool has_word(const std::vector<std::string>& words, const std::string& w) {
    return std::find(words.begin(), words.end(), w) != words.end();
}

ProcessResult query(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {query_bin(), "--db", db});
    return run_process(args);
}

nlohmann::json total_of(const ProcessResult& r) {
    const auto lines = lines_of(r.out);
    REQUIRE_FALSE(lines.empty());
    return nlohmann::json::parse(lines.back()).at("total");
}

}  // namespace

TEST_CASE("Totals on the Blitzer reviews are the numbers of matching reviews", "[corpus][slow]") {
    const auto corpora = shared_corpora();
    if (!corpora || !fs::is_directory(*corpora / "multi-domain-sentiment-blitzer2007")) {
        WARN("skipped: ../shared/corpora/multi-domain-sentiment-blitzer2007 is absent");
        return;
    }
    const fs::path corpus = *corpora / "multi-domain-sentiment-blitzer2007";
    TempDir dir;
    const std::string db = dir.file("db");
    const ProcessResult indexed =
        run_process({index_bin(), "--db", db, "--progress", "none", corpus.string()});
    INFO(indexed.err);
    REQUIRE(indexed.exit_code == 0);

    // The oracle: each review read again and split by the index's analyzer.
    const Analyzer analyzer(AnalyzerSettings::from_database(Xapian::Database(db)));
    const std::vector<std::string> phrase = stems(analyzer, "special effects");
    REQUIRE(phrase.size() == 2);
    const std::string good = analyzer.term("good");
    std::size_t with_phrase = 0, with_good = 0;
    const std::vector<Review> reviews = read_all(corpus);
    REQUIRE(reviews.size() == 8000);
    for (const Review& r : reviews) {
        const auto body = stems(analyzer, r.body);
        const auto title = stems(analyzer, r.title);
        with_phrase += has_phrase(body, phrase) || has_phrase(title, phrase) ? 1 : 0;
        with_good += has_word(body, good) || has_word(title, good) ? 1 : 0;
    }
    REQUIRE(with_phrase > 10);  // the test must be able to fail on a wrong count
    REQUIRE(with_good > 1000);

    SECTION("a phrase: the text and the JSON give the exact count") {
        const ProcessResult text = query(db, {"-k", "3", "\"special effects\""});
        REQUIRE(text.exit_code == 0);
        CHECK_THAT(text.out,
                   Catch::Contains("results 1-3 of " + std::to_string(with_phrase) + "\n"));
        const nlohmann::json total =
            total_of(query(db, {"-k", "3", "--format", "json", "\"special effects\""}));
        CHECK(total.at("exact") == true);
        CHECK(total.at("value") == with_phrase);
    }
    SECTION("a common word under the exact-count limit: exact") {
        const nlohmann::json total = total_of(query(db, {"-k", "10", "--format", "json", "good"}));
        CHECK(total.at("exact") == true);
        CHECK(total.at("value") == with_good);
    }
    SECTION(
        "the same words past the limit: an estimate, worded as one, whose bounds hold the count") {
        // An OR cannot be counted without looking at every match, so Xapian estimates it.
        const std::string q = "good OR \"special effects\"";
        std::size_t truth = 0;
        for (const Review& r : reviews) {
            const auto body = stems(analyzer, r.body);
            const auto title = stems(analyzer, r.title);
            truth += has_word(body, good) || has_word(title, good) || has_phrase(body, phrase) ||
                             has_phrase(title, phrase)
                         ? 1
                         : 0;
        }
        const ProcessResult text = query(db, {"-k", "10", "--exact-count-limit", "100", q});
        const nlohmann::json total =
            total_of(query(db, {"-k", "10", "--exact-count-limit", "100", "--format", "json", q}));
        INFO(text.out);
        REQUIRE(total.at("exact") == false);
        CHECK_THAT(text.out, Catch::Contains("of an estimated "));
        CHECK_THAT(text.out, !Catch::Contains("of " + std::to_string(truth) + "\n"));
        CHECK(total.at("lower").get<std::size_t>() <= truth);
        CHECK(total.at("upper").get<std::size_t>() >= truth);
        // Counted, it is exact again and equals the oracle.
        const nlohmann::json counted = total_of(query(db, {"-k", "10", "--format", "json", q}));
        CHECK(counted.at("exact") == true);
        CHECK(counted.at("value") == truth);
    }
}
