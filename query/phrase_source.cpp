#include "query/phrase_source.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

#include "common/error.hpp"
#include "common/packed_positions.hpp"
#include "common/schema.hpp"
#include "query/query_tree.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

namespace {

/// True when document `did` is in every one of `postings`, which are moved forward to it.
bool all_at(std::vector<Xapian::PostingIterator>& postings, Xapian::docid did) {
    for (auto& it : postings) {
        if (it != Xapian::PostingIterator() && *it < did) it.skip_to(did);
        if (it == Xapian::PostingIterator() || *it != did) return false;
    }
    return true;
}

}  // namespace

CompiledPhrase::CompiledPhrase(std::vector<std::vector<std::string>> slots, unsigned window, bool ordered)
    : slots_(std::move(slots)), window_(window), ordered_(ordered) {
    assert(!slots_.empty());
    for (const auto& slot : slots_) terms_.insert(terms_.end(), slot.begin(), slot.end());
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
        single_terms_ = single_terms_ && slot.size() == 1;
    }
    for (const std::string& term : terms_) hashes_.push_back(positions::word_hash(term));
}

bool CompiledPhrase::holds(const std::string& packed, const std::function<Xapian::TermIterator()>& term_list,
                           const std::function<bool()>& words_present) const {
    if (packed.empty()) return false;
    const positions::PackedDocument doc(packed);
    if (doc.has_hash_collision()) return holds_by_term_list(doc, term_list());
    // A word the document holds is found by its hash, so "no" is exact; "yes" is exact when
    // every word is there (a missing word may share the hash of one that is).
    if (!number_slots([&](std::size_t index) { return doc.rank_of(hashes_[index]); })) return false;
    if (!doc.matches(numbers_, window_, ordered_)) return false;
    if (words_present && words_present()) return true;
    return holds_by_term_list(doc, term_list());
}

bool CompiledPhrase::holds_by_term_list(const positions::PackedDocument& doc, Xapian::TermIterator t) const {
    // Number the phrase's terms as the packer did: by rank among the document's positional
    // terms, in term-list order (both lists are sorted, so one merge pass does it).
    ranks_.assign(terms_.size(), 0);
    std::uint32_t rank = 0;
    std::size_t k = 0;
    for (; t != Xapian::TermIterator() && k < terms_.size(); ++t) {
        const std::string term = *t;
        const bool positional = positions::is_positional_term(term);
        if (positional) ++rank;
        while (k < terms_.size() && terms_[k] < term) ++k;
        if (k < terms_.size() && terms_[k] == term) ranks_[k++] = positional ? rank : 0;
    }
    return number_slots([this](std::size_t index) { return ranks_[index]; }) &&
           doc.matches(numbers_, window_, ordered_);
}

bool CompiledPhrase::number_slots(const std::function<std::uint32_t(std::size_t)>& rank) const {
    numbers_.resize(slot_terms_.size());
    for (std::size_t i = 0; i < slot_terms_.size(); ++i) {
        numbers_[i].clear();
        for (std::size_t index : slot_terms_[i]) {
            if (const std::uint32_t r = rank(index); r != 0) numbers_[i].push_back(r);
        }
        if (numbers_[i].empty()) return false;
    }
    return true;
}

std::string CompiledPhrase::describe() const {
    std::string out = ordered_ ? "PackedPhrase(" : "PackedNear(";
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (i > 0) out += ' ';
        for (std::size_t j = 0; j < slots_[i].size(); ++j) out += (j > 0 ? "|" : "") + slots_[i][j];
    }
    return out + " window " + std::to_string(window_) + ")";
}

PackedPhraseDecider::PackedPhraseDecider(std::vector<PhraseChoice> choices,
                                         const Xapian::Database& db,
                                         std::shared_ptr<PhraseCheckBudget> budget)
    : db_(db), budget_(std::move(budget)) {
    for (PhraseChoice& choice : choices) {
        std::vector<Checked> compiled;
        for (PhraseSpec& p : choice) compiled.push_back({CompiledPhrase(std::move(p.slots), p.window, p.ordered), {}, 0});
        choices_.push_back(std::move(compiled));
    }
}

bool PackedPhraseDecider::holds_words(const Checked& c, Xapian::docid did) const {
    if (c.postings.empty() || did < c.last) {
        c.postings.clear();
        for (const std::string& term : c.phrase.terms()) c.postings.push_back(db_.postlist_begin(term));
    }
    c.last = did;
    return all_at(c.postings, did);
}

bool PackedPhraseDecider::operator()(const Xapian::Document& doc) const {
    const std::string packed = doc.get_value(s::kPositionsSlot);
    const Xapian::docid did = doc.get_docid();
    const auto term_list = [&doc] { return doc.termlist_begin(); };
    bool ran_out = false;
    for (const auto& choice : choices_) {
        const bool any = std::any_of(choice.begin(), choice.end(), [&](const Checked& c) {
            if (budget_ && !budget_->spend(c.phrase.slots().size())) {
                ran_out = true;
                return false;
            }
            // One phrase of single words: the document matched the AND of those words, which
            // the query requires, so it holds them all. Otherwise their postings say.
            std::function<bool()> present;
            if (c.phrase.single_terms()) {
                if (choice.size() == 1) {
                    present = [] { return true; };
                } else if (db_.size() == 1) {
                    // Over several shards the document's docid is its shard's, which the
                    // combined database's postings do not use: the term list answers.
                    present = [this, &c, did] { return holds_words(c, did); };
                }
            }
            return c.phrase.holds(packed, term_list, present);
        });
        if (!any) {
            // Refused unchecked once the budget ran out; otherwise checked and found wanting.
            if (budget_ && ran_out) {
                budget_->skipped();
            } else if (budget_) {
                budget_->checked();
            }
            return false;
        }
    }
    if (budget_) budget_->checked();
    return true;
}

PackedPhraseSource::PackedPhraseSource(std::vector<std::vector<std::string>> slots, unsigned window,
                                       bool ordered, std::shared_ptr<PhraseCheckBudget> budget)
    : phrase_(std::move(slots), window, ordered), budget_(std::move(budget)) {}

PackedPhraseSource* PackedPhraseSource::clone() const {
    return new PackedPhraseSource(phrase_.slots(), phrase_.window(), phrase_.ordered(), budget_);
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
    const auto& slots = phrase_.slots();
    for (std::size_t i = 0; i < slots.size(); ++i) {
        Xapian::doccount sum = 0;
        for (const std::string& term : slots[i]) sum += db_.get_termfreq(term);
        if (sum < best) {
            best = sum;
            best_slot = i;
        }
    }
    termfreq_max_ = std::min(best, db_.get_doccount());
    words_.clear();
    if (phrase_.single_terms()) {
        for (const std::string& term : phrase_.terms()) words_.push_back(db_.postlist_begin(term));
    }
    drivers_.clear();
    for (const std::string& term : slots[best_slot]) drivers_.push_back(db_.postlist_begin(term));
}

Xapian::doccount PackedPhraseSource::get_termfreq_est() const {
    // Most documents holding the rarest word do not hold the phrase; half is Xapian's own
    // guess for its phrase postings.
    return termfreq_max_ / 2;
}

bool PackedPhraseSource::holds_phrase(Xapian::docid did) {
    if (budget_) {
        if (!budget_->spend(phrase_.slots().size())) {
            budget_->skipped();
            return false;
        }
        budget_->checked();
    }
    if (!values_.check(did) || values_ == db_.valuestream_end(s::kPositionsSlot) ||
        values_.get_docid() != did) {
        return false;
    }
    // check() may ask about a document the phrase's words are not all in: when every slot is
    // one word, their postings (read forward, as the docids come) say so cheaply.
    const auto present = [this, did] { return all_at(words_, did); };
    return phrase_.holds(*values_, [this, did] { return db_.termlist_begin(did); },
                         phrase_.single_terms() ? std::function<bool()>(present) : nullptr);
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
        if (budget_ && budget_->documents_skipped() > 0) {
            // The budget is spent: end here rather than refuse every candidate left.
            at_end_ = true;
            valid_ = false;
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
    seek(valid_ ? did : std::max(did, current_ + 1));
}

bool PackedPhraseSource::check(Xapian::docid did, double) {
    started_ = true;
    current_ = did;
    valid_ = holds_phrase(did);
    return valid_;
}

std::string PackedPhraseSource::get_description() const { return phrase_.describe(); }

namespace {

/// The window of an OP_PHRASE or OP_NEAR node. Xapian 1.4 has no getter for it, but the
/// node's description prints it after the operator's name, e.g. "(a@1 PHRASE 2 b@2)"; its
/// subqueries are terms and ORs of terms, whose descriptions never contain the name.
unsigned window_of(const Xapian::Query& node, bool ordered) {
    const std::string description = node.get_description();
    const std::string marker = ordered ? " PHRASE " : " NEAR ";
    const std::size_t at = description.find(marker);
    try {
        if (at != std::string::npos) return static_cast<unsigned>(std::stoul(description.substr(at + marker.size())));
    } catch (const std::logic_error&) {
        // a window Xapian did not print: reported below
    }
    throw QueryError("cannot read the window of " + description);
}

std::string term_of(const Xapian::Query& leaf) { return *leaf.get_terms_begin(); }

/// True when subquery `i` of a node of type `type` must match for the node to match.
bool required_operand(Xapian::Query::op type, std::size_t i) {
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_FILTER:
            return true;
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_AND_NOT:
            return i == 0;
        default:
            return false;
    }
}

bool is_positional(const Xapian::Query& q) {
    return q.get_type() == Xapian::Query::OP_PHRASE || q.get_type() == Xapian::Query::OP_NEAR;
}

/// The spec of an OP_PHRASE or OP_NEAR node, and the AND of its subqueries, which matches
/// and weighs as the node does apart from the positions.
std::pair<PhraseSpec, Xapian::Query> relax(const Xapian::Query& node) {
    std::vector<Xapian::Query> subs;
    PhraseSpec spec;
    for (std::size_t i = 0; i < node.get_num_subqueries(); ++i) {
        const Xapian::Query sub = node.get_subquery(i);
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
        spec.slots.push_back(std::move(alternatives));
        subs.push_back(sub);
    }
    spec.ordered = node.get_type() == Xapian::Query::OP_PHRASE;
    spec.window = window_of(node, spec.ordered);
    return {std::move(spec), Xapian::Query(Xapian::Query::OP_AND, subs.begin(), subs.end())};
}

/// `required`: every match of the whole query must match this node. `deferred`, when not
/// null, collects the phrases left to a decider.
Xapian::Query rewrite_node(const Xapian::Query& node, bool required, unsigned& count,
                           std::vector<PhraseChoice>* deferred,
                           const std::shared_ptr<PhraseCheckBudget>& budget) {
    const auto type = node.get_type();
    const std::size_t n = node.get_num_subqueries();
    if (n == 0) return node;
    std::vector<Xapian::Query> subs;
    subs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) subs.push_back(node.get_subquery(i));

    if (is_positional(node)) {
        auto [spec, words] = relax(node);
        ++count;
        if (required && deferred != nullptr) {
            deferred->push_back(PhraseChoice{std::move(spec)});
            return words;
        }
        auto* source =
            new PackedPhraseSource(std::move(spec.slots), spec.window, spec.ordered, budget);
        return Xapian::Query(Xapian::Query::OP_FILTER, words, Xapian::Query(source->release()));
    }
    // The same phrase in several fields (the default field is body and title) is an OR of
    // phrases: left to the decider as one choice, any of which may hold.
    if (required && deferred != nullptr && type == Xapian::Query::OP_OR &&
        std::all_of(subs.begin(), subs.end(), is_positional)) {
        PhraseChoice choice;
        for (Xapian::Query& sub : subs) {
            auto [spec, words] = relax(sub);
            choice.push_back(std::move(spec));
            sub = std::move(words);
            ++count;
        }
        deferred->push_back(std::move(choice));
        return Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
    }

    bool changed = false;
    for (std::size_t i = 0; i < subs.size(); ++i) {
        const unsigned before = count;
        Xapian::Query rewritten =
            rewrite_node(subs[i], required && required_operand(type, i), count, deferred, budget);
        if (count != before) {
            subs[i] = std::move(rewritten);
            changed = true;
        }
    }
    if (!changed) return node;
    // The query builder never puts a phrase under OP_SCALE_WEIGHT or OP_ELITE_SET.
    if (auto rebuilt = with_subqueries(node, subs)) return *std::move(rebuilt);
    throw QueryError("cannot search phrases inside " + node.get_description());
}

}  // namespace

unsigned phrase_window(const Xapian::Query& node) {
    return window_of(node, node.get_type() == Xapian::Query::OP_PHRASE);
}

Xapian::Query rewrite_positional(const Xapian::Query& query, unsigned& count,
                                 std::vector<PhraseChoice>* deferred,
                                 std::shared_ptr<PhraseCheckBudget> budget) {
    return rewrite_node(query, true, count, deferred, budget);
}

}  // namespace revsearch::query
