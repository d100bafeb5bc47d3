// libFuzzer target for the document builder: every input, split into a review's body, title,
// reviewer and product at 0x1F bytes, must build exactly the document Xapian's TermGenerator
// makes of it (DocumentBuilder::build_with_term_generator(), the definition), with and
// without stop words, and every word's span must hold that word.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <xapian.h>

#include "common/analyzer.hpp"
#include "indexer/document_builder.hpp"

namespace {

using namespace revsearch;

std::string describe(const Xapian::Document& doc) {
    std::string out;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        out += *t + ' ' + std::to_string(t.get_wdf());
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) out += ' ' + std::to_string(*p);
        out += '\n';
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) out += std::to_string(v.get_valueno()) + *v + '\n';
    return out;
}

AnalyzerSettings settings(bool stopwords, bool packed) {
    AnalyzerSettings s;
    if (stopwords) {
        s.stopwords_name = "english";
        s.stopwords = load_stopwords("english");
    }
    s.packed_positions = packed;
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static indexer::DocumentBuilder with_stopwords(settings(true, true));
    static indexer::DocumentBuilder plain(settings(false, false));
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    Review r;
    r.id = "fuzz";
    std::string* fields[] = {&r.body, &r.title, &r.reviewer, &r.product};
    std::size_t field = 0;
    for (const char c : input) {
        if (c == '\x1f' && field + 1 < 4) {
            ++field;
        } else {
            *fields[field] += c;
        }
    }
    for (indexer::DocumentBuilder* builder : {&with_stopwords, &plain}) {
        if (describe(builder->build(r)) != describe(builder->build_with_term_generator(r))) std::abort();
        std::vector<Token> words;
        builder->analyzer().tokenize(r.body, words, false);
        for (const Token& w : words) {
            if (w.begin >= w.end || w.end > r.body.size()) std::abort();
            std::vector<Token> alone;
            builder->analyzer().tokenize(std::string_view(r.body).substr(w.begin, w.end - w.begin), alone, false);
            if (alone.size() != 1 || alone[0].term != w.term) std::abort();
        }
    }
    return 0;
}
