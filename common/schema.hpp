#pragma once

#include <array>
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
inline constexpr int kSchemaVersion = 1;

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
/// A symbol the title or body holds (boolean, not a query field): `XY©`, `XY€`. Words are all
/// the analyzer indexes, so without these a search for © or € could find nothing.
inline constexpr std::string_view kSymbolPrefix = "XY";

inline constexpr std::array<Field, 8> kFields = {{
    {"body", kBodyPrefix, FieldKind::Text, true, "the review text"},
    {"title", kTitlePrefix, FieldKind::Text, true, "the review's title"},
    {"reviewer", kReviewerPrefix, FieldKind::Text, false, "words of the reviewer's name"},
    {"product", kProductPrefix, FieldKind::Text, false, "the thing reviewed (book, movie, item)"},
    {"by", kReviewerExactPrefix, FieldKind::Boolean, false,
     "the reviewer's whole name, exactly (case and spacing ignored)"},
    {"topic", kTopicPrefix, FieldKind::Boolean, false, "a topic, e.g. topic:\"compassion fatigue\""},
    {"category", kCategoryPrefix, FieldKind::Boolean, false, "the category, exactly"},
    {"id", kIdPrefix, FieldKind::Boolean, false, "the review's id"},
}};

/// Value slots. Single-valued facets live in slots (ValueCountMatchSpy); topics are
/// multi-valued and are counted by term instead.
enum Slot : Xapian::valueno {
    kDateSlot = 0,      ///< date::sort_key(), 8 ASCII digits
    kRatingSlot = 1,    ///< Xapian::sortable_serialise(rating as given)
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
};

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

/// Normalises a boolean field's value: Unicode lower case, whitespace collapsed and trimmed.
/// Used on both sides, so `topic:"Compassion Fatigue"` finds "compassion fatigue".
[[nodiscard]] std::string normalize_boolean(std::string_view value);

/// The boolean term for `value` in the field with `prefix`. Normalises the value, and keeps
/// the term under Xapian's length limit: an over-long value is cut and suffixed with a hash
/// of the whole, so distinct values keep distinct terms.
[[nodiscard]] std::string boolean_term(std::string_view prefix, std::string_view value);

/// The unique id term. Ids are case-sensitive, so only whitespace is normalised.
[[nodiscard]] std::string id_term(std::string_view id);

/// The kSymbolPrefix terms of `text`, each once, in order of first appearance: one per distinct
/// character outside ASCII whose Unicode category is Other Symbol (© ® ™ ° ♥ ★, emoji) or
/// Currency Symbol (€ £ ¥). The indexer adds those of each review's title and body; the query
/// builder requires those of a query. Invalid UTF-8 is passed over. Thread-safe.
[[nodiscard]] std::vector<std::string> symbol_terms(std::string_view text);

/// The sortable value for a rating.
[[nodiscard]] std::string rating_value(double rating);

/// Inverse of rating_value().
[[nodiscard]] double rating_from_value(const std::string& value);

}  // namespace revsearch::schema
