#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

/// The review record: what every reader produces, what the indexer stores, and what the query
/// side shows. It lives in common/ because both sides must agree on its stored form.
namespace revsearch {

/// One review, as found in a corpus. Strings are UTF-8 (readers repair or reject bad bytes);
/// an empty string means "absent".
struct Review {
    std::string id;        ///< unique in the corpus; derived from source and record when absent
    std::string title;
    std::string reviewer;
    std::string date;      ///< canonical partial ISO date (common/date.hpp) or empty
    std::optional<double> rating;        ///< as given
    std::optional<double> rating_scale;  ///< the scale it came on (5 for "4 of 5 stars")
    std::vector<std::string> topics;     ///< display forms, e.g. "compassion fatigue"
    std::string category;
    std::string product;   ///< the thing reviewed: a book, a movie, an item
    std::string body;
    std::string source;    ///< where it came from: `file:line` or `file#record`
    std::string url;
    /// Other key/values, in input order. Values are text; structured values are kept as JSON.
    std::vector<std::pair<std::string, std::string>> extra;
    /// The encoding the record's text was decoded from when its input was not UTF-8 (e.g.
    /// "windows-1252", "UTF-16LE"); empty for UTF-8. Counted by the indexer, not stored.
    std::string source_encoding;

    /// Adds `topic` unless an equal one (after boolean-term normalisation) is present.
    void add_topic(const std::string& topic);

    /// The value stored under `key` in extra, or empty.
    [[nodiscard]] std::string extra_value(const std::string& key) const;

    /// True when the record has text to index: a title or a body that is not blank.
    [[nodiscard]] bool has_text() const;
};

/// A record a reader could not turn into a Review. Rejects are data, not exceptions: the job
/// counts them by reason and goes on.
struct Reject {
    std::string source;  ///< `file:line` or `file#record`
    std::string reason;  ///< short, stable text: rejects are counted by it
    std::string raw;     ///< up to 1 KiB of the offending input
    /// As Review::source_encoding: set when the record was decoded from another encoding
    /// (and rejected for some other reason afterwards).
    std::string encoding;
};

/// Serialises a review to the compact JSON object stored as the Xapian document data.
/// Keys with absent values are left out.
[[nodiscard]] std::string to_stored_json(const Review& review);

/// Inverse of to_stored_json(). Throws revsearch::Error if `data` is not a stored review.
[[nodiscard]] Review from_stored_json(const std::string& data);

/// The general decoder from_stored_json() falls back to: any JSON object read through
/// nlohmann's tree, keys of other types ignored. Slower; the tests hold the one-pass reader
/// against it. Throws revsearch::Error if `data` is not a JSON object.
[[nodiscard]] Review from_stored_json_tree(const std::string& data);

}  // namespace revsearch
