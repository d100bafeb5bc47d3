#pragma once

#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/record_codec.hpp"
#include "common/review.hpp"

namespace revsearch::indexer {

/// Turns a Review into a Xapian::Document by the schema (common/schema.hpp): positional text
/// terms for body, title, reviewer and product; boolean terms for the exact reviewer, topics,
/// category and id; value slots for date, rating, year, reviewer, category and id; and the
/// whole review as stored JSON.
///
/// Independent of any database, so documents can be built on worker threads. Not thread-safe:
/// each thread owns a builder (and so its own stemmer).
class DocumentBuilder {
public:
    /// Throws UsageError if the analyzer settings name an unknown language. Stored records are
    /// compressed with `dictionary` (see RecordCodec), or plain JSON when it is empty.
    explicit DocumentBuilder(const AnalyzerSettings& settings, const std::string& dictionary = "");

    /// Builds the document. REQUIRES: review.id is not empty.
    [[nodiscard]] Xapian::Document build(const Review& review);

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }

private:
    Analyzer analyzer_;
    Xapian::TermGenerator generator_;
    RecordCodec codec_;
};

}  // namespace revsearch::indexer
