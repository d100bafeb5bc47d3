#include "query/json_output.hpp"

#include <nlohmann/json.hpp>

#include "common/content_key.hpp"
#include "common/schema.hpp"

namespace revsearch::query {

using json = nlohmann::ordered_json;

json hit_json(const Hit& hit, Highlight highlight) {
    const Review& r = hit.review;
    json j = {{"rank", hit.rank}, {"score", hit.score},     {"id", r.id},
              {"title", r.title}, {"reviewer", r.reviewer}, {"date", r.date}};
    j["rating"] = r.rating ? json(*r.rating) : json(nullptr);
    j["rating_scale"] = r.rating_scale ? json(*r.rating_scale) : json(nullptr);
    const auto normalised = schema::normalised_rating(r.rating, r.rating_scale);
    j["rating_normalised"] = normalised ? json(*normalised) : json(nullptr);
    j["topics"] = r.topics;
    json strengths = json::object();
    for (const auto& [topic, strength] : hit.topic_strengths) strengths[topic] = strength;
    j["topic_strength"] = strengths;
    j["category"] = r.category;
    j["product"] = r.product;
    j["url"] = r.url;
    j["snippet"] = render(hit.snippet, highlight);
    j["content_key"] = hit.content_key.empty() ? json(nullptr) : json(hit.content_key);
    if (hit.copies) j["copies"] = *hit.copies;
    if (!hit.explanation.empty() || hit.unexplained != 0) {
        json parts = json::array();
        for (const auto& c : hit.explanation) {
            parts.push_back({{"field", c.field}, {"term", c.term}, {"weight", c.weight}});
        }
        j["explain"] = {{"terms", parts}, {"unexplained", hit.unexplained}};
    }
    return j;
}

json facets_json(const std::vector<Facet>& facets) {
    json out = json::object();
    for (const Facet& f : facets) {
        json values = json::array();
        for (const auto& [value, count] : f.values)
            values.push_back({{"value", value}, {"count", count}});
        out[f.name] = values;
    }
    return out;
}

json total_json(const MatchCount& total) {
    return {{"exact", total.exact()},
            {"value", total.exact() ? total.lower : total.estimated},
            {"lower", total.lower},
            {"upper", total.upper}};
}

json summary_json(const SearchResult& result) {
    json warnings = result.warnings;
    for (const std::string& n : result.notices) warnings.push_back(n);
    return {{"total", total_json(result.total)},
            {"returned", result.hits.size()},
            {"suggestion", result.suggestion.empty() ? json(nullptr) : json(result.suggestion)},
            {"expansion", result.expansion},
            {"facets", facets_json(result.facets)},
            {"warnings", std::move(warnings)},
            {"distinct", result.distinct},
            {"copies_collapsed", result.distinct && result.counted
                                     ? json(result.counted->documents - result.counted->reviews)
                                     : json(nullptr)}};
}

json review_json(const Review& review, Highlight highlight, const Highlighter* highlighter) {
    Hit hit;
    hit.review = review;
    json j = hit_json(hit, highlight);
    j.erase("rank");
    j.erase("score");
    j.erase("snippet");
    const std::string key = content_key(review);
    j["content_key"] = key.empty() ? json(nullptr) : json(key);
    j.erase("topic_strength");  // a hit's: the review alone does not carry it
    j["body"] = highlighter ? render(highlighter->mark_all(review.body), highlight) : review.body;
    j["source"] = review.source;
    json extra = json::object();
    for (const auto& [k, v] : review.extra) extra[k] = v;
    j["extra"] = extra;
    return j;
}

std::string dump_json(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace revsearch::query
