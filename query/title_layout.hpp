#pragma once

#include <xapian.h>

#include <string>

/// Queries on an index whose titles are also in the default field (Omega's layout,
/// AnalyzerSettings::title_in_default): the unprefixed terms hold the body's words and the
/// title's, so `body:` and the default field's phrases need more than the terms themselves.
namespace revsearch::query {

/// The prefix the query parser gives `body:` words on such an index, so they can be told
/// from default-field words until apply_title_layout() replaces them. No indexed term starts
/// with it.
inline constexpr std::string_view kBodyOnlyPrefix = "XZBODY";

/// A weightless posting source: the documents where `word` (an unprefixed term) occurs in the
/// body, not only in the title. The unprefixed wdf counts the body's occurrences and the
/// title's, and the title's `S` term counts the title's, so the body holds the word exactly
/// when the first is the larger. It walks the two posting lists side by side: no term list
/// or position is read. It has no name(), so it cannot be sent to a remote shard. Not
/// thread-safe; Xapian clones it per database.
class BodyWordSource : public Xapian::PostingSource {
  public:
    explicit BodyWordSource(std::string word);

    BodyWordSource* clone() const override;
    void init(const Xapian::Database& db) override;
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return est_; }
    Xapian::doccount get_termfreq_max() const override { return est_; }
    void next(double min_wt) override;
    void skip_to(Xapian::docid did, double min_wt) override;
    bool check(Xapian::docid did, double min_wt) override;
    bool at_end() const override { return it_ == end_; }
    Xapian::docid get_docid() const override { return *it_; }
    std::string get_description() const override;

  private:
    /// Moves on from the current posting to the first whose document holds the word in its body.
    void settle();

    std::string word_;
    Xapian::Database db_;
    Xapian::PostingIterator it_, end_, title_, title_end_;
    Xapian::doccount est_ = 0;
    bool started_ = false;
};

/// `query` as parsed for an index with the title in the default field, made to mean what it
/// means on any index:
///   - a `body:` word (kBodyOnlyPrefix) becomes the unprefixed word filtered by a
///     BodyWordSource: it matches reviews whose body has it, and scores as the word;
///   - a `body:` phrase or NEAR becomes the same over the unprefixed terms, whose positions
///     are the body's alone;
///   - a `body:` wildcard expands over the unprefixed terms (titles included: a wildcard's
///     words are not checked one by one);
///   - a default-field phrase or NEAR (unprefixed words) becomes the OR of it and the same
///     phrase in the title (`S`), so a phrase is found in either field, never across the two.
/// Other parts are kept as they are. Throws UsageError for a `body:` word when `remote`
/// (xapian-tcpsrv cannot run the source), and QueryError when a part to change sits under
/// an operator whose parameter Xapian 1.4 does not give back (the parser makes none).
[[nodiscard]] Xapian::Query apply_title_layout(const Xapian::Query& query, bool remote);

}  // namespace revsearch::query
