#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/analyzer.hpp"
#include "common/topic_slots.hpp"
#include "query/phrase_source.hpp"
#include "query/query_budget.hpp"

namespace revsearch::query {

/// How query text is read.
enum class ParseMode {
    Syntax,  ///< Xapian QueryParser syntax with the schema's fields (README: "Query syntax")
    Plain,   ///< words only: punctuation and operators are just text (for test collections)
};


/// Turns query text into a Xapian::Query by the schema, with the index's own analyzer, so
/// query terms are exactly the terms the indexer wrote. Not thread-safe: one per thread.
class QueryBuilder {
public:
    /// `analyzer` must outlive the builder; `db` (a handle) gives wildcard expansion and spelling.
    QueryBuilder(const Analyzer& analyzer, const Xapian::Database& db);

    /// Parses `text`. Throws QueryError ("bad query: ...") for malformed syntax, an invalid
    /// range, or a query beyond the budget (set_budget(); query/query_budget.hpp: wildcards
    /// past it are cut short and noted in notices()). Empty text gives an empty query, which
    /// matches nothing. Symbols in the text (schema::symbol_terms(): © ™ €) are required of
    /// every match, as a filter that does not score; a query of symbols alone matches the
    /// reviews holding them all.
    ///
    /// On an index with packed positions, phrases are rewritten (query/phrase_source.hpp):
    /// with `deferred`, the phrases every match must satisfy are left to a decider and
    /// appended there, and the caller must pass a PackedPhraseDecider of them to get_mset();
    /// without it, every phrase is checked inside the query.
    [[nodiscard]] Xapian::Query parse(std::string_view text, ParseMode mode = ParseMode::Syntax,
                                      std::vector<PhraseChoice>* deferred = nullptr);

    /// "Did you mean": the query with misspelt words corrected from the index's spelling
    /// data, or empty when nothing needs correcting or the index has no spelling data.
    [[nodiscard]] std::string suggest(std::string_view text);

    /// Makes terms without an operator all required (AND) instead of any (OR, the default).
    void set_default_and(bool on);

    /// The budget every later parse() is held to (the default QueryBudget until set).
    void set_budget(const QueryBudget& budget) { budget_ = budget; }
    /// What the last parse() cut to fit the budget, one line each (empty when nothing). They
    /// quote only the query's own words.
    [[nodiscard]] const std::vector<std::string>& notices() const noexcept { return notices_; }
    /// What the phrase checks of the last parse()'s query may spend: its phrase sources
    /// spend from it, and so must the PackedPhraseDecider the caller makes for `deferred`.
    [[nodiscard]] const std::shared_ptr<PhraseCheckBudget>& phrase_checks() const noexcept {
        return checks_;
    }

    /// The words of `text` that the index does not hold in the body or title, leaving out
    /// field names and values (`topic:grief`): the words a spelling suggestion is for. Throws
    /// Xapian::Error if the database fails.
    [[nodiscard]] std::vector<std::string> unknown_words(std::string_view text) const;
    /// True when `word` of `text` is a word to correct: not a field name or value, at least
    /// three bytes, and in neither the body nor the titles of the index.
    [[nodiscard]] bool is_unknown_word(std::string_view text, const Token& word) const;

    /// Says whether some shard is remote. xapian-tcpsrv cannot run the phrase matcher of an
    /// index with packed positions, so parse() then refuses phrase and NEAR searches with a
    /// UsageError instead of letting them match nothing.
    void set_remote_shards(bool on) noexcept { remote_shards_ = on; }

    /// Points the builder (wildcards, spelling, unknown words) at another handle, e.g. after a
    /// sharded Searcher reopened without a failed shard.
    void set_database(const Xapian::Database& db);

    /// True when the index holds ratings on the one 0-5 scale (schema version 2 and later),
    /// so `rating:` filters, rating sorts and rating facets can be answered.
    [[nodiscard]] bool ratings_normalised() const noexcept { return ratings_normalised_; }

    /// The topic strength slots `topic:NAME>=N` reads. The builder starts with what its
    /// database records; a Searcher over shards sets the slots they agree on.
    void set_topic_slots(TopicSlots slots);
    [[nodiscard]] const TopicSlots& topic_slots() const noexcept { return topic_slots_; }

private:
    /// Configures a parser by the schema. With `only_field`, other text fields are disabled.
    void configure(Xapian::QueryParser& parser, std::string_view only_field) const;
    [[nodiscard]] Xapian::Query run_parser(Xapian::QueryParser& parser, std::string_view text,
                                           ParseMode mode, unsigned extra_flags = 0,
                                           std::vector<PhraseChoice>* deferred = nullptr);

    const Analyzer& analyzer_;
    Xapian::Database db_;  // a handle: copies share the database
    TopicSlots topic_slots_;  // read by the parsers' topic processors, which point at it
    // Where the date and rating filters of each live parser leave their errors (exceptions
    // must not unwind through Xapian's generated parser, so a bad value is reported after).
    mutable std::map<const Xapian::QueryParser*, std::shared_ptr<std::string>> filter_errors_;
    Xapian::QueryParser parser_;
    bool default_and_ = false;
    bool remote_shards_ = false;
    bool ratings_normalised_ = false;  ///< read from the index's schema version
    QueryBudget budget_;
    std::vector<std::string> notices_;
    std::shared_ptr<PhraseCheckBudget> checks_;
};

/// Why an index of schema version 1 refuses rating filters, sorts and facets.
extern const char* const kOldRatingsMessage;

/// The prefix that scoring parses give to disabled fields: no indexed term starts with it.
inline constexpr std::string_view kDisabledFieldPrefix = "XZOFF";

/// The query terms a snippet should highlight: the analysed words of the text fields, with
/// their field prefixes taken off. Boolean filter terms are left out.
[[nodiscard]] std::vector<std::string> highlight_terms(const Xapian::Query& query);

}  // namespace revsearch::query
