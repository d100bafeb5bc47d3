#pragma once

#include <string>
#include <vector>

#include <xapian.h>

/// Phrase and NEAR search over an index with packed positions (common/packed_positions.hpp).
///
/// Xapian's OP_PHRASE and OP_NEAR read its position table, which such an index does not have.
/// rewrite_positional() therefore turns each of them into
///     OP_FILTER(OP_AND(the same subqueries), PackedPhraseSource)
/// The AND finds the documents holding every word and gives them the same weight OP_PHRASE
/// would (the sum of its words' weights); the source then keeps the documents whose packed
/// positions hold the words in order (or near each other).
namespace revsearch::query {

/// A weightless posting source: the documents of a database where the words of `slots` occur
/// as a phrase (`ordered`) or near each other, within `window` positions. Each slot lists the
/// terms that may stand there (one term, or the alternatives of an OR or a synonym).
///
/// Xapian asks it to check() only the documents the surrounding AND has already matched, so
/// its cost is one value read and one term-list read per such document. It has no name(), so
/// it cannot be sent to a remote shard. Not thread-safe; Xapian clones it per shard.
class PackedPhraseSource : public Xapian::PostingSource {
public:
    /// REQUIRES: slots is not empty and no slot is empty.
    PackedPhraseSource(std::vector<std::vector<std::string>> slots, unsigned window, bool ordered);

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

    std::vector<std::vector<std::string>> slots_;
    unsigned window_;
    bool ordered_;

    Xapian::Database db_;
    std::vector<std::string> terms_;                 // every slot's terms, sorted, unique
    std::vector<std::vector<std::size_t>> slot_terms_;  // indexes into terms_, per slot
    std::vector<Xapian::PostingIterator> drivers_;   // the postings of the rarest slot
    Xapian::ValueIterator values_;
    Xapian::doccount termfreq_max_ = 0;
    Xapian::docid current_ = 0;
    bool started_ = false;
    bool valid_ = false;  // current_ is a match (false after check() said no)
    bool at_end_ = false;
    // Scratch, kept to avoid allocating per document.
    std::vector<std::uint32_t> ranks_;
    std::vector<std::vector<std::uint32_t>> numbers_;
};

/// `query` with every OP_PHRASE and OP_NEAR replaced as described above; `count` is increased
/// by the number replaced. Parts of the query without them are kept as they are. Throws
/// QueryError for a phrase whose parts are not terms or alternatives of terms (QueryParser
/// makes none).
[[nodiscard]] Xapian::Query rewrite_positional(const Xapian::Query& query, unsigned& count);

}  // namespace revsearch::query
