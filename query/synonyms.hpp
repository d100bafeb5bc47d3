#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace revsearch::query {

/// Groups of interchangeable words and phrases, one group per line, separated by commas:
///   burnout, burn-out, exhaustion
///   compassion fatigue, secondary traumatic stress
/// Blank lines and lines starting with '#' are ignored. Matching is case-insensitive.
///
/// Applied at query time by rewriting the query text (Xapian's QueryParser reads synonyms only
/// from a writable database's synonym table, which a read-only or remote index does not have):
/// a bare word or phrase of the query that belongs to a group becomes `(a OR "b c" OR ...)`.
class SynonymTable {
public:
    /// Reads a file. Throws UsageError if it cannot be read.
    [[nodiscard]] static SynonymTable load(const std::string& path);
    /// Parses text in the file format.
    [[nodiscard]] static SynonymTable parse(std::string_view text);

    /// Rewrites the bare (unquoted, unfielded, non-operator) words of a query. Longer phrases
    /// win over shorter ones.
    [[nodiscard]] std::string expand(std::string_view query) const;

    [[nodiscard]] std::size_t size() const noexcept { return groups_.size(); }

private:
    std::vector<std::vector<std::string>> groups_;  // lower-cased, spaces collapsed
    std::map<std::string, std::size_t> group_of_;   // phrase -> group
    std::size_t longest_ = 1;                       // words in the longest phrase
};

}  // namespace revsearch::query
