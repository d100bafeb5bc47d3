#include "query/title_layout.hpp"

#include <vector>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "query/phrase_source.hpp"
#include "query/query_tree.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;

BodyWordSource::BodyWordSource(std::string word) : word_(std::move(word)) {}

BodyWordSource* BodyWordSource::clone() const { return new BodyWordSource(word_); }

void BodyWordSource::init(const Xapian::Database& db) {
    db_ = db;
    it_ = db_.postlist_begin(word_);
    end_ = db_.postlist_end(word_);
    const std::string title = std::string(s::kTitlePrefix) + word_;
    title_ = db_.postlist_begin(title);
    title_end_ = db_.postlist_end(title);
    est_ = db_.get_termfreq(word_);
    started_ = false;
    set_maxweight(0);
}

void BodyWordSource::settle() {
    for (; it_ != end_; ++it_) {
        const Xapian::docid did = *it_;
        if (title_ != title_end_ && *title_ < did) title_.skip_to(did);
        const Xapian::termcount in_title =
            title_ != title_end_ && *title_ == did ? title_.get_wdf() : 0;
        if (it_.get_wdf() > in_title) return;
    }
}

void BodyWordSource::next(double) {
    if (started_ && it_ != end_) ++it_;
    started_ = true;
    settle();
}

void BodyWordSource::skip_to(Xapian::docid did, double) {
    started_ = true;
    if (it_ != end_ && *it_ < did) it_.skip_to(did);
    settle();
}

bool BodyWordSource::check(Xapian::docid did, double min_wt) {
    skip_to(did, min_wt);
    return true;
}

std::string BodyWordSource::get_description() const { return "BodyWordSource(" + word_ + ")"; }

namespace {

bool body_only(const std::string& term) {
    return term.compare(0, kBodyOnlyPrefix.size(), kBodyOnlyPrefix) == 0;
}

bool unprefixed(const std::string& term) {
    return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
}

/// The leaves of a phrase's slot: a term, or the OR/SYNONYM of terms QueryParser makes for
/// alternatives.
std::vector<std::string> slot_terms(const Xapian::Query& slot) {
    if (slot.get_type() == Xapian::Query::LEAF_TERM) return {*slot.get_terms_begin()};
    std::vector<std::string> terms;
    for (auto t = slot.get_terms_begin(); t != slot.get_terms_end(); ++t) terms.push_back(*t);
    return terms;
}

/// The phrase or NEAR `node` with each slot's terms mapped by `map`.
template <typename Map>
Xapian::Query remap_phrase(const Xapian::Query& node, Map map) {
    std::vector<Xapian::Query> slots;
    for (std::size_t i = 0; i < node.get_num_subqueries(); ++i) {
        const Xapian::Query slot = node.get_subquery(i);
        std::vector<Xapian::Query> leaves;
        for (const std::string& t : slot_terms(slot)) leaves.emplace_back(map(t));
        if (leaves.size() == 1) {
            slots.push_back(leaves.front());
        } else {
            const auto op = slot.get_type() == Xapian::Query::OP_SYNONYM ? Xapian::Query::OP_SYNONYM
                                                                         : Xapian::Query::OP_OR;
            slots.emplace_back(op, leaves.begin(), leaves.end());
        }
    }
    return Xapian::Query(node.get_type(), slots.begin(), slots.end(), phrase_window(node));
}

/// The pattern of a wildcard node, from its description ("Query(WILDCARD SYNONYM pattern)"):
/// Xapian 1.4 has no getter for it.
std::string wildcard_pattern(const Xapian::Query& node) {
    const std::string d = node.get_description();
    const std::string marker = "WILDCARD ";
    const std::size_t at = d.find(marker);
    const std::size_t space = at == std::string::npos ? at : d.find(' ', at + marker.size());
    if (space == std::string::npos || d.empty() || d.back() != ')') {
        throw QueryError("cannot read the pattern of " + d);
    }
    return d.substr(space + 1, d.size() - space - 2);
}

Xapian::Query rewrite(const Xapian::Query& node, bool remote, bool& changed) {
    const auto type = node.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        const std::string term = *node.get_terms_begin();
        if (!body_only(term)) return node;
        if (remote) {
            throw UsageError(
                "body: cannot run on remote shards of an index whose titles are in the default "
                "field (xapian-tcpsrv cannot tell a body's words from a title's); search "
                "without body:, or search local shards");
        }
        changed = true;
        const std::string word = term.substr(kBodyOnlyPrefix.size());
        return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(word),
                             Xapian::Query((new BodyWordSource(word))->release()));
    }
    if (type == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(node);
        if (!body_only(pattern)) return node;
        changed = true;
        return Xapian::Query(Xapian::Query::OP_WILDCARD, pattern.substr(kBodyOnlyPrefix.size()),
                             1000, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    }
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) {
        bool marked = false, plain = true;
        for (auto t = node.get_terms_begin(); t != node.get_terms_end(); ++t) {
            marked = marked || body_only(*t);
            plain = plain && unprefixed(*t);
        }
        if (marked) {
            changed = true;
            return remap_phrase(node, [](const std::string& t) {
                return body_only(t) ? t.substr(kBodyOnlyPrefix.size()) : t;
            });
        }
        if (!plain) return node;  // a phrase in title:, reviewer: or product:
        changed = true;
        return Xapian::Query(Xapian::Query::OP_OR, node,
                             remap_phrase(node, [](const std::string& t) {
                                 return std::string(s::kTitlePrefix) + t;
                             }));
    }
    const std::size_t n = node.get_num_subqueries();
    if (n == 0) return node;
    std::vector<Xapian::Query> subs;
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) subs.push_back(rewrite(node.get_subquery(i), remote, any));
    if (!any) return node;
    changed = true;
    if (auto rebuilt = with_subqueries(node, subs)) return *std::move(rebuilt);
    throw QueryError("cannot search body: or phrases inside " + node.get_description());
}

}  // namespace

Xapian::Query apply_title_layout(const Xapian::Query& query, bool remote) {
    bool changed = false;
    return rewrite(query, remote, changed);
}

}  // namespace revsearch::query
