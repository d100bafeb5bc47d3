#pragma once

#include <cstddef>
#include <string>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads Amazon Review Data (2018) JSON Lines (McAuley lab): reviewerName -> reviewer,
/// summary -> title, overall -> rating (scale 5), unixReviewTime -> date (UTC), asin ->
/// product, reviewText -> body; reviewerID, style, verified, vote and image are kept in extra.
/// The records carry no review id, and (reviewerID, asin) repeats in the 5-core files, so the
/// id is the file and line (`All_Beauty_5.json.gz:17`).
class AmazonReader : public Reader {
public:
    /// Lines longer than `max_record_bytes` are rejected unparsed, and never held whole in
    /// memory (0: no limit).
    explicit AmazonReader(std::size_t max_record_bytes = 0) : max_record_bytes_(max_record_bytes) {}

    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// True when a JSON line has Amazon's keys (asin and overall or reviewerID).
    [[nodiscard]] static bool looks_like_amazon(std::string_view head);

private:
    std::size_t max_record_bytes_;
};

}  // namespace revsearch::corpus
