#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

/// bench/stem-groups: which frequent words does the stemmer join that do not mean the same?
///
/// A stemmer that joins "compassion" to "compass" makes a search for one find the other. This
/// program finds such joins in a corpus: it groups the corpus's frequent words by stem and
/// scores each member against the group's most frequent word by the company they keep (the
/// cosine of their positive-PMI context vectors, Church & Hanks 1990; Turney & Pantel, JAIR
/// 2010, for the method). Inflections of one word share their contexts ("fatigue",
/// "fatigued"); words that only look alike do not ("compass", "compassion"). The list it
/// prints is evidence for a person to read, not a decision: common/stem_overrides.hpp was
/// chosen from it by hand.
namespace revsearch::bench {

struct StemGroupsOptions {
    std::vector<std::string> inputs;   ///< files, folders, archives: as revsearch-index reads them
    std::string language = "english";  ///< the Snowball stemmer whose groups are examined
    /// Stem overrides applied before grouping (common/analyzer.hpp): "none" shows Snowball's
    /// own groups; a list shows what is left once it is in place.
    std::string stem_overrides = "none";
    std::uint64_t min_df = 30;     ///< a word counts when this many reviews hold it
    std::size_t window = 5;        ///< context: this many words either side
    std::size_t contexts = 10000;  ///< the most frequent non-stop words serve as contexts
    std::size_t top = 80;          ///< groups printed, least similar first
    double max_similarity =
        0.5;  ///< groups whose least similar member is above this are not printed
};

/// One word of a group.
struct StemMember {
    std::string word;
    std::uint64_t df = 0;
    double similarity = 1;  ///< cosine with the group's head (1 for the head itself)
};

/// The frequent words that share a stem; members[0] is the most frequent (the head).
struct StemGroup {
    std::string stem;
    std::vector<StemMember> members;
    double min_similarity = 1;
};

/// What a run found.
struct StemGroupsResult {
    std::uint64_t reviews = 0;
    std::uint64_t frequent_words = 0;  ///< words with df >= min_df
    std::uint64_t groups = 0;          ///< stems with two or more frequent words
    std::vector<StemGroup> flagged;    ///< least similar first, at most `top`
};

/// Reads the inputs, groups and scores as described above. Only words of letters of at least
/// three bytes are grouped; stop words (revsearch's English list) are neither grouped nor
/// used as contexts. Deterministic: ties are broken by word. Throws UsageError for bad
/// options or inputs that hold no reviews.
[[nodiscard]] StemGroupsResult find_stem_groups(const StemGroupsOptions& options,
                                                std::ostream& log);

/// Parses `revsearch-stem-groups` arguments. Returns nullopt when --help was printed.
/// Throws UsageError for a bad command line.
[[nodiscard]] std::optional<StemGroupsOptions> parse_stem_groups_args(int argc,
                                                                      const char* const* argv,
                                                                      std::ostream& out);

/// `revsearch-stem-groups`: the whole program. Prints one line per flagged group, `stem
/// min_similarity word:df:similarity ...`, then `metric` lines. Returns 0, 1 (error) or 2
/// (usage). Never throws.
[[nodiscard]] int stem_groups_main(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

}  // namespace revsearch::bench
