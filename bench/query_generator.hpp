#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// bench/queries: a fixed, deterministic query set drawn from a corpus.
namespace revsearch::bench {

/// What to generate. Filled by the command line or by tests.
struct QueryGenOptions {
    std::string corpus;          ///< a canonical JSONL file (bench/make-corpus output)
    std::string out_path = "-";  ///< "-" writes to standard output
    std::size_t count = 500;
    std::uint64_t seed = 20240501;
    std::uint64_t sample_docs = 200000;  ///< document frequencies come from the first N reviews
    std::size_t anchors = 20000;         ///< reviews kept (reservoir sample) to draw queries from
};

/// The kinds of query in the mix, in the order of the weights below.
enum class QueryKind {
    CommonWord,  ///< one word among the most frequent 1% of the vocabulary
    MediumWord,  ///< one word ranked between 1% and 10%
    RareWord,    ///< one word below the top 10% (document frequency >= 2)
    TwoWords,    ///< words of mixed frequency classes from one review
    ThreeWords,
    FourWords,
    CommonPhrase,  ///< two common words adjacent in a review ("of the")
    Phrase,        ///< 2 or 3 adjacent words of a review, not all common
    Reviewer,      ///< `reviewer:NAME` plus a word
    Topic,         ///< `topic:TOPIC` plus a word
    Rating,        ///< words plus `rating:A..B`
    Date,          ///< words plus `date:A..B` (years, months or an open end)
    Combined,      ///< a phrase plus a rating range and a date range
};

/// Reads the corpus (with revsearch's JSONL reader and topic tagger), counts the document
/// frequency of every word in the first `sample_docs` reviews, and ranks the vocabulary (words
/// of ASCII letters seen in at least two reviews) by it. Each query is then drawn from one
/// review of a reservoir sample, so queries are made of words that occur together and, with
/// AND, match at least that review. The mix (percent): 6 common, 8 medium, 8 rare single words;
/// 12 two-word, 10 three-word, 8 four-word queries; 6 common phrases, 10 other phrases; 8
/// reviewer, 7 topic, 8 rating, 8 date and 1 combined fielded queries. Duplicates are redrawn.
/// The result depends only on the corpus and the options. Throws UsageError when the corpus
/// has too few words to draw from.
[[nodiscard]] std::vector<std::string> generate_queries(const QueryGenOptions& options,
                                                        std::ostream& log);

/// Parses `revsearch-bench-queries` arguments. Returns nullopt when --help was printed.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<QueryGenOptions> parse_queries_args(int argc, const char* const* argv,
                                                                std::ostream& out);

/// `revsearch-bench-queries`: the whole program. Returns 0, 1 (error) or 2 (usage). Never throws.
[[nodiscard]] int queries_main(int argc, const char* const* argv, std::ostream& out,
                               std::ostream& err);

}  // namespace revsearch::bench
