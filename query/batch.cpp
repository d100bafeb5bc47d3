#include "query/batch.hpp"

#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/error.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"
#include "common/version.hpp"
#include "query/stats.hpp"

namespace revsearch::query {

namespace {

std::string strip_cr(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
}

std::string normalise_qid(const std::string& raw) {
    std::string qid = text::trim(raw);
    // "001" and "1" are the same query in qrels; keep numbers without leading zeros.
    if (!qid.empty() && std::all_of(qid.begin(), qid.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        qid.erase(0, std::min(qid.find_first_not_of('0'), qid.size() - 1));
    }
    return qid;
}

std::vector<Topic> read_trec(const std::string& all) {
    std::vector<Topic> topics;
    static const std::regex top(R"(<top>([\s\S]*?)</top>)", std::regex::icase);
    static const std::regex num(R"(<num>\s*(?:Number:)?\s*([^<\s]+))", std::regex::icase);
    static const std::regex title(R"(<title>\s*(?:Topic:)?([\s\S]*?)(?:</title>|<desc>|<narr>|$))",
                                  std::regex::icase);
    for (std::sregex_iterator it(all.begin(), all.end(), top), end; it != end; ++it) {
        const std::string body = (*it)[1].str();
        std::smatch n, t;
        if (!std::regex_search(body, n, num) || !std::regex_search(body, t, title)) continue;
        topics.push_back({normalise_qid(n[1].str()), text::collapse_spaces(t[1].str())});
    }
    return topics;
}

std::vector<Topic> read_smart(const std::string& all, bool by_position) {
    std::vector<Topic> topics;
    std::string field;
    for (const std::string& raw : text::split(all, '\n')) {
        const std::string line = strip_cr(raw);
        if (line.size() >= 2 && line[0] == '.' && std::isupper(static_cast<unsigned char>(line[1])) &&
            (line.size() == 2 || line[2] == ' ' || line[2] == '\t')) {
            field = line.substr(1, 1);
            if (field == "I") {
                topics.push_back({by_position ? std::to_string(topics.size() + 1) : normalise_qid(line.substr(2)), ""});
            } else if (field == "W" && line.size() > 3 && !topics.empty()) {
                topics.back().text += line.substr(3) + " ";
            }
            continue;
        }
        if (field == "W" && !topics.empty()) topics.back().text += line + " ";
    }
    for (Topic& t : topics) t.text = text::collapse_spaces(t.text);
    return topics;
}

}  // namespace

std::vector<Topic> read_topics(std::istream& in, const std::string& name, bool by_position) {
    const std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string lower = text::ascii_lower(all.substr(0, 4096));
    std::vector<Topic> topics;
    if (lower.find("<top>") != std::string::npos) {
        topics = read_trec(all);
    } else if (text::starts_with(text::trim(all), ".I")) {
        topics = read_smart(all, by_position);
    } else {
        std::size_t line_number = 0;
        for (const std::string& raw : text::split(all, '\n')) {
            ++line_number;
            const std::string line = strip_cr(raw);
            if (text::trim(line).empty() || line[0] == '#') continue;
            const std::size_t tab = line.find('\t');
            if (tab == std::string::npos) {
                throw CorpusError(name, line_number, "expected qid<TAB>query, TREC topics or SMART queries");
            }
            topics.push_back({normalise_qid(line.substr(0, tab)), text::collapse_spaces(line.substr(tab + 1))});
        }
    }
    if (topics.empty()) throw CorpusError(name, 0, "no queries found");
    return topics;
}

std::string run_manifest(const Searcher& searcher, const SearchRequest& request) {
    const Xapian::Database& db = searcher.database();
    const AnalyzerSettings& a = searcher.analyzer().settings();
    std::string out;
    out += std::string("# revsearch ") + kVersion + "\n";
    out += "# index: " + searcher.path() + " (" + std::to_string(db.get_doccount()) + " documents)\n";
    out += "# analyzer: language=" + a.language +
           " stopwords=" + (a.stopwords_name.empty() ? "none" : a.stopwords_name) + " (" +
           std::to_string(a.stopwords.size()) + " words) stemming=STEM_ALL stem_overrides=" +
           (a.stem_overrides.empty() ? "none" : a.stem_overrides_name) + " (" +
           std::to_string(a.stem_overrides.size()) + " words) title=" +
           (a.title_in_default ? "default-field+S" : "S") + " positions=" + a.positions_name() + "\n";
    out += "# weighting: " + request.weighting.describe_all() + "\n";
    std::string fw;
    for (const auto& [f, w] : request.field_weights) fw += (fw.empty() ? "" : ",") + f + "=" + format_number(w, 4);
    out += "# field weights: " + (fw.empty() ? std::string("none") : fw) + "\n";
    out += "# expansion: " + request.prf.describe() + "\n";
    out += std::string("# parse: ") + (request.parse == ParseMode::Plain ? "plain" : "syntax") +
           ", default operator " + (request.default_and ? "AND" : "OR") + ", depth " +
           std::to_string(request.k) + "\n";
    {
        // Every shard's manifest, merged: the combined handle's metadata is the first shard's.
        const nlohmann::ordered_json j = merged_manifest(searcher);
        if (j.is_object()) {
            // The key names the hash's algorithm in lower case (xxh3=, checked by xxhsum -H3),
            // or is plain hash= for a manifest that did not record it.
            const std::string algorithm =
                text::ascii_lower(j.value("hash_algorithm", std::string("hash")));
            for (const auto& in : j.value("inputs", nlohmann::json::array())) {
                out += "# source: " + in.value("path", std::string()) +
                       " bytes=" + std::to_string(in.value("bytes", 0ull)) + " " + algorithm + "=" +
                       in.value("hash", std::string()) +
                       " records=" + std::to_string(in.value("records", 0ull));
                // Records decoded from other encodings: transcoded=windows-1252:3,UTF-16LE:1
                if (const auto t = in.find("transcoded"); t != in.end() && t->is_object()) {
                    std::string counts;
                    for (const auto& [encoding, n] : t->items()) {
                        counts += (counts.empty() ? "" : ",") + encoding + ":" + n.dump();
                    }
                    out += " transcoded=" + counts;
                }
                out += "\n";
            }
        }
    }
    return out;
}

std::size_t run_batch(Searcher& searcher, const std::vector<Topic>& topics, SearchRequest request,
                      const PrintOptions& print, std::ostream& out, std::ostream* progress,
                      std::ostream* warnings) {
    std::size_t failed = 0;
    std::set<std::string> warned;
    request.snippets = false;
    request.suggest = false;
    request.ids_only = true;  // a TREC run prints ids and scores only
    request.exact_count_limit = 0;  // and no counts
    PrintOptions p = print;
    p.format = OutputFormat::Trec;
    std::size_t done = 0;
    for (const Topic& topic : topics) {
        request.query = topic.text;
        p.qid = topic.qid;
        try {
            const SearchResult result = searcher.search(request);
            print_results(out, result, p);
            for (const std::string& w : result.warnings) {
                if (warnings != nullptr && warned.insert(w).second)
                    *warnings << "warning: " << w << '\n';
            }
            for (const std::string& note : result.notices) {
                if (warnings != nullptr)
                    *warnings << "note: query " << topic.qid << ": " << note << '\n';
            }
        } catch (const QueryError& e) {
            // One topic past the budget (or not a query) does not end a long run.
            ++failed;
            if (warnings != nullptr)
                *warnings << "error: query " << topic.qid << ": " << e.what() << '\n';
        }
        ++done;
        if (progress != nullptr) {
            *progress << "\rqueries: " << done << "/" << topics.size() << std::flush;
        }
    }
    if (progress != nullptr) *progress << '\n';
    return failed;
}

}  // namespace revsearch::query
