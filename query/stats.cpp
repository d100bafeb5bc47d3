#include "query/stats.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/analyzer.hpp"
#include "common/schema.hpp"

namespace revsearch::query {

namespace s = revsearch::schema;
using json = nlohmann::ordered_json;

namespace {

json parsed_metadata(const Xapian::Database& db, std::string_view key) {
    const std::string value = db.get_metadata(std::string(key));
    if (value.empty()) return nullptr;
    return json::parse(value, nullptr, false);
}

/// Terms with `prefix` (and no longer prefix), with their document frequencies.
std::vector<std::pair<std::string, Xapian::doccount>> terms_with_prefix(const Xapian::Database& db,
                                                                        std::string_view prefix) {
    std::vector<std::pair<std::string, Xapian::doccount>> out;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        const std::string term = *it;
        out.emplace_back(term.substr(p.size()), it.get_termfreq());
    }
    return out;
}

std::uint64_t count_text_terms(const Xapian::Database& db, std::string_view prefix) {
    std::uint64_t n = 0;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        const std::string& term = *it;
        if (prefix.empty()) {
            // Unprefixed terms start with a lower-case letter, a digit or a non-ASCII byte.
            const unsigned char c = static_cast<unsigned char>(term[0]);
            if (c >= 'A' && c <= 'Z') continue;
        } else if (term.size() > p.size() && term[p.size()] >= 'A' && term[p.size()] <= 'Z') {
            continue;  // a longer prefix
        }
        ++n;
    }
    return n;
}

}  // namespace

void print_stats(std::ostream& out, const Xapian::Database& db, OutputFormat format) {
    json j;
    j["documents"] = db.get_doccount();
    const AnalyzerSettings analyzer = AnalyzerSettings::from_database(db);
    j["analyzer"] = {{"language", analyzer.language},
                     {"stopwords", analyzer.stopwords_name.empty() ? "none" : analyzer.stopwords_name},
                     {"stemming", "STEM_ALL"}};
    j["schema"] = db.get_metadata(std::string(s::kMetaSchema));
    j["average_length"] = db.get_avlength();
    j["with_value"] = {{"date", db.get_value_freq(s::kDateSlot)},
                       {"rating", db.get_value_freq(s::kRatingSlot)},
                       {"reviewer", db.get_value_freq(s::kReviewerSlot)},
                       {"category", db.get_value_freq(s::kCategorySlot)}};
    json fields = json::object();
    for (const s::Field& f : s::kFields) {
        if (f.kind == s::FieldKind::Text) fields[std::string(f.name)] = count_text_terms(db, f.prefix);
    }
    j["distinct_terms"] = fields;
    auto histogram = [&](std::string_view prefix, std::size_t limit) {
        auto terms = terms_with_prefix(db, prefix);
        std::stable_sort(terms.begin(), terms.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        json h = json::array();
        for (std::size_t i = 0; i < terms.size() && i < limit; ++i) {
            h.push_back({terms[i].first, terms[i].second});
        }
        return h;
    };
    j["topics"] = histogram(s::kTopicPrefix, 1000);
    j["categories"] = histogram(s::kCategoryPrefix, 50);
    j["manifest"] = parsed_metadata(db, s::kMetaManifest);
    const json stats = parsed_metadata(db, s::kMetaStats);
    j["rejects_by_reason"] = stats.is_object() ? stats.value("rejects_by_reason", json::object()) : json::object();
    j["last_run"] = stats.is_object() ? stats.value("last_run", json(nullptr)) : json(nullptr);

    if (format == OutputFormat::Json) {
        out << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
        return;
    }
    out << "documents: " << j["documents"] << '\n'
        << "analyzer: language " << analyzer.language << ", stop words "
        << j["analyzer"]["stopwords"].get<std::string>() << ", stemming STEM_ALL\n"
        << "average document length: " << format_number(db.get_avlength(), 1) << " terms\n"
        << "documents with: date " << j["with_value"]["date"] << ", rating " << j["with_value"]["rating"]
        << ", reviewer " << j["with_value"]["reviewer"] << ", category " << j["with_value"]["category"]
        << '\n'
        << "distinct terms:";
    for (const auto& [name, n] : fields.items()) out << ' ' << name << ' ' << n;
    out << "\ntopics:\n";
    for (const auto& t : j["topics"]) out << "  " << t[0].get<std::string>() << ": " << t[1] << '\n';
    out << "categories (top 50):\n";
    for (const auto& c : j["categories"]) out << "  " << c[0].get<std::string>() << ": " << c[1] << '\n';
    if (j["manifest"].is_object()) {
        out << "sources:\n";
        for (const auto& in : j["manifest"].value("inputs", json::array())) {
            out << "  " << in.value("path", "") << " (" << in.value("bytes", 0) << " bytes, "
                << in.value("records", 0) << " records, fnv1a64 " << in.value("hash", "") << ")\n";
        }
    }
    out << "rejected over all runs:";
    if (j["rejects_by_reason"].empty()) out << " none";
    out << '\n';
    for (const auto& [reason, n] : j["rejects_by_reason"].items()) out << "  " << n << ": " << reason << '\n';
}

}  // namespace revsearch::query
