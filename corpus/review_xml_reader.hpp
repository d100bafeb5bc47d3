#pragma once

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads the pseudo-XML `.review` files of the Multi-Domain Sentiment Dataset (Blitzer et al.,
/// 2007): `<review>` records with no root element (or a `<data>` wrapper), each tag's value on
/// its own lines. It is read record by record, tag line by tag line, never as XML: the bodies
/// hold raw `&` and `<`. product_name "Title: Category: Author" is split from the right into
/// product, category and extra author; helpful, asin, product_type and reviewer_location go to
/// extra. A record cut off before `</review>` is rejected.
class ReviewXmlReader : public Reader {
public:
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;
    [[nodiscard]] static bool looks_like_reviews(std::string_view head);
};

/// Reads TREC SGML documents: `<DOC>` records with `<DOCNO>` as id, `<TITLE>` or `<HEAD>` as
/// title, and `<TEXT>` (or, without it, all other text) as body. Tags are stripped.
class TrecReader : public Reader {
public:
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;
    [[nodiscard]] static bool looks_like_trec(std::string_view head);
};

/// Reads SMART test collections (Cranfield, CACM): `.I id` starts a record; `.T` title, `.A`
/// authors (-> reviewer, joined by "; "), `.B` source (-> extra source, and a date when it
/// names a year), `.W` body; other fields (`.N`, `.X`, `.K`, ...) go to extra. CRLF is fine.
class SmartReader : public Reader {
public:
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;
    /// True for SMART *documents*: a query file (records without `.T`) is not a corpus.
    [[nodiscard]] static bool looks_like_smart_documents(std::string_view head);
};

}  // namespace revsearch::corpus
