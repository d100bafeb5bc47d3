// libFuzzer target for the query builder and its phrase rewrite, over a small real index.
//
// At start-up it writes reviews of its own (a small vocabulary with stop words, so that phrases
// recur, plus reviewers, dates, ratings, categories and topic words) to a temp dir and indexes
// them twice with the real indexer: with packed positions (the default, whose phrases
// QueryBuilder rewrites into revsearch's own matcher) and with Xapian's position lists.
//
// Every input is a query string. It must parse, with the query syntax and as plain words, or
// throw QueryError, never anything else and never crash. A query that parses must then run on
// both indexes within a bounded time (kMaxSeconds), throwing nothing but QueryError, and,
// unless it holds a NEAR (whose repeated words the two matchers place differently, as
// tests/query/test_phrase_source.cpp notes), both indexes must return the same reviews.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "indexer/cli.hpp"
#include "query/query_builder.hpp"
#include "query/searcher.hpp"

namespace {

using namespace revsearch;
namespace fs = std::filesystem;

constexpr double kMaxSeconds = 2.0;

const char* const kWords[] = {"tea",   "garden", "walk",    "book",  "calm",  "rain",  "the",
                              "of",    "kettle", "mind",    "quiet", "night", "shift", "grief",
                              "sleep", "stress", "burnout", "a",     "and",   "copper"};
const char* const kReviewers[] = {"Ada Moss", "Bo Lin", "Cy Park"};
const char* const kCategories[] = {"Kitchen", "Books", "Garden"};

/// Reviews of our own, the same on every start (a fixed linear congruential sequence).
std::string fixture_jsonl() {
    std::uint32_t state = 20261207;
    auto next = [&state](std::uint32_t n) {
        state = state * 1664525U + 1013904223U;
        return (state >> 8) % n;
    };
    auto words = [&](std::uint32_t lo, std::uint32_t hi) {
        std::string text;
        for (std::uint32_t i = lo + next(hi - lo + 1); i > 0; --i) {
            text += kWords[next(std::size(kWords))];
            text += i > 1 ? (next(7) == 0 ? ", " : " ") : ".";
        }
        return text;
    };
    std::ostringstream out;
    for (int i = 0; i < 60; ++i) {
        out << "{\"id\":\"r" << i << "\",\"title\":\"" << words(1, 5) << "\",\"reviewer\":\""
            << kReviewers[next(3)] << "\",\"category\":\"" << kCategories[next(3)]
            << "\",\"date\":\"" << 2010 + next(10) << "-0" << 1 + next(9) << "-1" << next(10)
            << "\",\"rating\":" << next(11) / 2.0 << ",\"rating_scale\":5,\"body\":\""
            << words(0, 40) << "\"}\n";
    }
    return out.str();
}

/// Runs the real indexer; exits the fuzzer at start-up if it fails.
/// Both indexes keep titles apart from the default field (the only layout Xapian's positions
/// allow), so the two differ in their phrase matcher alone.
void index(const std::string& db, const std::string& input, const char* positions) {
    const char* argv[] = {"revsearch-index", "--db",         db.c_str(),  "--progress",
                          "none",            "--positions",  positions,   "--title-layout",
                          "separate",        input.c_str()};
    std::ostringstream out;
    std::ostringstream err;
    if (indexer::run(static_cast<int>(std::size(argv)), argv, out, err) != 0) {
        std::fprintf(stderr, "fuzz_query: indexing failed:\n%s\n", err.str().c_str());
        std::exit(1);
    }
}

struct Fixture {
    fs::path dir;
    std::unique_ptr<query::Searcher> packed;
    std::unique_ptr<query::Searcher> xapian;
    std::unique_ptr<query::QueryBuilder> builder;  ///< over the packed index

    Fixture() {
        std::string templ = (fs::temp_directory_path() / "revsearch-fuzz-query-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) std::abort();
        dir = templ;
        const std::string input = (dir / "reviews.jsonl").string();
        std::ofstream(input) << fixture_jsonl();
        index((dir / "packed").string(), input, "packed");
        index((dir / "xapian").string(), input, "xapian");
        packed = std::make_unique<query::Searcher>((dir / "packed").string());
        xapian = std::make_unique<query::Searcher>((dir / "xapian").string());
        if (!packed->analyzer().settings().packed_positions ||
            xapian->analyzer().settings().packed_positions) {
            std::abort();
        }
        builder = std::make_unique<query::QueryBuilder>(packed->analyzer(), packed->database());
    }
    ~Fixture() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

/// The ids of every review the query matches, or nullopt for a QueryError.
std::optional<std::set<std::string>> run(query::Searcher& searcher, const std::string& text) {
    query::SearchRequest request;
    request.query = text;
    request.k = 100;  // more than the fixture's reviews: every match
    request.snippets = true;
    std::set<std::string> ids;
    try {
        for (const query::Hit& hit : searcher.search(request).hits) ids.insert(hit.review.id);
    } catch (const QueryError&) {
        return std::nullopt;
    }
    return ids;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fixture& f = fixture();
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto started = std::chrono::steady_clock::now();
    try {
        (void)f.builder->parse(text, query::ParseMode::Plain);
    } catch (const QueryError&) {
        // Plain words may still make a query Xapian refuses; it must say so this way.
    }
    bool parsed = true;
    try {
        std::vector<query::PhraseChoice> deferred;
        (void)f.builder->parse(text, query::ParseMode::Syntax, &deferred);
        (void)f.builder->parse(text, query::ParseMode::Syntax);
    } catch (const QueryError&) {
        parsed = false;
    }
    if (!parsed) return 0;
    const auto packed = run(*f.packed, text);
    const auto xapian = run(*f.xapian, text);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (seconds > kMaxSeconds) {
        std::fprintf(stderr, "fuzz_query: %.1f s for a query of %zu bytes\n", seconds, size);
        std::abort();
    }
    if (packed.has_value() != xapian.has_value()) {
        std::fprintf(stderr, "fuzz_query: one index refused the query, the other ran it\n");
        std::abort();
    }
    if (packed && *packed != *xapian && text.find("NEAR") == std::string::npos) {
        std::fprintf(stderr,
                     "fuzz_query: packed and Xapian positions matched %zu and %zu reviews\n",
                     packed->size(), xapian->size());
        std::abort();
    }
    return 0;
}
