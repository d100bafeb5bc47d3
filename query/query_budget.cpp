#include "query/query_budget.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include "common/error.hpp"
#include "query/query_tree.hpp"

namespace revsearch::query {

namespace {

using Query = Xapian::Query;

/// A wildcard leaf as the QueryParser made it. Xapian 1.4 has no getters for a wildcard's
/// pattern or combiner, but prints both: "WILDCARD SYNONYM medit".
struct Wildcard {
    std::string pattern;
    Query::op combiner = Query::OP_SYNONYM;
};

Wildcard wildcard_of(const Query& leaf) {
    std::string d = leaf.get_description();
    // Query(...) wraps the node's own description.
    if (d.size() > 7 && d.compare(0, 6, "Query(") == 0 && d.back() == ')')
        d = d.substr(6, d.size() - 7);
    static constexpr std::pair<std::string_view, Query::op> kCombiners[] = {
        {"WILDCARD SYNONYM ", Query::OP_SYNONYM},
        {"WILDCARD OR ", Query::OP_OR},
        {"WILDCARD MAX ", Query::OP_MAX}};
    for (const auto& [head, op] : kCombiners) {
        if (d.compare(0, head.size(), head) != 0) continue;
        Wildcard w{d.substr(head.size()), op};
        // The description escapes some bytes; a pattern read back wrongly would search other
        // words, so it must print exactly as the original does.
        if (Query(Query::OP_WILDCARD, w.pattern, 0, Query::WILDCARD_LIMIT_MOST_FREQUENT, w.combiner)
                .get_description() == leaf.get_description()) {
            return w;
        }
        break;
    }
    throw QueryError("cannot read the wildcard " + leaf.get_description());
}

/// One wildcard pattern of the query: where it occurs, what it expands to, what it may keep.
struct Pattern {
    std::size_t occurrences = 0;
    /// Term frequencies of the terms the pattern matches, most frequent first.
    std::vector<Xapian::doccount> freqs;
    std::size_t keep = 0;  ///< how many of them the budget lets it keep
};

/// True for nodes whose repeated children match and rank as one child would (up to weight):
/// a document matches OP_OR(x, x) exactly when it matches x.
bool idempotent(Query::op type) {
    return type == Query::OP_OR || type == Query::OP_AND || type == Query::OP_SYNONYM ||
           type == Query::OP_MAX || type == Query::OP_FILTER;
}

class Budgeter {
  public:
    Budgeter(const Xapian::Database& db, const QueryBudget& budget, bool any_wildcard)
        : db_(db), budget_(budget), any_wildcard_(any_wildcard) {}

    /// The query with repeated wildcard subqueries dropped, and the counts taken: terms,
    /// depth, phrase sizes, wildcard patterns. `modified` is set when something was dropped.
    Query prune(const Query& node, std::size_t depth, bool& modified) {
        if (depth > budget_.max_depth) {
            throw QueryError("the query nests deeper than " + std::to_string(budget_.max_depth) +
                             " levels (--max-query-depth)");
        }
        const Query::op type = node.get_type();
        switch (type) {
            case Query::LEAF_TERM:
                count_term();
                plain_postings_ += db_.get_termfreq(*node.get_terms_begin());
                return node;
            case Query::LEAF_MATCH_ALL:
                count_term();
                plain_postings_ += db_.get_doccount();
                return node;
            case Query::LEAF_POSTING_SOURCE:
            case Query::LEAF_MATCH_NOTHING:
            case Query::OP_VALUE_RANGE:
            case Query::OP_VALUE_GE:
            case Query::OP_VALUE_LE:
                // A value range reads every document's value: a posting per document.
                if (type != Query::LEAF_MATCH_NOTHING && type != Query::LEAF_POSTING_SOURCE) {
                    plain_postings_ += db_.get_doccount();
                }
                count_term();
                return node;
            case Query::OP_WILDCARD: {
                count_term();
                Pattern& p = patterns_[wildcard_of(node).pattern];
                ++p.occurrences;
                return node;
            }
            default:
                break;
        }
        const std::size_t n = node.get_num_subqueries();
        if ((type == Query::OP_PHRASE || type == Query::OP_NEAR) && n > budget_.max_phrase_words) {
            throw QueryError("a phrase or NEAR holds " + std::to_string(n) + " words, more than " +
                             std::to_string(budget_.max_phrase_words) + " (--max-phrase-words)");
        }
        if (type == Query::OP_PHRASE || type == Query::OP_NEAR) {
            // Every document holding all the words is a candidate the phrase check is asked
            // about, checked or (once the checks' budget is spent) refused unchecked: at most
            // as many as hold its rarest word.
            std::uint64_t candidates = db_.get_doccount();
            for (std::size_t i = 0; i < n; ++i) {
                std::uint64_t slot = 0;
                const Query sub = node.get_subquery(i);
                for (auto t = sub.get_unique_terms_begin(); t != sub.get_unique_terms_end(); ++t) {
                    slot += db_.get_termfreq(*t);
                }
                candidates = std::min(candidates, slot);
            }
            plain_postings_ += candidates * QueryBudget::kPhraseCandidateCost;
        }
        std::vector<Query> subs;
        subs.reserve(n);
        std::vector<std::string> seen;  // descriptions of the children that hold a wildcard
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            const Query sub = node.get_subquery(i);
            if (idempotent(type) && might_hold_wildcard(sub)) {
                // Only subtrees with a wildcard are compared: repeats of plain words are cheap
                // and keep their weight (Xapian counts a repeated word's query frequency).
                std::string d = sub.get_description();
                if (std::find(seen.begin(), seen.end(), d) != seen.end()) {
                    changed = true;
                    continue;
                }
                seen.push_back(std::move(d));
            }
            subs.push_back(prune(sub, depth + 1, changed));
        }
        if (!changed) return node;
        modified = true;
        if (subs.size() == 1) return subs.front();
        return rebuild(node, subs);
    }

    /// Looks every pattern up and shares the wildcard budget among them.
    void share() {
        if (plain_postings_ > budget_.max_cost) {
            throw QueryError("the query would read " + std::to_string(plain_postings_) +
                             " postings, more than its budget of " +
                             std::to_string(budget_.max_cost) +
                             " (--max-query-cost): use fewer or rarer words");
        }
        if (patterns_.empty()) return;
        for (auto& [pattern, p] : patterns_) {
            for (auto t = db_.allterms_begin(pattern); t != db_.allterms_end(pattern); ++t) {
                p.freqs.push_back(t.get_termfreq());
            }
            std::sort(p.freqs.begin(), p.freqs.end(), std::greater<>());
            p.keep = p.freqs.size();
        }
        // Terms: an equal share each, what one pattern leaves over going to the others.
        share_out(budget_.max_wildcard_terms, [](Pattern& p, std::uint64_t limit) {
            p.keep = static_cast<std::size_t>(std::min<std::uint64_t>(p.keep, limit));
            return p.keep;
        });
        // Cost: the same, over what the plain terms leave. A pattern's cost is the postings
        // of the terms it keeps, once per occurrence, at the wildcard rate.
        share_out(budget_.max_cost - plain_postings_, [](Pattern& p, std::uint64_t limit) {
            std::uint64_t cost = 0;
            std::size_t kept = 0;
            for (; kept < p.keep; ++kept) {
                const std::uint64_t next = cost + static_cast<std::uint64_t>(p.freqs[kept]) *
                                                      p.occurrences *
                                                      QueryBudget::kWildcardPostingCost;
                if (next > limit) break;
                cost = next;
            }
            p.keep = kept;
            return cost;
        });
        for (const auto& [pattern, p] : patterns_) {
            for (std::size_t i = 0; i < p.keep; ++i) {
                wildcard_cost_ += static_cast<std::uint64_t>(p.freqs[i]) * p.occurrences *
                                  QueryBudget::kWildcardPostingCost;
            }
        }
    }

    /// The query's cost before phrase checks: plain postings and the wildcards' share.
    [[nodiscard]] std::uint64_t cost() const noexcept { return plain_postings_ + wildcard_cost_; }

    /// The pruned query with each wildcard limited to its share. Nodes without a wildcard are
    /// kept as they are.
    Query limit(const Query& node) {
        if (node.get_type() == Query::OP_WILDCARD) {
            const Wildcard w = wildcard_of(node);
            const Pattern& p = patterns_.at(w.pattern);
            if (p.keep == 0) return Query::MatchNothing;
            return Query(Query::OP_WILDCARD, w.pattern, static_cast<Xapian::termcount>(p.keep),
                         Query::WILDCARD_LIMIT_MOST_FREQUENT, w.combiner);
        }
        const std::size_t n = node.get_num_subqueries();
        if (n == 0) return node;
        std::vector<Query> subs;
        subs.reserve(n);
        bool changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            const Query sub = node.get_subquery(i);
            if (!might_hold_wildcard(sub)) {
                subs.push_back(sub);
                continue;
            }
            subs.push_back(limit(sub));
            changed = true;
        }
        if (!changed) return node;
        return rebuild(node, subs);
    }

    /// Notices for the words whose wildcards were cut short, one per word typed.
    void add_notices(std::vector<std::string>& notices) const {
        // A word of the default field is a pattern per field (body unprefixed, title `S`):
        // the user typed one word, so its fields are counted together.
        std::map<std::string, std::pair<std::size_t, std::size_t>> words;  // kept, matching
        for (const auto& [pattern, p] : patterns_) {
            std::size_t prefix = 0;
            while (prefix < pattern.size() && pattern[prefix] >= 'A' && pattern[prefix] <= 'Z')
                ++prefix;
            auto& [kept, matching] = words[pattern.substr(prefix)];
            kept += p.keep;
            matching += p.freqs.size();
        }
        for (const auto& [word, counts] : words) {
            if (counts.first == counts.second) continue;
            notices.push_back(word + "* matches " + std::to_string(counts.second) +
                              " index terms; within the query's budget it searches the " +
                              std::to_string(counts.first) +
                              " most frequent (--max-wildcard-terms, --max-query-cost)");
        }
    }

    [[nodiscard]] bool has_patterns() const noexcept { return !patterns_.empty(); }

  private:
    void count_term() {
        if (++terms_ > budget_.max_terms) {
            throw QueryError("the query has more than " + std::to_string(budget_.max_terms) +
                             " terms (a word of the default field counts twice on an index whose "
                             "titles are apart from it: body and title; --max-query-terms)");
        }
    }

    /// `node` with `subs` in place of its subqueries.
    static Query rebuild(const Query& node, const std::vector<Query>& subs) {
        // The query parser puts no wildcard under an operator that carries a parameter.
        if (auto rebuilt = with_subqueries(node, subs)) return *std::move(rebuilt);
        throw QueryError("cannot limit the wildcards inside " + node.get_description());
    }

    /// Whether a subtree may hold a wildcard, from its description (cheap for small nodes,
    /// and called once per child).
    [[nodiscard]] bool might_hold_wildcard(const Query& q) const {
        if (q.get_type() == Query::OP_WILDCARD) return true;
        if (!any_wildcard_ || q.get_num_subqueries() == 0) return false;
        return q.get_description().find("WILDCARD ") != std::string::npos;
    }

    /// Gives each pattern an equal share of `total`, smallest needs first, so a pattern that
    /// needs less than its share leaves the rest to the others. `take(pattern, limit)` keeps
    /// what fits in `limit` and returns what the pattern then uses.
    template <typename Take>
    void share_out(std::uint64_t total, Take&& take) {
        std::vector<Pattern*> order;
        for (auto& [pattern, p] : patterns_) order.push_back(&p);
        // Ask each pattern what it would use with no limit, to order them by need.
        std::vector<std::pair<std::uint64_t, Pattern*>> needs;
        for (Pattern* p : order) {
            Pattern probe = *p;
            needs.emplace_back(take(probe, total), p);
        }
        std::stable_sort(needs.begin(), needs.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::uint64_t left = total;
        std::size_t remaining = needs.size();
        for (auto& [need, p] : needs) {
            const std::uint64_t fair = left / remaining;
            const std::uint64_t used = take(*p, std::min(need, fair));
            left -= std::min(left, used);
            --remaining;
        }
    }

    const Xapian::Database& db_;
    const QueryBudget& budget_;
    bool any_wildcard_;
    std::size_t terms_ = 0;
    std::uint64_t plain_postings_ = 0;
    std::uint64_t wildcard_cost_ = 0;
    std::map<std::string, Pattern> patterns_;
};

}  // namespace

void check_query_length(std::string_view text, const QueryBudget& budget) {
    if (text.size() > budget.max_query_bytes) {
        throw QueryError("the query is " + std::to_string(text.size()) + " bytes, longer than " +
                         std::to_string(budget.max_query_bytes) + " (--max-query-bytes)");
    }
}

Xapian::Query apply_budget(const Xapian::Query& parsed, const Xapian::Database& db,
                           const QueryBudget& budget, std::vector<std::string>& notices,
                           std::uint64_t* cost) {
    const bool any_wildcard = parsed.get_description().find("WILDCARD ") != std::string::npos;
    Budgeter b(db, budget, any_wildcard);
    bool modified = false;
    const Query pruned = b.prune(parsed, 0, modified);
    b.share();
    if (cost != nullptr) *cost = b.cost();
    if (!b.has_patterns()) return pruned;
    b.add_notices(notices);
    return b.limit(pruned);
}

}  // namespace revsearch::query
