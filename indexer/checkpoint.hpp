#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace revsearch::indexer {

/// What one writer (a lane: the single database, a shard, or a parallel builder's parts)
/// knows of one input file: enough to resume or skip it. Stored as JSON in the metadata key
/// schema::kMetaSources and committed in the same transaction as the documents it counts.
struct SourceState {
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::uint64_t records = 0;  ///< records of this file routed to this lane and committed
    bool done = false;          ///< every record of the file has been committed
    std::string hash;           ///< of the file's bytes when it was read
    /// Of `records`, those decoded from another encoding than UTF-8, by that encoding.
    std::map<std::string, std::uint64_t> transcoded;
};

using SourceMap = std::map<std::string, SourceState>;

/// Parses the stored JSON; malformed or empty input gives an empty map.
[[nodiscard]] SourceMap parse_sources(const std::string& stored);
[[nodiscard]] std::string dump_sources(const SourceMap& sources);

/// The sources of several lanes as one: record counts (transcoded ones too) add up, and a file
/// is done only when every lane that knows it is done with it.
void merge_sources(SourceMap& into, const SourceMap& lane);

}  // namespace revsearch::indexer
