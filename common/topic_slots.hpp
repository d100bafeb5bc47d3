#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace revsearch {

/// Which value slot holds each topic's strength in an index, and what tagged the topics: the
/// metadata schema::kMetaTopics, written by the indexer and read by the query side. Slots are
/// given by topic name, from schema::kFirstTopicSlot on, and never change: an update with
/// another lexicon keeps the slots of the topics the index knows and adds new ones after them.
struct TopicSlots {
    std::map<std::string, Xapian::valueno> slots;  ///< normalised topic name -> slot
    std::string lexicon;  ///< where the last lexicon came from: "default" or a file
    std::string rule;     ///< the evidence rule it used, as a JSON object (for --stats)

    /// The slot of `topic` (any case and spacing), or nullopt when the index has no strengths
    /// for it.
    [[nodiscard]] std::optional<Xapian::valueno> slot(std::string_view topic) const;
    /// The slot of `topic`, given the next free one if it has none yet.
    Xapian::valueno assign(std::string_view topic);
    [[nodiscard]] bool empty() const noexcept { return slots.empty(); }

    /// Serialises for the metadata.
    [[nodiscard]] std::string to_json() const;
    /// Inverse of to_json(); "" (an index without strengths) gives no slots. Throws
    /// revsearch::Error on malformed input.
    [[nodiscard]] static TopicSlots from_json(const std::string& json);
    /// What `db` records (its first database's metadata, for a combined handle). Throws
    /// revsearch::Error when the record is malformed, Xapian::Error when it cannot be read.
    [[nodiscard]] static TopicSlots from_database(const Xapian::Database& db);

    bool operator==(const TopicSlots&) const = default;
};

}  // namespace revsearch
