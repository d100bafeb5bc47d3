#include "indexer/document_builder.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include "common/content_key.hpp"
#include "common/date.hpp"
#include "common/packed_positions.hpp"
#include "common/range_terms.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

namespace revsearch::indexer {

namespace s = revsearch::schema;

namespace {

/// The text fields in the order their words take positions: the order in which
/// build_with_term_generator() hands them to the TermGenerator.
constexpr std::array<std::string_view, 4> kFieldPrefixes{s::kBodyPrefix, s::kTitlePrefix,
                                                         s::kReviewerPrefix, s::kProductPrefix};

/// Distinct words the stem cache holds before it starts again (about 4 MB with their stems):
/// beyond the commonest words, a corpus's words are mostly rare ones, which come once.
constexpr std::size_t kMaxCachedWords = std::size_t{1} << 16;
/// Slots of the cache's table: at most half of them are ever used.
constexpr std::size_t kWordSlots = kMaxCachedWords * 2;

}  // namespace

DocumentBuilder::DocumentBuilder(const AnalyzerSettings& settings, const std::string& dictionary)
    : analyzer_(settings), codec_(dictionary) {
    analyzer_.configure(generator_);
    // The TermGenerator splits CJK text into n-grams when this is set (Xapian 1.4), which the
    // analyzer's words do not do; so does the QueryParser, and the index must agree with it.
    term_generator_only_ = std::getenv("XAPIAN_CJK_NGRAM") != nullptr;
}

void DocumentBuilder::split(const Review& r, ReviewWords& out) const {
    out.text.clear();
    out.reviewer.clear();
    out.product.clear();
    analyzer_.tokenize(r.title, out.text, false, StopWords::Mark);
    out.title_end = out.text.size();
    analyzer_.tokenize(r.body, out.text, false, StopWords::Mark);
    if (!r.reviewer.empty()) analyzer_.tokenize(r.reviewer, out.reviewer, false);
    if (!r.product.empty()) analyzer_.tokenize(r.product, out.product, false, StopWords::Mark);
}

Xapian::Document DocumentBuilder::build(const Review& r) {
    split(r, scratch_words_);
    return build(r, scratch_words_);
}

std::uint32_t DocumentBuilder::word_id(const std::string& word) {
    if (words_.size() * 2 >= slots_.size()) grow_table();
    const std::size_t mask = slots_.size() - 1;
    const std::size_t hash = std::hash<std::string_view>{}(word);
    const auto tag = static_cast<std::uint32_t>(hash);
    std::size_t i = hash & mask;
    for (; slots_[i].word != 0; i = (i + 1) & mask) {
        if (slots_[i].hash != tag) continue;
        const WordInfo& known = words_[slots_[i].word - 1];
        if (known.length == word.size() && words_text_.compare(known.offset, known.length, word) == 0) {
            return slots_[i].word - 1;
        }
    }
    WordInfo info;
    info.offset = static_cast<std::uint32_t>(words_text_.size());
    info.length = static_cast<std::uint32_t>(word.size());
    words_text_ += word;
    std::string stem = analyzer_.stemmer()(word);
    // TermGenerator leaves out a word whose stem is empty (a stemmer that is not "none").
    if (!stem.empty()) {
        const auto [known, added] = stem_ids_.emplace(std::move(stem), static_cast<std::uint32_t>(stems_.size()));
        if (added) {
            stems_.push_back(known->first);
            uses_.emplace_back();
        }
        info.stem = known->second;
    }
    info.spelling = word.size() >= 3 && word.size() <= 24 && std::all_of(word.begin(), word.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
                    });
    words_.push_back(info);
    slots_[i] = WordSlot{tag, static_cast<std::uint32_t>(words_.size())};
    return static_cast<std::uint32_t>(words_.size() - 1);
}

void DocumentBuilder::grow_table() {
    // A review with more distinct words than the cache holds fills it before the next
    // document can empty it: the table then doubles for the rest of this one.
    slots_.assign(std::max(kWordSlots, slots_.size() * 2), WordSlot{});
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t w = 0; w < words_.size(); ++w) {
        const WordInfo& info = words_[w];
        const std::size_t hash = std::hash<std::string_view>{}(std::string_view(words_text_).substr(info.offset, info.length));
        std::size_t i = hash & mask;
        while (slots_[i].word != 0) i = (i + 1) & mask;
        slots_[i] = WordSlot{static_cast<std::uint32_t>(hash), w + 1};
    }
}

void DocumentBuilder::count(std::uint32_t word) {
    WordInfo& info = words_[word];
    if (!info.spelling) return;
    if (info.count++ == 0) counted_.push_back(word);
}

void DocumentBuilder::take_spelling(SpellingCounts& counts) {
    for (const std::uint32_t word : counted_) {
        WordInfo& info = words_[word];
        counts[words_text_.substr(info.offset, info.length)] += info.count;
        info.count = 0;
    }
    counted_.clear();
    for (const auto& [word, freq] : uncached_counts_) counts[word] += freq;
    uncached_counts_.clear();
}

void DocumentBuilder::clear_cache() {
    for (const std::uint32_t word : counted_) {
        const WordInfo& info = words_[word];
        uncached_counts_[words_text_.substr(info.offset, info.length)] += info.count;
    }
    counted_.clear();
    slots_.assign(kWordSlots, WordSlot{});
    words_.clear();
    words_text_.clear();
    stem_ids_.clear();
    stems_.clear();
    uses_.clear();
}

void DocumentBuilder::add_text(std::uint32_t field, const Token* begin, const Token* end, bool positions) {
    const bool counting = positions && count_spelling_ && field <= 1;  // the body and the title
    for (const Token* t = begin; t != end; ++t) {
        if (t->stop) continue;  // kept for the topic tagger; the index leaves stop words out
        const std::uint32_t word = word_id(t->term);
        if (counting) count(word);
        const std::uint32_t stem = words_[word].stem;
        if (stem == kNoStem) continue;
        StemUse& use = uses_[stem];
        if (use.serial[field] != serial_) {
            use.serial[field] = serial_;
            use.term[field] = static_cast<std::uint32_t>(doc_terms_.size());
            doc_terms_.push_back(DocTerm{field, stem, 0, 0, 0});
        }
        const std::uint32_t i = use.term[field];
        ++doc_terms_[i].wdf;
        if (positions) {
            sequence_.push_back(i);
        } else {
            ++doc_terms_[i].unplaced;
        }
    }
}

Xapian::Document DocumentBuilder::build(const Review& r, const ReviewWords& words) {
    assert(!r.id.empty());
    if (words_.size() >= kMaxCachedWords) clear_cache();
    if (term_generator_only_) {
        if (count_spelling_) {
            for (const Token& t : words.text) {
                if (!t.stop) count(word_id(t.term));
            }
        }
        return build_with_term_generator(r);
    }
    if (++serial_ == 0) {  // wrapped: no stem may look used by this document
        for (StemUse& use : uses_) use = StemUse{};
        serial_ = 1;
    }
    doc_terms_.clear();
    sequence_.clear();
    const Token* text = words.text.data();
    add_text(0, text + words.title_end, text + words.text.size());
    add_text(1, text, text + words.title_end);
    add_text(2, words.reviewer.data(), words.reviewer.data() + words.reviewer.size());
    add_text(3, words.product.data(), words.product.data() + words.product.size());
    // Omega's layout: the title's words in the default (unprefixed) field too, without
    // positions, so a phrase never runs from the title into the body.
    if (analyzer_.settings().title_in_default) add_text(0, text, text + words.title_end, false);

    // The terms in term-list (byte) order give each its rank. Distinct (field, stem) pairs
    // make distinct terms, since every text field's prefix is followed by a lower-case stem;
    // equal ones are merged all the same, as a Document would merge them.
    term_text_.resize(doc_terms_.size());
    order_.resize(doc_terms_.size());
    for (std::uint32_t i = 0; i < doc_terms_.size(); ++i) {
        std::string& term = term_text_[i];
        term.assign(kFieldPrefixes[doc_terms_[i].field]);
        term += stems_[doc_terms_[i].stem];
        order_[i] = i;
    }
    std::sort(order_.begin(), order_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return term_text_[a] < term_text_[b]; });
    Xapian::Document doc;
    const bool packed = analyzer_.settings().packed_positions;
    hashes_.clear();
    for (std::size_t k = 0; k < order_.size(); ++k) {
        DocTerm& t = doc_terms_[order_[k]];
        const std::string& term = term_text_[order_[k]];
        if (k > 0 && term == term_text_[order_[k - 1]]) {
            t.rank = doc_terms_[order_[k - 1]].rank;
        } else {
            hashes_.push_back(positions::word_hash(term));
            t.rank = static_cast<std::uint32_t>(hashes_.size());
        }
        if (packed) doc.add_term(term, t.wdf);
    }
    if (packed) {
        numbers_.resize(sequence_.size());
        for (std::size_t p = 0; p < sequence_.size(); ++p) numbers_[p] = doc_terms_[sequence_[p]].rank;
        if (std::string value = positions::encode(numbers_, hashes_); !value.empty()) {
            doc.add_value(s::kPositionsSlot, std::move(value));
        }
    } else {
        for (std::size_t p = 0; p < sequence_.size(); ++p) {
            doc.add_posting(term_text_[sequence_[p]], static_cast<Xapian::termpos>(p + 1));
        }
        for (std::size_t i = 0; i < doc_terms_.size(); ++i) {
            if (doc_terms_[i].unplaced != 0) doc.add_term(term_text_[i], doc_terms_[i].unplaced);
        }
    }
    add_non_text(r, doc);
    return doc;
}

Xapian::Document DocumentBuilder::build_with_term_generator(const Review& r) {
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
    if (analyzer_.settings().title_in_default) {
        generator_.index_text_without_positions(r.title, 1, std::string(s::kBodyPrefix));
    }
    if (packed) {
        if (std::string words = positions::pack(scratch, doc); !words.empty()) {
            doc.add_value(s::kPositionsSlot, std::move(words));
        }
    }
    add_non_text(r, doc);
    return doc;
}

void DocumentBuilder::add_non_text(const Review& r, Xapian::Document& doc) {
    // Boolean filters.
    doc.add_boolean_term(s::id_term(r.id));
    if (!r.reviewer.empty()) doc.add_boolean_term(s::boolean_term(s::kReviewerExactPrefix, r.reviewer));
    for (const std::string& topic : r.topics) doc.add_boolean_term(s::boolean_term(s::kTopicPrefix, topic));
    if (!r.category.empty()) doc.add_boolean_term(s::boolean_term(s::kCategoryPrefix, r.category));
    for (const std::string_view text : {std::string_view(r.title), std::string_view(r.body)}) {
        for (const std::string& term : s::symbol_terms(text)) doc.add_boolean_term(term);
    }

    // Values for ranges, sorting and facets.
    const bool with_range_terms = analyzer_.settings().range_terms;
    if (!r.date.empty()) {
        const std::string key = date::sort_key(r.date);
        doc.add_value(s::kDateSlot, key);
        doc.add_value(s::kYearSlot, date::year(r.date));
        if (with_range_terms) {
            for (const std::string& term : range_terms::date_terms(key)) doc.add_boolean_term(term);
        }
    }
    if (r.rating) doc.add_value(s::kRatingGivenSlot, s::rating_value(*r.rating));
    // Ranges, sorting and facets read the rating on the one scale; a rating with no usable
    // scale stays in the record and kRatingGivenSlot, but is in none of them.
    if (const auto normalised = s::normalised_rating(r.rating, r.rating_scale)) {
        doc.add_value(s::kRatingSlot, s::rating_value(*normalised));
        if (with_range_terms) doc.add_boolean_term(range_terms::rating_term(*normalised));
    }
    if (const std::string key = content_key(r); !key.empty()) {
        doc.add_value(s::kContentKeySlot, key);
        doc.add_boolean_term(std::string(s::kContentKeyPrefix) + key);
    }
    if (!r.reviewer.empty()) doc.add_value(s::kReviewerSlot, text::collapse_spaces(r.reviewer));
    if (!r.category.empty()) doc.add_value(s::kCategorySlot, text::collapse_spaces(r.category));
    doc.add_value(s::kIdSlot, r.id);

    store_record(doc, codec_.encode(to_stored_json(r)));
}

}  // namespace revsearch::indexer
