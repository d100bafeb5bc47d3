// The real corpora of ../shared/corpora, read with --format auto: exact record counts, and
// known records pinned field by field. Release build only (label `big`); each test skips with
// a message when ../shared is absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "corpus/archive.hpp"
#include "corpus/inputs.hpp"
#include "corpus/walker.hpp"
#include "indexer/document_builder.hpp"
#include "tests/support/document_support.hpp"
#include "tests/support/test_support.hpp"

using namespace revsearch;
using namespace revsearch::test;
namespace fs = std::filesystem;

namespace {

/// Reads a whole input with the library, keeping the reviews by id.
class Collect final : public corpus::RecordSink, public corpus::WalkObserver {
public:
    void on_review(Review&& r) override { reviews.emplace(r.id, std::move(r)); }
    void on_reject(Reject&& r) override { rejects.push_back(std::move(r)); }
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::map<std::string, Review> reviews;
    std::vector<Reject> rejects;
};

Collect read_all(const fs::path& path) {
    std::vector<corpus::InputProblem> problems;
    const auto files = corpus::expand_inputs({path.string()}, problems);
    corpus::Walker walker(corpus::WalkOptions{});
    Collect c;
    for (const auto& f : files) walker.walk(f, c, c);
    return c;
}

/// Indexes a corpus directory with the real binary and returns the summary's counts.
nlohmann::json index_counts(const fs::path& corpus, const TempDir& dir) {
    const ProcessResult r = run_process(
        {index_bin(), "--db", dir.file("db"), "--progress", "none", "--no-topics", corpus.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const ProcessResult s = run_process({query_bin(), "--db", dir.file("db"), "--stats", "--format", "json"});
    REQUIRE(s.exit_code == 0);
    return nlohmann::json::parse(s.out);
}

std::string extra(const Review& r, const std::string& key) { return r.extra_value(key); }

}  // namespace

TEST_CASE("every real corpus indexes to its documented count with --format auto",
          "[corpus][slow]") {
    const std::vector<std::pair<std::string, long>> expected = {
        {"multi-domain-sentiment-blitzer2007", 8000}, {"amazon-reviews-2018-5core-small", 10722},
        {"cranfield", 1400},  {"cacm", 3204},  {"npl-vaswani", 11429},
        {"imdb-large-movie-review-v1", 100000}, {"psychcentral-seed", 1}};
    for (const auto& [name, count] : expected) {
        DYNAMIC_SECTION(name << " gives " << count << " documents") {
            const auto dir = corpus_dir(name);
            if (!dir) continue;
            TempDir tmp;
            const auto stats = index_counts(*dir, tmp);
            CHECK(stats.at("documents").get<long>() == count);
            CHECK(stats.at("last_run").at("rejected").get<long>() == 0);
            CHECK(stats.at("transcoded_by_encoding").empty());  // all UTF-8 (issue 17)
        }
    }
}

TEST_CASE("the first Blitzer books review is read field by field", "[corpus]") {
    const auto dir = corpus_dir("multi-domain-sentiment-blitzer2007");
    if (!dir) return;
    const Collect c = read_all(*dir / "sorted_data_acl" / "books" / "positive.review");
    CHECK(c.rejects.empty());
    CHECK(c.reviews.size() == 1000);
    const auto it = c.reviews.find("0785758968:one_of_the_best_crichton_novels:joseph_m");
    REQUIRE(it != c.reviews.end());
    const Review& r = it->second;
    CHECK(r.reviewer == "Joseph M");
    CHECK(r.rating == 5.0);
    CHECK(r.rating_scale == 5.0);
    CHECK(r.date == "2006-07-01");
    CHECK(r.title == "One of the best Crichton novels");
    CHECK(r.product == "Sphere");
    CHECK(r.category == "Books");
    CHECK(extra(r, "author") == "Michael Crichton");
    CHECK(extra(r, "reviewer_location") == "Colorado, USA");
    CHECK(extra(r, "helpful") == "0 of 1");
    CHECK_THAT(r.body, Catch::StartsWith("Sphere by Michael Crichton is an excellant novel."));
    CHECK_THAT(r.body, Catch::Contains("\n\nThe story revolves around a man named Norman Johnson."));
}

TEST_CASE("Amazon reviews are read from .json.gz and .json.zst field by field", "[corpus]") {
    const auto dir = corpus_dir("amazon-reviews-2018-5core-small");
    if (!dir) return;
    const Collect beauty = read_all(*dir / "All_Beauty_5.json.gz");
    CHECK(beauty.reviews.size() == 5269);
    const Review& r = beauty.reviews.at("All_Beauty_5.json.gz:1");
    CHECK(r.reviewer == "Shelly F");
    CHECK(r.title == "Five Stars");
    CHECK(r.body == "As advertised. Reasonably priced");
    CHECK(r.rating == 5.0);
    CHECK(r.rating_scale == 5.0);
    CHECK(r.date == "2016-09-01");
    CHECK(r.product == "B0000530HU");
    CHECK(extra(r, "reviewerID") == "A3CIUOJXQ5VDQ2");
    CHECK(extra(r, "verified") == "true");
    CHECK_THAT(extra(r, "style"), Catch::Contains("Classic Ice Blue"));

    const Collect fashion = read_all(*dir / "AMAZON_FASHION_5.json.zst");
    CHECK(fashion.reviews.size() == 3176);
    CHECK(fashion.reviews.at("AMAZON_FASHION_5.json.zst:1").reviewer == "Tonya B.");
    std::size_t no_body = 0;
    for (const auto& [id, review] : read_all(*dir).reviews) no_body += review.body.empty() ? 1 : 0;
    CHECK(no_body == 21);  // indexed by their titles, as PROVENANCE.md counts them
}

TEST_CASE("SMART and TREC test collections are read field by field", "[corpus]") {
    SECTION("Cranfield: CRLF records, authors as reviewer, the year from .B, empty documents kept") {
        const auto dir = corpus_dir("cranfield");
        if (!dir) return;
        const Collect c = read_all(*dir / "cran.all.1400");
        CHECK(c.reviews.size() == 1400);
        const Review& r = c.reviews.at("1");
        CHECK(r.title == "experimental investigation of the aerodynamics of a wing in a slipstream .");
        CHECK(r.reviewer == "brenckman,m.");
        CHECK(r.date == "1958");
        CHECK(extra(r, "source") == "j. ae. scs. 25, 1958, 324.");
        CHECK_THAT(r.body, Catch::StartsWith("experimental investigation of the aerodynamics of a wing"));
        CHECK(r.body.find('\r') == std::string::npos);
        CHECK(c.reviews.at("471").body.empty());
    }
    SECTION("CACM: several authors, a month and year from .B, title-only documents") {
        const auto dir = corpus_dir("cacm");
        if (!dir) return;
        const Collect c = read_all(*dir / "cacm.all");
        CHECK(c.reviews.size() == 3204);
        const Review& r = c.reviews.at("1");
        CHECK(r.title == "Preliminary Report-International Algebraic Language");
        CHECK(r.reviewer == "Perlis, A. J.; Samelson,K.");
        CHECK(r.date == "1958-12");
        std::size_t no_body = 0;
        for (const auto& [id, review] : c.reviews) no_body += review.body.empty() ? 1 : 0;
        CHECK(no_body == 1617);
    }
    SECTION("NPL: TREC documents with DOCNO ids") {
        const auto dir = corpus_dir("npl-vaswani");
        if (!dir) return;
        const Collect c = read_all(*dir / "doc-text.trec");
        CHECK(c.reviews.size() == 11429);
        CHECK(c.reviews.at("1").body ==
              "compact memories have flexible capacities a digital data storage system with capacity "
              "up to bits and random and or sequential access is described");
    }
}

TEST_CASE("aclImdb reviews are read from the .tar.zst with fields from their paths", "[corpus][slow]") {
    const auto dir = corpus_dir("imdb-large-movie-review-v1");
    if (!dir) return;
    const Collect c = read_all(*dir / "aclImdb_labeled_train_test.tar.zst");
    CHECK(c.reviews.size() == 50000);
    CHECK(c.rejects.empty());
    const Review& r = c.reviews.at("train/pos/0");
    CHECK(r.rating == 9.0);
    CHECK(r.rating_scale == 10.0);
    CHECK(r.category == "train/pos");
    CHECK(r.product == "http://www.imdb.com/title/tt0453418/usercomments");
    CHECK_THAT(r.body, Catch::StartsWith("Bromwell High is a cartoon comedy."));
    CHECK(r.body.find("<br") == std::string::npos);
    const Review& neg = c.reviews.at("test/neg/0");
    CHECK(neg.rating == 2.0);
    CHECK(neg.category == "test/neg");
}

namespace {

/// Builds each review it is given both ways and counts those that differ, up to a limit.
class CompareBuilds final : public corpus::RecordSink, public corpus::WalkObserver {
public:
    struct Enough {};
    explicit CompareBuilds(const AnalyzerSettings& settings, std::size_t limit)
        : builder_(settings), limit_(limit) {}
    void on_review(Review&& r) override {
        if (r.id.empty()) r.id = "no-id";
        if (test::describe_document(builder_.build(r)) !=
            test::describe_document(builder_.build_with_term_generator(r))) {
            if (differing.empty()) first_difference = r.source;
            differing.push_back(r.id);
        }
        if (++reviews >= limit_) throw Enough{};
    }
    void on_reject(Reject&&) override {}
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::size_t reviews = 0;
    std::vector<std::string> differing;
    std::string first_difference;

private:
    indexer::DocumentBuilder builder_;
    std::size_t limit_;
};

}  // namespace

TEST_CASE("real reviews build exactly the documents Xapian's TermGenerator makes of them",
          "[corpus][slow]") {
    // Issue 5: the builder makes text terms from the analyzer's words, not a TermGenerator.
    // Every corpus folder is read (up to 20,000 reviews each), with English stop words.
    const auto corpora = shared_corpora();
    if (!corpora) {
        WARN("skipped: ../shared/corpora is absent");
        return;
    }
    AnalyzerSettings settings;
    settings.stopwords_name = "english";
    settings.stopwords = load_stopwords("english");
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(*corpora)) {
        if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
        DYNAMIC_SECTION(dir.filename().string()) {
            CompareBuilds compare(settings, 20000);
            std::vector<corpus::InputProblem> problems;
            corpus::Walker walker(corpus::WalkOptions{});
            try {
                for (const auto& f : corpus::expand_inputs({dir.string()}, problems)) walker.walk(f, compare, compare);
            } catch (const CompareBuilds::Enough&) {
            }
            INFO(compare.reviews << " reviews; the first that differs: " << compare.first_difference);
            CHECK(compare.differing.empty());
        }
    }
}

namespace {

/// Counts the records of an input and those transcoded, and whether the walker's units are
/// UTF-8: each file (or archive member) read whole, decompressed.
class CountTranscoded final : public corpus::RecordSink, public corpus::WalkObserver {
public:
    void on_review(Review&& r) override { count(r.source_encoding); }
    void on_reject(Reject&& r) override { count(r.encoding); }
    void on_skipped(const std::string&, const std::string&) override {}
    void on_read(const std::string&, corpus::Format, std::uint64_t) override {}
    std::size_t records = 0;
    std::size_t transcoded = 0;

private:
    void count(const std::string& encoding) {
        ++records;
        if (!encoding.empty()) ++transcoded;
    }
};

/// True when every byte of `file` (decompressed, and each member of an archive) is UTF-8.
bool all_utf8(const corpus::InputFile& file) {
    bool valid = true;
    auto check = [&](std::istream& in) {
        const std::string bytes{std::istreambuf_iterator<char>(in), {}};
        valid = valid && text::is_valid_utf8(bytes);
    };
    if (corpus::is_archive_name(file.path)) {
        corpus::for_each_entry(file.path, [&](corpus::ArchiveEntry& e) { check(e.data); });
    } else if (corpus::detect_compression(corpus::read_head(file.path, 8)) != corpus::Compression::None) {
        corpus::DecompressingStream in(file.path);
        check(in);
    } else {
        auto in = corpus::open_input(file.path);
        check(*in);
    }
    return valid;
}

}  // namespace

// Issue 17, point 1: records are transcoded only where their bytes are not UTF-8; valid UTF-8
// is never touched. The real corpora are all UTF-8, so nothing of them may be transcoded.
TEST_CASE("no record of a real corpus whose bytes are UTF-8 is transcoded", "[corpus][slow]") {
    const auto corpora = shared_corpora();
    if (!corpora) {
        WARN("skipped: ../shared/corpora is absent");
        return;
    }
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(*corpora)) {
        if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
        DYNAMIC_SECTION(dir.filename().string()) {
            std::vector<corpus::InputProblem> problems;
            corpus::Walker walker(corpus::WalkOptions{});
            for (const auto& f : corpus::expand_inputs({dir.string()}, problems)) {
                CountTranscoded counts;
                walker.walk(f, counts, counts);
                INFO(f.path << ": " << counts.records << " records, " << counts.transcoded << " transcoded");
                if (all_utf8(f)) {
                    CHECK(counts.transcoded == 0);
                } else if (counts.records > 0) {
                    CHECK(counts.transcoded > 0);
                }
            }
        }
    }
}
