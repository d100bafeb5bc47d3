#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// What one query may cost, and the rewrite that keeps it there.
///
/// Xapian cannot stop a match once it has started, so a query's cost is bounded before: after
/// parsing, the query's words, phrases, nesting and wildcards are counted against a budget, and
/// the postings the match may read are added up from the index's term frequencies. The same
/// budget serves the command line, the REPL, batch runs and the server (README, "Query cost").
namespace revsearch::query {

/// The limits of one query. The defaults were set on the 1M-review benchmark index so that no
/// query within them takes more than a second there (bench/RESULTS.md, "Query cost budget").
///
/// A query's cost is counted in postings read, weighted by what reading them costs (measured
/// at 1M reviews, bench/RESULTS.md): a posting of a plain term counts 1; a posting of a term a
/// wildcard expanded to counts kWildcardPostingCost, since a wildcard's terms are merged into
/// one; a phrase or NEAR counts kPhraseCandidateCost for each document holding its rarest word
/// (each is a candidate its check is asked about), and each document it is actually checked in
/// kPhraseCheckCost plus kPhraseCheckPerWord per word of the phrase. Postings and candidates
/// are known before the match (term frequencies); phrase checks are counted as they happen,
/// from what the rest leaves.
struct QueryBudget {
    /// Longest query text, in bytes (the server's --max-query-bytes).
    std::size_t max_query_bytes = 1024;
    /// Most terms in the parsed query before wildcards are expanded, each field counted: a word
    /// of the default field is one term, or two (body and title) on an index whose titles are
    /// apart from the default field (--title-layout separate).
    std::size_t max_terms = 1024;
    /// Most words in one phrase or NEAR.
    std::size_t max_phrase_words = 32;
    /// Deepest nesting of the parsed query (brackets, operators, fields).
    std::size_t max_depth = 64;
    /// Most index terms all the query's wildcards together may expand to. A pattern that occurs
    /// more than once is expanded once.
    std::size_t max_wildcard_terms = 1000;
    /// Most a query may cost, in weighted postings (above).
    std::uint64_t max_cost = 5'000'000;

    static constexpr std::uint64_t kWildcardPostingCost = 4;
    static constexpr std::uint64_t kPhraseCandidateCost = 8;
    static constexpr std::uint64_t kPhraseCheckCost = 40;
    static constexpr std::uint64_t kPhraseCheckPerWord = 8;
};

/// What the phrase and NEAR checks of one search may still spend. Phrases are checked per
/// document during the match, which cannot be stopped; once the budget is spent, a check
/// answers "does not hold" without looking, so the match runs out cheaply, and the search
/// reports that its results may be incomplete. Not thread-safe: one search at a time.
class PhraseCheckBudget {
  public:
    explicit PhraseCheckBudget(std::uint64_t units) noexcept : left_(units) {}
    /// Spends the cost of checking one document against a phrase of `words` words. Returns
    /// false, spending nothing, when that is more than is left: the caller must then not check
    /// (and counts the document with skipped()).
    [[nodiscard]] bool spend(std::size_t words) noexcept {
        const std::uint64_t cost =
            QueryBudget::kPhraseCheckCost + QueryBudget::kPhraseCheckPerWord * words;
        if (cost > left_) return false;
        left_ -= cost;
        return true;
    }
    /// Counts a document whose phrases were checked, or one refused unchecked.
    void checked() noexcept { ++checked_; }
    void skipped() noexcept { ++skipped_; }
    /// Documents checked, and documents refused unchecked for want of budget.
    [[nodiscard]] std::uint64_t documents_checked() const noexcept { return checked_; }
    [[nodiscard]] std::uint64_t documents_skipped() const noexcept { return skipped_; }

  private:
    std::uint64_t left_;
    std::uint64_t checked_ = 0;
    std::uint64_t skipped_ = 0;
};

/// Throws QueryError when `text` is longer than `budget.max_query_bytes`.
void check_query_length(std::string_view text, const QueryBudget& budget);

/// `parsed` (a QueryParser's query over `db`) within `budget`:
/// - repeats of a subquery holding a wildcard under the same operator are searched once;
/// - each wildcard pattern is looked up in `db`'s terms and keeps its most frequent terms
///   (Xapian's WILDCARD_LIMIT_MOST_FREQUENT); when the patterns together expand to more than
///   max_wildcard_terms terms, or cost more than the plain terms leave of max_cost, each
///   pattern keeps an equal share (a pattern needing less than its share leaves the rest to
///   the others) and a notice names the patterns cut short.
/// The wildcards stay Xapian's OP_WILDCARD, each with its share as its expansion limit, so
/// within the budget the query matches and weighs exactly as `parsed` does.
///
/// Throws QueryError, naming the limit and the option that sets it, for more terms, phrase
/// words or nesting than the budget allows, or for plain terms whose postings alone cost more
/// than max_cost. Throws Xapian::Error if the database fails. `notices` gets one line per
/// pattern cut short; they hold only the query's own words, so they may be shown to anyone.
/// `*cost`, when given, gets the query's cost before phrase checks (what is left of max_cost
/// is theirs).
[[nodiscard]] Xapian::Query apply_budget(const Xapian::Query& parsed, const Xapian::Database& db,
                                         const QueryBudget& budget,
                                         std::vector<std::string>& notices,
                                         std::uint64_t* cost = nullptr);

}  // namespace revsearch::query
