#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/record_codec.hpp"
#include "common/review.hpp"

namespace revsearch::indexer {

/// Word counts for the spelling table ("did you mean").
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

/// The words of a review's free-text fields as the analyzer splits them (lower-cased, not
/// stemmed): what the topic tagger, the spelling counts and the document's terms are all made
/// from, so each review's text is split once. The title, body and product keep their stop
/// words, marked (Token::stop), because the topic tagger matches its phrases word for word
/// ("burned out", "kind to yourself"); the document's terms and spelling counts pass them over.
struct ReviewWords {
    /// The title's words, then the body's (the order the topic tagger reads them in).
    std::vector<Token> text;
    std::size_t title_end = 0;  ///< text[0, title_end) is the title
    std::vector<Token> reviewer;  ///< stop words left out
    std::vector<Token> product;
};

/// Turns a Review into a Xapian::Document by the schema (common/schema.hpp): positional text
/// terms for body, title, reviewer and product; boolean terms for the exact reviewer, topics,
/// category, id and content key; value slots for date, rating (normalised, and as given),
/// year, reviewer, category, id and content key; and the whole review as stored JSON.
///
/// The text terms are exactly those Xapian's TermGenerator makes with the analyzer's
/// settings (the same terms, wdfs and positions: tests compare the two on real corpora and
/// random text), built from the analyzer's words with a cache of stems instead: the
/// TermGenerator split the text a second time, stemmed every occurrence of every word, and
/// filled a Document's position lists only for them to be packed into a value.
///
/// Independent of any database, so documents can be built on worker threads. Not thread-safe:
/// each thread owns a builder (and so its own stemmer).
class DocumentBuilder {
public:
    /// Throws UsageError if the analyzer settings name an unknown language. Stored records are
    /// compressed with `dictionary` (see RecordCodec), or plain JSON when it is empty.
    explicit DocumentBuilder(const AnalyzerSettings& settings, const std::string& dictionary = "");

    /// Splits the review's free-text fields into words (replacing what `out` held).
    void split(const Review& review, ReviewWords& out) const;

    /// Builds the document from the words split() made of this review (its topics may have
    /// been tagged since). REQUIRES: review.id is not empty.
    [[nodiscard]] Xapian::Document build(const Review& review, const ReviewWords& words);

    /// split(), then build().
    [[nodiscard]] Xapian::Document build(const Review& review);

    /// The same document with its text terms made by Xapian's TermGenerator: the definition
    /// build() is held to. build() uses it when XAPIAN_CJK_NGRAM is set, since the
    /// TermGenerator (and QueryParser) then split CJK text into n-grams.
    [[nodiscard]] Xapian::Document build_with_term_generator(const Review& review);

    [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }

    /// From now on (or no longer), build() also counts the title and body words that make
    /// good spelling suggestions: letters only, 3 to 24 bytes (numbers and fragments make
    /// poor ones). Counting shares build()'s look-up of each word's stem.
    void count_spelling(bool on) noexcept { count_spelling_ = on; }

    /// Adds the words counted since the last call to `counts`, and counts from zero again.
    void take_spelling(SpellingCounts& counts);

private:
    /// A distinct text term of the document being built.
    struct DocTerm {
        std::uint32_t field = 0;  ///< index into the text fields (body, title, reviewer, product)
        std::uint32_t stem = 0;   ///< index into stems_
        Xapian::termcount wdf = 0;
        Xapian::termcount unplaced = 0;  ///< of wdf, occurrences without a position (title words unprefixed)
        std::uint32_t rank = 0;   ///< 1-based, among the document's text terms in term order
    };
    static constexpr std::uint32_t kNoStem = 0xFFFFFFFFu;
    static constexpr std::size_t kTextFields = 4;

    /// What the cache knows of a word: where its bytes are in words_text_, its stem id
    /// (kNoStem when the stemmer makes nothing of it), whether it is counted for spelling,
    /// and its count since take_spelling().
    struct WordInfo {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        std::uint32_t stem = kNoStem;
        Xapian::termcount count = 0;
        bool spelling = false;
    };
    /// A slot of the open-addressing table over words_: 0, or a word id plus one, with the
    /// low 32 bits of the word's hash to skip most comparisons.
    struct WordSlot {
        std::uint32_t hash = 0;
        std::uint32_t word = 0;
    };
    /// The cache's id of a word, made (and the word stemmed) on first sight.
    std::uint32_t word_id(const std::string& word);
    /// Doubles the table (at least kWordSlots), keeping its words.
    void grow_table();
    /// Counts a title or body word for spelling, when it is such a word.
    void count(std::uint32_t word);
    /// Empties the cache, keeping the counts not yet taken.
    void clear_cache();
    /// Adds the words' terms in `field`; with `positions` false they count in the wdf only
    /// and are not spelling words (they were counted in their own field).
    void add_text(std::uint32_t field, const Token* begin, const Token* end, bool positions = true);
    void add_non_text(const Review& review, Xapian::Document& doc);

    Analyzer analyzer_;
    Xapian::TermGenerator generator_;
    RecordCodec codec_;
    bool term_generator_only_ = false;
    ReviewWords scratch_words_;

    // The stem cache: word -> word id -> stem id, stem id -> stem, and for each stem and
    // field the last document (by serial) that used it, with its index in doc_terms_. Kept
    // compact (an open-addressing table over one buffer of words) because it is read for
    // every word of every review, beside Xapian's own structures: node-based maps of the
    // same words made the writer's cache misses dearer. Emptied, between documents, once it
    // holds kMaxCachedWords words.
    std::vector<WordSlot> slots_;
    std::vector<WordInfo> words_;
    std::string words_text_;
    std::unordered_map<std::string, std::uint32_t> stem_ids_;  // read only for new words
    std::vector<std::string> stems_;
    struct StemUse {
        std::array<std::uint32_t, kTextFields> serial{};
        std::array<std::uint32_t, kTextFields> term{};
    };
    std::vector<StemUse> uses_;
    std::uint32_t serial_ = 0;
    bool count_spelling_ = false;
    std::vector<std::uint32_t> counted_;  ///< words whose count is not 0
    SpellingCounts uncached_counts_;  ///< counts of words the cache let go of

    // Scratch for one document, reused.
    std::vector<DocTerm> doc_terms_;
    std::vector<std::uint32_t> sequence_;  ///< doc_terms_ index of the word at each position
    std::vector<std::string> term_text_;   ///< doc_terms_[i]'s term
    std::vector<std::uint32_t> order_;     ///< doc_terms_ indexes in term order
    std::vector<std::uint32_t> numbers_;
    std::vector<std::uint32_t> hashes_;
};

}  // namespace revsearch::indexer
