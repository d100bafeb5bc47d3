#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

/// The one table that says how a review becomes Xapian terms and values. The indexer writes by
/// it and the query tool parses by it, so the two can never disagree.
///
/// Prefixes follow Xapian Omega's conventions (S subject/title, A author, K keyword, Q unique
/// id, X... for our own), so the index reads naturally in xapian-delve and quest.
namespace revsearch::schema {

/// Bumped whenever terms, values or stored data change meaning; stored in the metadata.
/// Version 2: ratings on one scale (kRatingSlot and the rating terms hold the normalised
/// rating; the rating as given moved to kRatingGivenSlot) and content keys (kContentKeySlot,
/// kContentKeyPrefix). Version 1 indexes are searched, but refuse what would read their
/// ratings (see QueryBuilder) and are not collapsed.
inline constexpr int kSchemaVersion = 2;

enum class FieldKind {
    Text,     ///< analysed free text (stemmed words, with positions)
    Boolean,  ///< one normalised term per value; filters, never scores
};

/// One searchable field.
struct Field {
    std::string_view name;    ///< the field name in queries, e.g. `title:`
    std::string_view prefix;  ///< the Xapian term prefix; "" means unprefixed
    FieldKind kind;
    bool in_default;          ///< searched when a query names no field
    std::string_view what;    ///< one line for `--help` and the README
};

// Term prefixes. The body is unprefixed: its positions are written once and serve phrase
// search, the default field, `body:` and the snippet highlighter alike.
inline constexpr std::string_view kBodyPrefix = "";
inline constexpr std::string_view kTitlePrefix = "S";
inline constexpr std::string_view kReviewerPrefix = "A";
inline constexpr std::string_view kProductPrefix = "XP";
inline constexpr std::string_view kReviewerExactPrefix = "XA";
inline constexpr std::string_view kTopicPrefix = "K";
inline constexpr std::string_view kCategoryPrefix = "XC";
inline constexpr std::string_view kIdPrefix = "Q";
/// The input file a review came from (boolean, not a query field): lets a re-run find the
/// reviews a file no longer holds (--delete-missing).
inline constexpr std::string_view kSourceFilePrefix = "XF";
/// Boolean terms for date and rating ranges (common/range_terms.hpp; not query fields):
/// Omega's year, month and day prefixes over the date's sort key, and the rating.
inline constexpr std::string_view kYearPrefix = "Y";
inline constexpr std::string_view kMonthPrefix = "M";
inline constexpr std::string_view kDayPrefix = "D";
inline constexpr std::string_view kRatingPrefix = "XR";
/// The review's content key (common/content_key.hpp), as a boolean term: every copy of one
/// review shares it, so `dup:KEY` lists the copies and its term frequency counts them.
inline constexpr std::string_view kContentKeyPrefix = "XH";
/// A symbol the title or body holds (boolean, not a query field): `XY©`, `XY€`. Words are all
/// the analyzer indexes, so without these a search for © or € could find nothing.
inline constexpr std::string_view kSymbolPrefix = "XY";

inline constexpr std::array<Field, 9> kFields = {{
    {"body", kBodyPrefix, FieldKind::Text, true, "the review text"},
    {"title", kTitlePrefix, FieldKind::Text, true, "the review's title"},
    {"reviewer", kReviewerPrefix, FieldKind::Text, false, "words of the reviewer's name"},
    {"product", kProductPrefix, FieldKind::Text, false, "the thing reviewed (book, movie, item)"},
    {"by", kReviewerExactPrefix, FieldKind::Boolean, false,
     "the reviewer's whole name, exactly (case and spacing ignored)"},
    {"topic", kTopicPrefix, FieldKind::Boolean, false, "a topic, e.g. topic:\"compassion fatigue\""},
    {"category", kCategoryPrefix, FieldKind::Boolean, false, "the category, exactly"},
    {"id", kIdPrefix, FieldKind::Boolean, false, "the review's id"},
    {"dup", kContentKeyPrefix, FieldKind::Boolean, false,
     "every copy of one review, by its content key (the key JSON output shows)"},
}};

/// Value slots. Single-valued facets live in slots (ValueCountMatchSpy); topics are
/// multi-valued and are counted by term instead.
enum Slot : Xapian::valueno {
    kDateSlot = 0,      ///< date::sort_key(), 8 ASCII digits
    /// Xapian::sortable_serialise(normalised_rating()): the rating on the 0-5 scale, which
    /// ranges, sorting and facets use. Absent when the rating has no usable scale. (Schema
    /// version 1 held the rating as given here.)
    kRatingSlot = 1,
    kYearSlot = 2,      ///< "YYYY"
    kReviewerSlot = 3,  ///< the reviewer's name as displayed (spaces collapsed)
    kCategorySlot = 4,  ///< the category as displayed
    kIdSlot = 5,        ///< the external id: breaks score ties deterministically
    /// The stored record when it is compressed with the index's dictionary (the document data
    /// is then empty); see common/record_codec.hpp for why it is not the document data.
    kRecordSlot = 6,
    /// The document's word positions, when the index packs them (common/packed_positions.hpp)
    /// instead of writing Xapian's position table.
    kPositionsSlot = 7,
    /// The content key (common/content_key.hpp), 32 hex digits: searches collapse on it
    /// (`--distinct`). Absent when a review has none.
    kContentKeySlot = 8,
    /// Xapian::sortable_serialise(rating as given), on whatever scale it came: kept so the
    /// index can say how many ratings have no usable scale (--stats).
    kRatingGivenSlot = 9,
};

/// Topic strengths (mentions per 1,000 words, corpus/topic_tagger.hpp) take one slot per topic
/// of the index's lexicon, from this one on, as the metadata kMetaTopics assigns them
/// (common/topic_slots.hpp). A review holds a strength for each lexicon topic it is tagged with.
inline constexpr Xapian::valueno kFirstTopicSlot = 16;

// Database metadata keys.
inline constexpr std::string_view kMetaSchema = "revsearch:schema";
inline constexpr std::string_view kMetaAnalyzer = "revsearch:analyzer";
inline constexpr std::string_view kMetaStats = "revsearch:stats";
inline constexpr std::string_view kMetaManifest = "revsearch:manifest";
/// Per input file: size, mtime, records committed, done. Written with every commit.
inline constexpr std::string_view kMetaSources = "revsearch:sources";
/// The current or last run: its inputs and whether it finished.
inline constexpr std::string_view kMetaRun = "revsearch:run";
/// The zstd dictionary stored records are compressed with (common/record_codec.hpp); absent
/// when records are plain JSON.
inline constexpr std::string_view kMetaDictionary = "revsearch:dictionary";
/// The topics whose strengths the index holds, their value slots, and the lexicon and evidence
/// rule that tagged them (common/topic_slots.hpp). Absent in indexes without strengths.
inline constexpr std::string_view kMetaTopics = "revsearch:topics";

/// Normalises a boolean field's value: Unicode lower case, whitespace collapsed and trimmed.
/// Used on both sides, so `topic:"Compassion Fatigue"` finds "compassion fatigue".
[[nodiscard]] std::string normalize_boolean(std::string_view value);

/// The boolean term for `value` in the field with `prefix`. Normalises the value, and keeps
/// the term under Xapian's length limit: an over-long value is cut and suffixed with a hash
/// of the whole, so distinct values keep distinct terms.
[[nodiscard]] std::string boolean_term(std::string_view prefix, std::string_view value);

/// The unique id term. Ids are case-sensitive, so only whitespace is normalised.
[[nodiscard]] std::string id_term(std::string_view id);

/// The top of the one scale every rating is put on: ratings are normalised to 0-5, where most
/// review sites' stars already are.
inline constexpr double kRatingScale = 5.0;

/// A rating on the 0-5 scale: `kRatingScale * rating / scale`, rounded to two decimals, so
/// 8 of 10 is 4, 7 of 10 is 3.5, and 3.87 of 5 stays 3.87. Nullopt when there is no rating,
/// no scale (nothing says what the number is out of, and guessing would mix scales), a scale
/// that is not positive, or a rating outside 0..scale. Callers keep the rating as given.
[[nodiscard]] std::optional<double> normalised_rating(std::optional<double> rating,
                                                      std::optional<double> scale);

/// The half-star a normalised rating counts under in the rating facet: the largest multiple
/// of 0.5 not above it (3.87 counts under 3.5, which covers 3.5 to 3.99; 5 is its own).
[[nodiscard]] double rating_bucket(double normalised);

/// The schema version an index was written with: its `revsearch:schema` metadata, else the
/// `schema` its analyzer settings record, else 0 (not written by revsearch). Throws
/// Xapian::Error if the metadata cannot be read.
[[nodiscard]] int stored_version(const Xapian::Database& db);

/// The kSymbolPrefix terms of `text`, each once, in order of first appearance: one per distinct
/// character outside ASCII whose Unicode category is Other Symbol (© ® ™ ° ♥ ★, emoji) or
/// Currency Symbol (€ £ ¥). The indexer adds those of each review's title and body; the query
/// builder requires those of a query. Invalid UTF-8 is passed over. Thread-safe.
[[nodiscard]] std::vector<std::string> symbol_terms(std::string_view text);

/// The sortable value for a rating.
[[nodiscard]] std::string rating_value(double rating);

/// Inverse of rating_value().
[[nodiscard]] double rating_from_value(const std::string& value);

/// The sortable value for a topic's strength.
[[nodiscard]] std::string strength_value(double strength);

/// Inverse of strength_value().
[[nodiscard]] double strength_from_value(const std::string& value);

}  // namespace revsearch::schema
