#include "query/phrase_source.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

#include "common/error.hpp"
#include "common/packed_positions.hpp"
#include "common/schema.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

PackedPhraseSource::PackedPhraseSource(std::vector<std::vector<std::string>> slots, unsigned window,
                                       bool ordered)
    : slots_(std::move(slots)), window_(window), ordered_(ordered) {
    assert(!slots_.empty());
    for (const auto& slot : slots_) {
        terms_.insert(terms_.end(), slot.begin(), slot.end());
    }
    std::sort(terms_.begin(), terms_.end());
    terms_.erase(std::unique(terms_.begin(), terms_.end()), terms_.end());
    for (const auto& slot : slots_) {
        assert(!slot.empty());
        std::vector<std::size_t> indexes;
        for (const std::string& term : slot) {
            indexes.push_back(static_cast<std::size_t>(
                std::lower_bound(terms_.begin(), terms_.end(), term) - terms_.begin()));
        }
        slot_terms_.push_back(std::move(indexes));
    }
}

PackedPhraseSource* PackedPhraseSource::clone() const {
    return new PackedPhraseSource(slots_, window_, ordered_);
}

void PackedPhraseSource::init(const Xapian::Database& db) {
    db_ = db;
    values_ = db_.valuestream_begin(s::kPositionsSlot);
    current_ = 0;
    started_ = valid_ = at_end_ = false;
    // The rarest slot drives next() and skip_to(); a slot's frequency is at most the sum of
    // its terms'. A phrase is at most as frequent as its rarest slot.
    Xapian::doccount best = std::numeric_limits<Xapian::doccount>::max();
    std::size_t best_slot = 0;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Xapian::doccount sum = 0;
        for (const std::string& term : slots_[i]) sum += db_.get_termfreq(term);
        if (sum < best) {
            best = sum;
            best_slot = i;
        }
    }
    termfreq_max_ = std::min(best, db_.get_doccount());
    drivers_.clear();
    for (const std::string& term : slots_[best_slot]) drivers_.push_back(db_.postlist_begin(term));
}

Xapian::doccount PackedPhraseSource::get_termfreq_est() const {
    // Most documents holding the rarest word do not hold the phrase; half is Xapian's own
    // guess for its phrase postings.
    return termfreq_max_ / 2;
}

bool PackedPhraseSource::holds_phrase(Xapian::docid did) {
    if (!values_.check(did) || values_ == db_.valuestream_end(s::kPositionsSlot) ||
        values_.get_docid() != did) {
        return false;
    }
    // Number the phrase's terms as the packer did: by rank among the document's positional
    // terms, in term-list order (both lists are sorted, so one merge pass does it).
    ranks_.assign(terms_.size(), 0);
    std::uint32_t rank = 0;
    std::size_t k = 0;
    for (auto t = db_.termlist_begin(did); t != db_.termlist_end(did) && k < terms_.size(); ++t) {
        const std::string term = *t;
        const bool positional = positions::is_positional_term(term);
        if (positional) ++rank;
        while (k < terms_.size() && terms_[k] < term) ++k;
        if (k < terms_.size() && terms_[k] == term) ranks_[k++] = positional ? rank : 0;
    }
    numbers_.resize(slot_terms_.size());
    for (std::size_t i = 0; i < slot_terms_.size(); ++i) {
        numbers_[i].clear();
        for (std::size_t index : slot_terms_[i]) {
            if (ranks_[index] != 0) numbers_[i].push_back(ranks_[index]);
        }
        if (numbers_[i].empty()) return false;
    }
    const std::string packed = *values_;
    return positions::PackedDocument(packed).matches(numbers_, window_, ordered_);
}

void PackedPhraseSource::seek(Xapian::docid from) {
    started_ = true;
    for (;;) {
        Xapian::docid candidate = 0;
        for (auto& it : drivers_) {
            if (it == Xapian::PostingIterator()) continue;
            if (*it < from) it.skip_to(from);
            if (it == Xapian::PostingIterator()) continue;
            if (candidate == 0 || *it < candidate) candidate = *it;
        }
        if (candidate == 0) {
            at_end_ = true;
            valid_ = false;
            return;
        }
        if (holds_phrase(candidate)) {
            current_ = candidate;
            valid_ = true;
            return;
        }
        from = candidate + 1;
    }
}

void PackedPhraseSource::next(double) {
    seek(started_ ? current_ + 1 : 1);
}

void PackedPhraseSource::skip_to(Xapian::docid did, double) {
    if (!started_) return seek(did);
    if (valid_ && did <= current_) return;
    seek(std::max(did, valid_ ? did : current_ + 1));
}

bool PackedPhraseSource::check(Xapian::docid did, double) {
    started_ = true;
    current_ = did;
    valid_ = holds_phrase(did);
    return valid_;
}

std::string PackedPhraseSource::get_description() const {
    std::string out = ordered_ ? "PackedPhrase(" : "PackedNear(";
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (i > 0) out += ' ';
        for (std::size_t j = 0; j < slots_[i].size(); ++j) out += (j > 0 ? "|" : "") + slots_[i][j];
    }
    return out + " window " + std::to_string(window_) + ")";
}

namespace {

/// The window of an OP_PHRASE or OP_NEAR node. Xapian 1.4 has no getter for it, but the
/// node's description prints it after the operator's name, e.g. "(a@1 PHRASE 2 b@2)"; its
/// subqueries are terms and ORs of terms, whose descriptions never contain the name.
unsigned window_of(const Xapian::Query& node, bool ordered) {
    const std::string description = node.get_description();
    const std::string marker = ordered ? " PHRASE " : " NEAR ";
    const std::size_t at = description.find(marker);
    if (at == std::string::npos) throw QueryError("cannot read the window of " + description);
    return static_cast<unsigned>(std::stoul(description.substr(at + marker.size())));
}

std::string term_of(const Xapian::Query& leaf) { return *leaf.get_terms_begin(); }

Xapian::Query rewrite_node(const Xapian::Query& node, unsigned& count) {
    const auto type = node.get_type();
    const std::size_t n = node.get_num_subqueries();
    if (n == 0) return node;
    std::vector<Xapian::Query> subs;
    subs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) subs.push_back(node.get_subquery(i));

    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) {
        std::vector<std::vector<std::string>> slots;
        for (const Xapian::Query& sub : subs) {
            std::vector<std::string> alternatives;
            if (sub.get_type() == Xapian::Query::LEAF_TERM) {
                alternatives.push_back(term_of(sub));
            } else if (sub.get_type() == Xapian::Query::OP_OR || sub.get_type() == Xapian::Query::OP_SYNONYM) {
                for (std::size_t j = 0; j < sub.get_num_subqueries(); ++j) {
                    const Xapian::Query leaf = sub.get_subquery(j);
                    if (leaf.get_type() != Xapian::Query::LEAF_TERM) {
                        throw QueryError("a phrase may hold only words: " + node.get_description());
                    }
                    alternatives.push_back(term_of(leaf));
                }
            } else {
                throw QueryError("a phrase may hold only words: " + node.get_description());
            }
            slots.push_back(std::move(alternatives));
        }
        const bool ordered = type == Xapian::Query::OP_PHRASE;
        auto* source = new PackedPhraseSource(std::move(slots), window_of(node, ordered), ordered);
        ++count;
        return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(Xapian::Query::OP_AND, subs.begin(), subs.end()),
                             Xapian::Query(source->release()));
    }

    bool changed = false;
    for (Xapian::Query& sub : subs) {
        const unsigned before = count;
        Xapian::Query rewritten = rewrite_node(sub, count);
        if (count != before) {
            sub = std::move(rewritten);
            changed = true;
        }
    }
    if (!changed) return node;
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return Xapian::Query(type, subs.begin(), subs.end());
        default:
            // OP_SCALE_WEIGHT and OP_ELITE_SET carry a parameter Xapian 1.4 does not give
            // back; the query builder never puts a phrase under either.
            throw QueryError("cannot search phrases inside " + node.get_description());
    }
}

}  // namespace

Xapian::Query rewrite_positional(const Xapian::Query& query, unsigned& count) {
    return rewrite_node(query, count);
}

}  // namespace revsearch::query
