#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

/// Facet counts in one exhaustive match: the values of several slots, and the documents
/// matched, so that multi-valued facets held as terms (topics) are counted from their own
/// postings afterwards instead of by one match each (issue 22; bench/RESULTS.md gives what
/// each cost on 1M reviews).
namespace revsearch::query {

/// A match spy that counts the values of several slots over the documents it sees, as
/// Xapian's ValueCountMatchSpy does for one, but in hash maps: a slot with 200,000 distinct
/// values (reviewers) costs a hash lookup per document, not a walk down a tree of strings.
/// Empty values are not counted. It has no name(), so it cannot run on a remote shard.
/// Not thread-safe; one per match.
class SlotValuesSpy final : public Xapian::MatchSpy {
  public:
    explicit SlotValuesSpy(std::vector<Xapian::valueno> slots);

    void operator()(const Xapian::Document& doc, double wt) override;

    /// Per slot, in the order given: value -> documents holding it.
    [[nodiscard]] const std::vector<std::unordered_map<std::string, Xapian::doccount>>& counts()
        const noexcept {
        return counts_;
    }

  private:
    std::vector<Xapian::valueno> slots_;
    std::vector<std::unordered_map<std::string, Xapian::doccount>> counts_;
};

/// A match spy that remembers which documents matched, one bit per docid of `db` (125 KB for
/// a million documents), so that a term's postings can then be counted within the match.
/// Only for a match on one database: over several shards combined, Xapian 1.4 hands a spy
/// each shard's own docids, which the combined postings do not use. It has no name(), so it
/// cannot run on a remote shard. Not thread-safe; one per match.
class MatchedDocsSpy final : public Xapian::MatchSpy {
  public:
    /// REQUIRES: `db` is the database the match runs on and holds one database (size() 1).
    explicit MatchedDocsSpy(const Xapian::Database& db);

    void operator()(const Xapian::Document& doc, double wt) override;

    /// Documents seen.
    [[nodiscard]] Xapian::doccount matched() const noexcept { return matched_; }
    /// How many of the documents seen hold `term`: one pass over its postings, or, when the
    /// documents seen are fewer than 1 in kSkipRatio of them, a skip to each document seen.
    /// Throws Xapian::Error if the database fails.
    [[nodiscard]] Xapian::doccount count_holding(const std::string& term) const;

    /// Past this many postings per document seen, count_holding skips rather than reads.
    static constexpr std::uint64_t kSkipRatio = 16;

  private:
    Xapian::Database db_;
    std::vector<std::uint64_t> bits_;
    Xapian::doccount matched_ = 0;
};

}  // namespace revsearch::query
