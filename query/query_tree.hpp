#pragma once

#include <xapian.h>

#include <optional>
#include <vector>

/// Rewriting a parsed Xapian query tree: what the phrase rewrite, the title layout and the
/// query budget share.
namespace revsearch::query {

/// `node`, a compound query, with `subs` in place of its subqueries; nullopt for an operator
/// whose parameter Xapian 1.4 does not give back (OP_SCALE_WEIGHT, OP_ELITE_SET, the positional
/// ones, OP_WILDCARD and value ranges), which the caller reports in its own words.
[[nodiscard]] inline std::optional<Xapian::Query> with_subqueries(
    const Xapian::Query& node, const std::vector<Xapian::Query>& subs) {
    switch (node.get_type()) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return Xapian::Query(node.get_type(), subs.begin(), subs.end());
        default:
            return std::nullopt;
    }
}

}  // namespace revsearch::query
