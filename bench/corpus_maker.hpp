#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// bench/make-corpus: benchmark corpora of any size made of real review text.
///
/// The text of every review is a real review from ../shared/corpora, read with the corpus
/// library exactly as revsearch-index reads it. Only the identity of each copy is new: its id,
/// its reviewer and its date. So the vocabulary, the document lengths and the term statistics
/// are those of real reviews at any size (random words would distort all three), while ids stay
/// unique and reviewer and date filters have realistic spreads.
namespace revsearch::bench {

/// The exit code for "nothing to do here": the shared corpora are absent. ctest treats it as a
/// skip (SKIP_RETURN_CODE), and the automake test harness uses the same value.
inline constexpr int kSkipExitCode = 77;

/// Which real reviews to resample.
enum class PoolSet {
    All,       ///< Blitzer + Amazon 2018 + all of aclImdb (train, test, unsup): 118,722 reviews
    Labelled,  ///< Blitzer + Amazon 2018 + aclImdb train and test: 68,722 reviews
};

/// What to make. Filled by the command line or by tests.
struct MakeCorpusOptions {
    std::uint64_t count = 0;           ///< reviews to write
    std::string out_path = "-";        ///< "-" writes to standard output
    std::string shared_dir;            ///< the folder holding the corpora (../shared/corpora)
    PoolSet pool = PoolSet::All;       ///< used when `sources` is empty
    std::vector<std::string> sources;  ///< explicit inputs (files, folders, archives)
    std::uint64_t pool_limit = 0;      ///< keep at most this many source reviews (0: all)
    std::uint64_t seed = 20240501;
    double reviews_per_reviewer = 5;  ///< the reviewer population is count / this
    double reviewer_skew = 0.75;      ///< Zipf exponent of reviews per reviewer
    std::string date_from = "1998-01-01";
    std::string date_to = "2018-12-31";
};

/// The inputs an options struct stands for: `sources` if given, else the pool set's folders
/// and archives under `shared_dir`.
[[nodiscard]] std::vector<std::string> resolve_sources(const MakeCorpusOptions& options);

/// What a run did.
struct MakeCorpusSummary {
    std::uint64_t pool = 0;      ///< source reviews held in memory
    std::uint64_t rejected = 0;  ///< source records the readers rejected (not used)
    std::uint64_t written = 0;
    std::uint64_t bytes = 0;      ///< bytes of JSONL written
    std::uint64_t reviewers = 0;  ///< size of the reviewer population
    double seconds = 0;
};

/// Reads the sources into a pool (title, body, rating and scale, category, product of each
/// review: nothing else is kept), then writes `count` reviews as canonical JSON Lines, one
/// object per line with the keys id, title, reviewer, date, rating, rating_scale, category,
/// product and body, in that order. Reviews are taken from shuffled passes over the pool: when
/// `count` <= pool size each review appears at most once, otherwise every review appears
/// count/pool times, rounded down or up. Ids are `r` plus the 1-based line number
/// (`r00000001`), dates are uniform over [date_from, date_to], and reviewers are drawn from a
/// Zipf-distributed population whose names are recombined from real reviewers' first and last
/// names. The output depends only on the options and the source files.
///
/// Memory holds the pool and one line, whatever `count` is. Progress goes to `log`.
/// Throws UsageError for bad options or sources that hold no reviews, CorpusError or
/// std::ios_base::failure when the output cannot be written.
[[nodiscard]] MakeCorpusSummary make_corpus(const MakeCorpusOptions& options, std::ostream& log);

/// Parses `revsearch-make-corpus` arguments. Returns nullopt when --help was printed to `out`.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<MakeCorpusOptions> parse_make_corpus_args(int argc,
                                                                      const char* const* argv,
                                                                      std::ostream& out);

/// `revsearch-make-corpus`: the whole program. Returns 0, 1 (error), 2 (usage), or
/// kSkipExitCode when the shared corpora are not there. Never throws.
[[nodiscard]] int make_corpus_main(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

}  // namespace revsearch::bench
