#include "query/searcher.hpp"

#include <xapian.h>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "query/highlighter.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

namespace {

Xapian::Database open_database(const std::string& path) {
    try {
        return Xapian::Database(path);
    } catch (const Xapian::DatabaseNotFoundError&) {
        throw IndexError(path, "no revsearch database here (build one with revsearch-index)");
    } catch (const Xapian::Error& e) {
        throw IndexError(path, "cannot open: " + e.get_description());
    }
}

constexpr int kMaxReopens = 5;

}  // namespace

SortOrder parse_sort(std::string_view name) {
    if (name == "relevance") return SortOrder::Relevance;
    if (name == "date") return SortOrder::Date;
    if (name == "rating") return SortOrder::Rating;
    throw UsageError("--sort takes relevance, date or rating, not '" + std::string(name) + "'");
}

Searcher::Searcher(const std::string& path)
    : path_(path),
      db_(open_database(path)),
      analyzer_(AnalyzerSettings::from_database(db_)),
      builder_(analyzer_, db_) {}

Xapian::doccount Searcher::doc_count() const { return db_.get_doccount(); }

SearchResult Searcher::search(const SearchRequest& request) {
    for (int attempt = 0;; ++attempt) {
        try {
            return search_once(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= kMaxReopens) throw IndexError(path_, "kept changing during the search");
            db_.reopen();
        } catch (const Xapian::QueryParserError& e) {
            throw QueryError(e.get_msg());
        } catch (const Xapian::Error& e) {
            throw IndexError(path_, e.get_description());
        }
    }
}

SearchResult Searcher::search_once(const SearchRequest& request) {
    builder_.set_default_and(request.default_and);
    const Xapian::Query query = builder_.parse(request.query, request.parse);

    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(request.bm25.k1, 0, 1, request.bm25.b, 0.5));
    Xapian::MultiValueKeyMaker keys;
    switch (request.sort) {
        case SortOrder::Relevance:
            // Ties in score go to the smaller external id.
            enquire.set_sort_by_relevance_then_value(s::kIdSlot, false);
            break;
        case SortOrder::Date:
            keys.add_value(s::kDateSlot, true);
            keys.add_value(s::kIdSlot, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
        case SortOrder::Rating:
            keys.add_value(s::kRatingSlot, true);
            keys.add_value(s::kIdSlot, false);
            enquire.set_sort_by_key_then_relevance(&keys, false);
            break;
    }

    const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                               static_cast<Xapian::doccount>(request.k));
    SearchResult result;
    result.estimated = mset.get_matches_estimated();
    result.terms = highlight_terms(query);
    const Highlighter highlighter(analyzer_, result.terms);
    std::size_t rank = request.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.rank = ++rank;
        hit.score = it.get_weight();
        hit.review = from_stored_json(it.get_document().get_data());
        if (request.snippets) hit.snippet = highlighter.snippet(hit.review.body, request.snippet_chars);
        result.hits.push_back(std::move(hit));
    }
    return result;
}

std::optional<Review> Searcher::fetch(const std::string& id) {
    for (int attempt = 0;; ++attempt) {
        try {
            const std::string term = s::id_term(id);
            Xapian::PostingIterator p = db_.postlist_begin(term);
            if (p == db_.postlist_end(term)) return std::nullopt;
            return from_stored_json(db_.get_document(*p).get_data());
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= kMaxReopens) throw IndexError(path_, "kept changing during the fetch");
            db_.reopen();
        } catch (const Xapian::Error& e) {
            throw IndexError(path_, e.get_description());
        }
    }
}

}  // namespace revsearch::query
