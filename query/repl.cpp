#include "query/repl.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <cstdlib>
#include <readline/history.h>
#include <readline/readline.h>
#include <xapian.h>

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::query {

const char* const kReplHelp =
    "Type a query to search (same syntax as revsearch-query), or a command:\n"
    "  :help              this help\n"
    "  :k N               show N results per page\n"
    "  :format F          text, json or trec\n"
    "  :sort S            relevance, date, rating or topic:NAME (strongest mentions first)\n"
    "  :distinct on|off   collapse duplicates (copies of one review count once)\n"
    "  :show N            the whole review behind result N\n"
    "  :next / :prev      the next or previous page of results\n"
    "  :facets [F,...]    counts over the whole match (topic,reviewer,category,year,rating;\n"
    "                     topic>=N counts reviews with N+ mentions per 1,000 words only)\n"
    "  :facet F VALUE     narrow the search to a facet value, e.g. :facet topic burnout\n"
    "  :unfacet           drop the facet filters\n"
    "  :explain N         each term's part in result N's score\n"
    "  :quit              leave (also :q, or end of input)\n";

bool StreamLineReader::read_line(std::string& line) {
    if (!std::getline(in_, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

ReadlineLineReader::ReadlineLineReader(std::string prompt) : prompt_(std::move(prompt)) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        history_file_ = std::string(home) + "/.revsearch_history";
        read_history(history_file_.c_str());
    }
}

ReadlineLineReader::~ReadlineLineReader() {
    if (!history_file_.empty()) {
        write_history(history_file_.c_str());
        history_truncate_file(history_file_.c_str(), 1000);
    }
}

bool ReadlineLineReader::read_line(std::string& line) {
    char* raw = readline(prompt_.c_str());
    if (raw == nullptr) return false;
    line = raw;
    std::free(raw);
    if (!text::trim(line).empty()) add_history(line.c_str());
    return true;
}

Repl::Repl(Searcher& searcher, SearchRequest defaults, PrintOptions print, std::ostream& out,
           std::ostream& err)
    : searcher_(searcher), request_(std::move(defaults)), print_(print), out_(out), err_(err) {}

int Repl::run(LineReader& reader) {
    std::string line;
    while (reader.read_line(line)) {
        if (!handle_line(line)) break;
    }
    return 0;
}

int Repl::run(std::istream& in) {
    StreamLineReader reader(in);
    return run(reader);
}

bool Repl::handle_line(const std::string& raw) {
    const std::string line = text::trim(raw);
    if (line.empty()) return true;
    try {
        if (line[0] == ':') {
            const std::size_t space = line.find(' ');
            const std::string name = line.substr(1, space == std::string::npos ? space : space - 1);
            const std::string arg = space == std::string::npos ? "" : text::trim(line.substr(space + 1));
            if (name == "quit" || name == "q" || name == "exit") return false;
            command(name, arg);
        } else {
            request_.query = line;
            filters_.clear();
            request_.offset = 0;
            run_query();
        }
    } catch (const Error& e) {
        err_ << "error: " << e.what() << '\n';
    } catch (const Xapian::Error& e) {
        err_ << "error: " << e.get_description() << '\n';
    }
    out_.flush();
    return true;
}

void Repl::run_query() {
    SearchRequest r = request_;
    r.query = effective_query();
    last_ = searcher_.search(r);
    print_results(out_, *last_, print_);
    for (const std::string& w : last_->warnings) err_ << "warning: " << w << '\n';
    for (const std::string& n : last_->notices) err_ << "note: " << n << '\n';
}

const Hit* Repl::hit_by_rank(const std::string& arg) const {
    if (!last_) throw UsageError("no results yet: type a query first");
    char* end = nullptr;
    const unsigned long rank = std::strtoul(arg.c_str(), &end, 10);
    if (arg.empty() || *end != '\0') throw UsageError("expected a result number, e.g. :show 1");
    for (const Hit& hit : last_->hits) {
        if (hit.rank == rank) return &hit;
    }
    throw UsageError("no result " + arg + " on this page");
}

void Repl::command(const std::string& name, const std::string& arg) {
    if (name == "help" || name == "h" || name == "?") {
        out_ << kReplHelp;
    } else if (name == "k") {
        char* end = nullptr;
        const unsigned long k = std::strtoul(arg.c_str(), &end, 10);
        if (arg.empty() || *end != '\0' || k == 0 || k > 10000) {
            throw UsageError(":k takes a number from 1 to 10000");
        }
        request_.k = k;
        out_ << "showing " << k << " results per page\n";
    } else if (name == "format") {
        print_.format = parse_output_format(arg);
        out_ << "format " << arg << '\n';
    } else if (name == "sort") {
        set_sort(request_, arg);
        out_ << "sorting by " << arg << '\n';
    } else if (name == "distinct") {
        if (arg != "on" && arg != "off") throw UsageError(":distinct takes on or off");
        request_.distinct = arg == "on";
        out_ << (request_.distinct ? "collapsing duplicates\n" : "showing every copy\n");
        request_.offset = 0;
        if (last_) run_query();
    } else if (name == "show") {
        const Hit* hit = hit_by_rank(arg);
        const Highlighter highlighter(searcher_.analyzer(), last_->terms, last_->prefixes);
        print_review(out_, hit->review, print_, &highlighter);
    } else if (name == "next" || name == "prev") {
        if (!last_) throw UsageError("no results yet: type a query first");
        if (name == "next") {
            request_.offset += request_.k;
        } else {
            request_.offset = request_.offset >= request_.k ? request_.offset - request_.k : 0;
        }
        run_query();
    } else if (name == "facets") {
        if (!last_) throw UsageError("no results yet: type a query first");
        SearchRequest r = request_;
        r.query = effective_query();
        r.k = 0;
        r.facets.clear();
        for (const std::string& f : text::split(arg.empty() ? "topic,reviewer,category,year,rating" : arg, ',')) {
            if (!text::trim(f).empty()) r.facets.push_back(text::trim(f));
        }
        const SearchResult result = searcher_.search(r);
        for (const Facet& f : result.facets) {
            out_ << f.name << ":";
            for (const auto& [value, count] : f.values) out_ << "  " << value << " (" << count << ")";
            out_ << '\n';
        }
    } else if (name == "facet") {
        const std::size_t space = arg.find(' ');
        if (space == std::string::npos) throw UsageError(":facet takes a facet and a value, e.g. :facet topic burnout");
        const std::string facet = arg.substr(0, space);
        const std::string value = text::trim(arg.substr(space + 1));
        static const std::map<std::string, std::string> kField = {
            {"topic", "topic"}, {"reviewer", "by"}, {"category", "category"}, {"year", "date"}, {"rating", "rating"}};
        const auto it = kField.find(facet);
        if (it == kField.end()) throw UsageError("facets are topic, reviewer, category, year and rating");
        const bool quote = facet != "year" && facet != "rating";
        filters_.push_back(it->second + ":" + (quote ? "\"" + value + "\"" : value));
        request_.offset = 0;
        run_query();
    } else if (name == "unfacet") {
        filters_.clear();
        request_.offset = 0;
        if (last_) run_query();
    } else if (name == "explain") {
        const Hit* hit = hit_by_rank(arg);
        SearchRequest r = request_;
        r.query = effective_query();
        r.explain = true;
        const SearchResult result = searcher_.search(r);
        for (const Hit& h : result.hits) {
            if (h.review.id != hit->review.id) continue;
            out_ << h.rank << ". " << h.review.title << "  score " << format_number(h.score, 6) << '\n';
            for (const auto& c : h.explanation) {
                out_ << "   " << c.field << ':' << c.term << "  " << format_number(c.weight, 6) << '\n';
            }
            if (std::abs(h.unexplained) > 1e-9) out_ << "   other  " << format_number(h.unexplained, 6) << '\n';
        }
    } else {
        throw UsageError("unknown command :" + name + " (try :help)");
    }
}

std::string Repl::effective_query() const {
    std::string q = request_.query;
    for (const std::string& f : filters_) q += " " + f;
    return q;
}

}  // namespace revsearch::query
