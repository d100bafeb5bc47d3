#pragma once

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
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// True when a JSON line has Amazon's keys (asin and overall or reviewerID).
    [[nodiscard]] static bool looks_like_amazon(std::string_view head);
};

}  // namespace revsearch::corpus
