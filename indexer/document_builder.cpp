#include "indexer/document_builder.hpp"

#include <cassert>

#include "common/date.hpp"
#include "common/packed_positions.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

namespace revsearch::indexer {

namespace s = revsearch::schema;

DocumentBuilder::DocumentBuilder(const AnalyzerSettings& settings, const std::string& dictionary)
    : analyzer_(settings), codec_(dictionary) {
    analyzer_.configure(generator_);
}

Xapian::Document DocumentBuilder::build(const Review& r) {
    assert(!r.id.empty());
    Xapian::Document doc;
    // With packed positions the generator writes into a scratch document, whose terms are
    // then copied without their positions, which go into one value instead.
    const bool packed = analyzer_.settings().packed_positions;
    Xapian::Document scratch;
    generator_.set_document(packed ? scratch : doc);

    // Free text. Each field has its own prefix, so positions never collide across fields.
    generator_.index_text(r.body, 1, std::string(s::kBodyPrefix));
    generator_.index_text(r.title, 1, std::string(s::kTitlePrefix));
    if (!r.reviewer.empty()) generator_.index_text(r.reviewer, 1, std::string(s::kReviewerPrefix));
    if (!r.product.empty()) generator_.index_text(r.product, 1, std::string(s::kProductPrefix));
    if (packed) {
        if (std::string words = positions::pack(scratch, doc); !words.empty()) {
            doc.add_value(s::kPositionsSlot, std::move(words));
        }
    }

    // Boolean filters.
    doc.add_boolean_term(s::id_term(r.id));
    if (!r.reviewer.empty()) doc.add_boolean_term(s::boolean_term(s::kReviewerExactPrefix, r.reviewer));
    for (const std::string& topic : r.topics) doc.add_boolean_term(s::boolean_term(s::kTopicPrefix, topic));
    if (!r.category.empty()) doc.add_boolean_term(s::boolean_term(s::kCategoryPrefix, r.category));

    // Values for ranges, sorting and facets.
    if (!r.date.empty()) {
        doc.add_value(s::kDateSlot, date::sort_key(r.date));
        doc.add_value(s::kYearSlot, date::year(r.date));
    }
    if (r.rating) doc.add_value(s::kRatingSlot, s::rating_value(*r.rating));
    if (!r.reviewer.empty()) doc.add_value(s::kReviewerSlot, text::collapse_spaces(r.reviewer));
    if (!r.category.empty()) doc.add_value(s::kCategorySlot, text::collapse_spaces(r.category));
    doc.add_value(s::kIdSlot, r.id);

    store_record(doc, codec_.encode(to_stored_json(r)));
    return doc;
}

}  // namespace revsearch::indexer
