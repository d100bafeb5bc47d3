#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/packed_positions.hpp"
#include "query/query_budget.hpp"

/// Phrase and NEAR search over an index with packed positions (common/packed_positions.hpp).
///
/// Xapian's OP_PHRASE and OP_NEAR read its position table, which such an index does not have.
/// rewrite_positional() therefore turns each of them into OP_AND(the same subqueries), which
/// finds the documents holding every word and gives them the weight OP_PHRASE would (the sum
/// of its words' weights), and then checks the packed positions: with a PackedPhraseDecider
/// where every match must hold the phrase, with a PackedPhraseSource elsewhere.
namespace revsearch::query {

/// A phrase's terms, sorted, and the slots naming them; checks documents against it.
class CompiledPhrase {
public:
    /// REQUIRES: slots is not empty and no slot is empty.
    CompiledPhrase(std::vector<std::vector<std::string>> slots, unsigned window, bool ordered);

    /// True when the document whose packed positions are `packed` holds the phrase. The
    /// phrase's words are found by their hashes; `term_list` gives the document's term list
    /// when that is not enough: the document has a hash collision, or the hashes say the
    /// phrase holds and `words_present` is null or false. `words_present`, when given, says
    /// whether the document holds every word of the phrase (its caller knows cheaply). Not
    /// thread-safe (it reuses scratch space).
    [[nodiscard]] bool holds(const std::string& packed, const std::function<Xapian::TermIterator()>& term_list,
                             const std::function<bool()>& words_present = nullptr) const;

    /// True when every slot names a single term (no alternatives).
    [[nodiscard]] bool single_terms() const noexcept { return single_terms_; }
    /// Every slot's terms, sorted, without repeats.
    [[nodiscard]] const std::vector<std::string>& terms() const noexcept { return terms_; }

    [[nodiscard]] const std::vector<std::vector<std::string>>& slots() const noexcept { return slots_; }
    [[nodiscard]] unsigned window() const noexcept { return window_; }
    [[nodiscard]] bool ordered() const noexcept { return ordered_; }
    [[nodiscard]] std::string describe() const;

private:
    std::vector<std::vector<std::string>> slots_;
    unsigned window_;
    bool ordered_;
    std::vector<std::string> terms_;                    // every slot's terms, sorted, unique
    std::vector<std::vector<std::size_t>> slot_terms_;  // indexes into terms_, per slot
    std::vector<std::uint32_t> hashes_;                 // word_hash() of terms_
    bool single_terms_ = true;
    /// Fills numbers_: per slot, the nonzero ranks `rank` gives its terms (by index into
    /// terms_). False when some slot has none, so the phrase cannot hold.
    [[nodiscard]] bool number_slots(const std::function<std::uint32_t(std::size_t)>& rank) const;
    /// The exact check: ranks from the term list.
    [[nodiscard]] bool holds_by_term_list(const positions::PackedDocument& doc, Xapian::TermIterator t) const;
    mutable std::vector<std::uint32_t> ranks_;
    mutable std::vector<std::vector<std::uint32_t>> numbers_;
};

/// A weightless posting source: the documents of a database where the words of `slots` occur
/// as a phrase (`ordered`) or near each other, within `window` positions. Each slot lists the
/// terms that may stand there (one term, or the alternatives of an OR or a synonym).
///
/// It checks every document holding the phrase's words (whether Xapian drives it with next()
/// or asks it to check() what the surrounding AND matched): one value read each, and a
/// postings or term-list read to confirm a match. It has no name(), so it cannot be sent to
/// a remote shard. Not thread-safe; Xapian clones it per shard.
class PackedPhraseSource : public Xapian::PostingSource {
public:
  /// REQUIRES: slots is not empty and no slot is empty. With `budget`, each document checked
  /// spends from it, and once it is spent the source ends (the query's results may then be
  /// incomplete, which the budget's documents_skipped() tells).
  PackedPhraseSource(std::vector<std::vector<std::string>> slots, unsigned window, bool ordered,
                     std::shared_ptr<PhraseCheckBudget> budget = nullptr);

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override;
  Xapian::doccount get_termfreq_max() const override { return termfreq_max_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }
  PackedPhraseSource* clone() const override;
  void init(const Xapian::Database& db) override;
  std::string get_description() const override;

private:
    /// Moves to the first document from `from` on that matches; at_end_ when none does.
    void seek(Xapian::docid from);
    /// True when document `did` holds the phrase.
    [[nodiscard]] bool holds_phrase(Xapian::docid did);

    CompiledPhrase phrase_;
    std::shared_ptr<PhraseCheckBudget> budget_;
    Xapian::Database db_;
    std::vector<Xapian::PostingIterator> drivers_;   // the postings of the rarest slot
    Xapian::ValueIterator values_;
    std::vector<Xapian::PostingIterator> words_;     // the postings of terms(), when single_terms()
    Xapian::doccount termfreq_max_ = 0;
    Xapian::docid current_ = 0;
    bool started_ = false;
    bool valid_ = false;  // current_ is a match (false after check() said no)
    bool at_end_ = false;
};

/// One phrase (or NEAR) to check on packed positions.
struct PhraseSpec {
    std::vector<std::vector<std::string>> slots;
    unsigned window = 0;
    bool ordered = true;
};

/// Phrases of which at least one must hold: one phrase, or the same phrase in several fields.
using PhraseChoice = std::vector<PhraseSpec>;

/// A match decider that accepts a document when, for every choice, one of its phrases holds.
///
/// Xapian calls a decider only for documents whose weight would place them in the result
/// set so far, which is how Xapian's own phrase search stays lazy: in a top-10 search most
/// documents that hold a phrase's words never have their positions read. It serves the
/// phrases a document must match for the whole query to match (see rewrite_positional()).
class PackedPhraseDecider : public Xapian::MatchDecider {
public:
  /// `db` is the database searched. When it is one database (not several shards, whose
  /// documents come with their own shard's docids), its postings tell whether a document
  /// holds a phrase's words when the match does not already say so; otherwise the
  /// document's term list does. With `budget`, each phrase checked spends from it, and once
  /// it is spent every document is refused unchecked (counted in documents_skipped()).
  PackedPhraseDecider(std::vector<PhraseChoice> choices, const Xapian::Database& db,
                      std::shared_ptr<PhraseCheckBudget> budget = nullptr);
  bool operator()(const Xapian::Document& doc) const override;

private:
    /// A phrase, with the postings of its words, read forward; reopened when a docid comes
    /// before the last one asked about.
    struct Checked {
        CompiledPhrase phrase;
        mutable std::vector<Xapian::PostingIterator> postings;
        mutable Xapian::docid last = 0;
    };
    /// True when document `did` holds every word of `c` (single_terms() only).
    [[nodiscard]] bool holds_words(const Checked& c, Xapian::docid did) const;

    std::vector<std::vector<Checked>> choices_;
    Xapian::Database db_;
    std::shared_ptr<PhraseCheckBudget> budget_;
};

/// The window of an OP_PHRASE or OP_NEAR node (Xapian 1.4 has no getter: it is read from the
/// node's description). Throws QueryError when the description does not show it.
[[nodiscard]] unsigned phrase_window(const Xapian::Query& node);

/// `query` with every OP_PHRASE and OP_NEAR replaced for an index with packed positions;
/// `count` is increased by the number replaced. Parts of the query without them are kept as
/// they are.
///
/// With `deferred`, a phrase that every match must satisfy (reached from the root through
/// AND, FILTER, and the first operand of AND_MAYBE and AND_NOT) becomes just the AND of its
/// subqueries and is appended to `deferred`, to be checked by a PackedPhraseDecider; so does
/// an OR of phrases in such a place (the default field searches a phrase in body and title),
/// as one choice. A phrase anywhere else (under OR with other words, or negated) gets a
/// PackedPhraseSource. Without `deferred`, every phrase gets a source.
///
/// Deferred phrases match the documents OP_PHRASE would, and weigh the same, but for one
/// case: in an OR of phrases, a document holding all the words of two branches, where
/// only one branch's phrase holds, also gets the other branch's weight. Throws QueryError for a
/// phrase whose parts are not terms or alternatives of terms (QueryParser makes none). The sources
/// made spend from `budget` when it is given.
[[nodiscard]] Xapian::Query rewrite_positional(const Xapian::Query& query, unsigned& count,
                                               std::vector<PhraseChoice>* deferred = nullptr,
                                               std::shared_ptr<PhraseCheckBudget> budget = nullptr);

}  // namespace revsearch::query
