// Issue 17, points 6 and 7 on the real corpora of ../shared/corpora: how many reviews are
// copies, that collapsing them never joins two authors, and that ratings out of 5 (Amazon)
// and out of 10 (aclImdb) meet on one scale. Release build only (label `big`); each test
// skips with a message when ../shared is absent.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/content_key.hpp"
#include "common/schema.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"
#include "query/searcher.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

class Collect final : public corpus::RecordSink, public corpus::WalkObserver {
public:
    void on_review(Review&& r) override { reviews.push_back(std::move(r)); }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::vector<Review> reviews;
};

std::vector<Review> read_all(const std::vector<fs::path>& paths) {
    std::vector<std::string> inputs;
    for (const auto& p : paths) inputs.push_back(p.string());
    std::vector<corpus::InputProblem> problems;
    const auto files = corpus::expand_inputs(inputs, problems);
    corpus::Walker walker(corpus::WalkOptions{});
    Collect c;
    for (const auto& f : files) walker.walk(f, c, c);
    return std::move(c.reviews);
}

/// Indexes `paths` with the real revsearch-index into dir/db.
std::string index(const std::vector<fs::path>& paths, const TempDir& dir) {
    std::vector<std::string> args{"--db", dir.file("db"), "--no-topics"};
    for (const auto& p : paths) args.push_back(p.string());
    const ProcessResult r = run_index(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return dir.file("db");
}

nlohmann::json stats_of(const std::string& db) {
    const ProcessResult s = run_process({query_bin(), "--db", db, "--stats", "--format", "json"});
    REQUIRE(s.exit_code == 0);
    return nlohmann::json::parse(s.out);
}

/// The match of `q`, counted in full (a facet forces the count).
query::FullCount count(query::Searcher& searcher, const std::string& q, bool distinct) {
    query::SearchRequest r;
    r.query = q;
    r.k = 10;
    r.distinct = distinct;
    r.facets = {"year"};
    const query::SearchResult result = searcher.search(r);
    REQUIRE(result.counted.has_value());
    return *result.counted;
}

}  // namespace

TEST_CASE("Amazon's 5-core files hold 1,991 distinct reviews in 10,722 records", "[corpus][slow]") {
    const auto dir = corpus_dir("amazon-reviews-2018-5core-small");
    if (!dir) return;
    const std::vector<Review> reviews = read_all({*dir});
    REQUIRE(reviews.size() == 10722);
    std::map<std::string, std::vector<const Review*>> groups;
    for (const Review& r : reviews) {
        const std::string key = content_key(r);
        REQUIRE_FALSE(key.empty());  // every Amazon review has a reviewer and a date
        groups[key].push_back(&r);
    }
    SECTION("no group joins two accounts, two days or two texts") {
        std::size_t joined_accounts = 0;
        for (const auto& [key, members] : groups) {
            std::set<std::string> accounts, days, bodies;
            for (const Review* r : members) {
                accounts.insert(r->extra_value("reviewerID"));
                days.insert(r->date);
                bodies.insert(key_words(r->body));
            }
            joined_accounts += accounts.size() > 1 ? 1 : 0;
            CHECK(days.size() == 1);
            CHECK(bodies.size() == 1);
        }
        // "Amazon Customer" names every anonymous account, so two of them writing the same
        // words on one day would be one group; it does not happen in these files.
        CHECK(joined_accounts == 0);
    }
    SECTION("the index counts the same groups, and --distinct shows each review once") {
        TempDir tmp;
        const std::string db = index({*dir}, tmp);
        std::size_t in_groups = 0, multi = 0;
        for (const auto& [key, members] : groups) {
            if (members.size() < 2) continue;
            ++multi;
            in_groups += members.size();
        }
        const nlohmann::json dups = stats_of(db)["duplicates"];
        CHECK(dups["groups"] == multi);
        CHECK(dups["reviews_in_groups"] == in_groups);
        CHECK(dups["distinct_reviews"] == groups.size());
        CHECK(groups.size() == 1991);
        CHECK(multi == 1556);
        CHECK(dups["examples"][0]["reviews"] == 206);

        query::Searcher searcher(db);
        const query::FullCount all = count(searcher, "dryer OR lint OR vent", true);
        CHECK(all.documents > all.reviews);
        query::SearchRequest r;
        r.query = "dryer OR lint OR vent";
        r.k = 100;
        r.distinct = true;
        const query::SearchResult result = searcher.search(r);
        std::set<std::string> keys;
        for (const query::Hit& hit : result.hits) CHECK(keys.insert(hit.content_key).second);
        CHECK(result.hits.size() == std::min<std::size_t>(100, all.reviews));
    }
}

TEST_CASE("ratings of Amazon (of 5) and aclImdb (of 10) meet on one scale in one index",
          "[corpus][slow]") {
    const auto amazon = corpus_dir("amazon-reviews-2018-5core-small");
    const auto imdb = corpus_dir("imdb-large-movie-review-v1");
    if (!amazon || !imdb) return;
    const fs::path labelled = *imdb / "aclImdb_labeled_train_test.tar.zst";
    std::size_t high = 0, amazon_high = 0, imdb_high = 0, four_of_ten = 0;
    for (const Review& r : read_all({*amazon, labelled})) {
        REQUIRE(r.rating.has_value());
        REQUIRE(r.rating_scale.has_value());
        if (*r.rating_scale == 5 && *r.rating >= 4) ++amazon_high;
        if (*r.rating_scale == 10 && *r.rating >= 8) ++imdb_high;
        if (*r.rating_scale == 10 && *r.rating == 4) ++four_of_ten;
    }
    high = amazon_high + imdb_high;
    REQUIRE(amazon_high > 0);
    REQUIRE(imdb_high > 0);
    TempDir tmp;
    const std::string db = index({*amazon, labelled}, tmp);
    query::Searcher searcher(db);
    SECTION("rating:4..5 is 4 or 5 of 5 and 8 to 10 of 10") {
        CHECK(count(searcher, "rating:4..5", false).documents == high);
    }
    SECTION("no 4 of 10 is in rating:4..5; it is a 2") {
        CHECK(count(searcher, "rating:4..5 category:test/neg", false).documents == 0);
        CHECK(count(searcher, "rating:4..5 category:train/neg", false).documents == 0);
        CHECK(count(searcher, "rating:2 (category:test/neg OR category:train/neg)", false)
                  .documents == four_of_ten);
    }
}
