#include "corpus/review_xml_reader.hpp"

#include <map>
#include <regex>

#include "common/date.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

constexpr std::size_t kRawBytes = 1024;

std::string strip_cr(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

bool ifind(std::string_view haystack, std::string_view needle) {
    return text::ascii_lower(haystack).find(needle) != std::string::npos;
}

Reject reject_at(const InputInfo& info, std::size_t line, std::string reason,
                 const std::string& raw, std::string encoding = "") {
    return Reject{info.display + ":" + std::to_string(line), std::move(reason),
                  text::truncate_utf8(text::repair_utf8(raw), kRawBytes), std::move(encoding)};
}

}  // namespace

// ---------------------------------------------------------------- Blitzer .review

bool ReviewXmlReader::looks_like_reviews(std::string_view head) {
    static const std::regex record_start(R"((^|\n)\s*<review>\s*(\r?\n))");
    return std::regex_search(head.begin(), head.end(), record_start) &&
           (head.find("<review_text>") != std::string_view::npos ||
            head.find("<unique_id>") != std::string_view::npos ||
            head.find("<product_name>") != std::string_view::npos);
}

void ReviewXmlReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line, raw, current_tag, value;
    std::size_t line_number = 0, record_line = 0;
    bool in_record = false;
    std::map<std::string, std::string> fields;

    auto finish = [&]() {
        // The record is decoded as one unit; its tags are ASCII, so each value converts alone.
        const Decoding decoding = decoder_.examine(raw);
        if (decoding.rejected()) {
            sink.on_reject(reject_at(info, record_line, std::string(decoding.reason()), raw));
            return;
        }
        if (decoding.transcoded()) {
            for (auto& [tag, text_value] : fields)
                text_value = decoder_.convert(text_value, decoding);
            raw = decoder_.convert(raw, decoding);
        }
        Review r;
        r.source_encoding = decoding.encoding;
        auto take = [&](const char* key) {
            auto it = fields.find(key);
            return it == fields.end() ? std::string() : text::decode_entities(text::trim(it->second));
        };
        r.id = take("unique_id");
        r.title = text::collapse_spaces(take("title"));
        r.reviewer = text::collapse_spaces(take("reviewer"));
        // A single line break in these bodies is mostly a hard wrap inside a sentence.
        r.body = text::join_paragraphs(take("review_text"));
        const std::string rating = take("rating");
        if (!rating.empty()) {
            char* end = nullptr;
            const double v = std::strtod(rating.c_str(), &end);
            if (end == rating.c_str() || *end != '\0') {
                sink.on_reject(
                    reject_at(info, record_line, "rating is not a number", raw, decoding.encoding));
                return;
            }
            r.rating = v;
            r.rating_scale = 5;
        }
        if (const std::string d = take("date"); !d.empty()) {
            if (auto parsed = date::parse(d)) {
                r.date = *parsed;
            } else {
                r.extra.emplace_back("date_raw", d);
            }
        }
        // "Title: Category: Author", where title and author may hold ": " themselves and the
        // author is often missing. The category is the part that names the record's domain
        // (product_type "kitchen_&_housewares" is "Kitchen & Housewares"); failing that, the
        // part before the author.
        const std::string product_name = take("product_name");
        std::vector<std::string> parts;
        for (std::size_t start = 0;;) {
            const std::size_t sep = product_name.find(": ", start);
            parts.push_back(text::trim(product_name.substr(start, sep == std::string::npos ? sep : sep - start)));
            if (sep == std::string::npos) break;
            start = sep + 2;
        }
        std::string domain = text::ascii_lower(take("product_type"));
        for (char& c : domain) {
            if (c == '_') c = ' ';
        }
        std::size_t category_at = 0;
        for (std::size_t k = parts.size(); k-- > 1;) {
            if (text::ascii_lower(parts[k]) == domain) {
                category_at = k;
                break;
            }
        }
        if (category_at == 0 && parts.size() >= 2)
            category_at = parts.size() == 2 ? 1 : parts.size() - 2;
        auto join = [&](std::size_t from, std::size_t to) {
            std::string out;
            for (std::size_t k = from; k < to; ++k) out += (k > from ? ": " : "") + parts[k];
            return out;
        };
        if (category_at == 0) {
            r.product = product_name;
        } else {
            r.product = join(0, category_at);
            r.category = parts[category_at];
            if (category_at + 1 < parts.size())
                r.extra.emplace_back("author", join(category_at + 1, parts.size()));
        }
        for (const char* key : {"asin", "product_type", "helpful", "reviewer_location"}) {
            if (std::string v = take(key); !v.empty()) r.extra.emplace_back(key, v);
        }
        if (r.category.empty()) r.category = take("product_type");
        if (!r.has_text()) {
            sink.on_reject(reject_at(info, record_line, "nothing to index (no title and no body)",
                                     raw, decoding.encoding));
            return;
        }
        if (r.id.empty()) r.id = derived_id(info, record_line);
        r.source = info.display + ":" + std::to_string(record_line);
        sink.on_review(std::move(r));
    };

    while (std::getline(in, line)) {
        ++line_number;
        line = strip_cr(std::move(line));
        const std::string t = text::trim(line);
        if (t == "<review>") {
            if (in_record) sink.on_reject(reject_at(info, record_line, "unterminated record", raw));
            in_record = true;
            record_line = line_number;
            fields.clear();
            current_tag.clear();
            raw = line + "\n";
            continue;
        }
        if (!in_record) continue;  // <data> wrappers and stray text between records
        raw += line + "\n";
        if (t == "</review>") {
            in_record = false;
            finish();
            continue;
        }
        if (current_tag.empty()) {
            if (t.size() > 2 && t.front() == '<' && t.back() == '>' && t[1] != '/') {
                current_tag = t.substr(1, t.size() - 2);
                value.clear();
            }
            continue;
        }
        if (t == "</" + current_tag + ">") {
            fields[current_tag] = value;
            current_tag.clear();
            continue;
        }
        value += line;
        value += '\n';
    }
    if (in_record) sink.on_reject(reject_at(info, record_line, "unterminated record", raw));
}

// ---------------------------------------------------------------- TREC

bool TrecReader::looks_like_trec(std::string_view head) {
    return ifind(head, "<doc>") && ifind(head, "<docno>");
}

namespace {

// Text between <tag> and </tag> (case-insensitive), or nullopt.
std::optional<std::string> element(const std::string& doc, const std::string& lower, const char* tag) {
    const std::string open = std::string("<") + tag + ">", close = std::string("</") + tag + ">";
    const std::size_t a = lower.find(open);
    if (a == std::string::npos) return std::nullopt;
    const std::size_t b = lower.find(close, a + open.size());
    return doc.substr(a + open.size(), (b == std::string::npos ? doc.size() : b) - a - open.size());
}

std::string strip_tags(std::string_view s) {
    std::string out;
    bool in_tag = false;
    for (char c : s) {
        if (c == '<') {
            in_tag = true;
            out += ' ';
        } else if (c == '>' && in_tag) {
            in_tag = false;
        } else if (!in_tag) {
            out += c;
        }
    }
    return out;
}

std::string remove_element(std::string doc, const char* tag) {
    const std::string lower = text::ascii_lower(doc);
    const std::string open = std::string("<") + tag + ">", close = std::string("</") + tag + ">";
    const std::size_t a = lower.find(open);
    if (a == std::string::npos) return doc;
    const std::size_t b = lower.find(close, a);
    doc.erase(a, b == std::string::npos ? std::string::npos : b + close.size() - a);
    return doc;
}

}  // namespace

void TrecReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line, doc;
    std::size_t line_number = 0, doc_line = 0;
    bool in_doc = false;
    auto finish = [&]() {
        const Decoding decoding = decoder_.decode(doc);
        if (decoding.rejected()) {
            sink.on_reject(reject_at(info, doc_line, std::string(decoding.reason()), doc));
            return;
        }
        const std::string lower = text::ascii_lower(doc);
        Review r;
        r.source_encoding = decoding.encoding;
        auto docno = element(doc, lower, "docno");
        if (docno && text::trim(*docno).empty()) docno.reset();  // an empty DOCNO names nothing
        r.id = docno ? text::trim(*docno) : derived_id(info, doc_line);
        // Titles carry entities (`R&amp;D`) just as bodies do.
        if (auto title = element(doc, lower, "title")) {
            r.title = text::collapse_spaces(text::decode_entities(strip_tags(*title)));
        } else if (auto head = element(doc, lower, "head")) {
            r.title = text::collapse_spaces(text::decode_entities(strip_tags(*head)));
        }
        std::string body_source;
        if (auto t = element(doc, lower, "text")) {
            body_source = *t;
        } else {
            body_source = remove_element(remove_element(remove_element(doc, "docno"), "title"), "head");
        }
        r.body = text::collapse_spaces(text::decode_entities(strip_tags(body_source)));
        // A test collection's documents are counted and judged by id, so an empty one with an
        // id is still a document; only a record with neither id nor text is rejected.
        if (!r.has_text() && !docno) {
            sink.on_reject(reject_at(info, doc_line, "nothing to index (no title and no body)", doc,
                                     decoding.encoding));
            return;
        }
        r.source = info.display + ":" + std::to_string(doc_line);
        sink.on_review(std::move(r));
    };
    while (std::getline(in, line)) {
        ++line_number;
        line = strip_cr(std::move(line));
        std::string_view rest(line);
        while (!rest.empty()) {
            if (!in_doc) {
                const std::size_t start = text::ascii_lower(rest).find("<doc>");
                if (start == std::string::npos) break;
                in_doc = true;
                doc_line = line_number;
                doc.clear();
                rest.remove_prefix(start + 5);
                continue;
            }
            const std::size_t end = text::ascii_lower(rest).find("</doc>");
            if (end == std::string::npos) {
                doc.append(rest);
                doc += '\n';
                break;
            }
            doc.append(rest.substr(0, end));
            rest.remove_prefix(end + 6);
            in_doc = false;
            finish();
        }
    }
    if (in_doc) sink.on_reject(reject_at(info, doc_line, "unterminated record", doc));
}

// ---------------------------------------------------------------- SMART

bool SmartReader::looks_like_smart_documents(std::string_view head) {
    std::size_t i = 0;
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
    if (head.substr(i, 3) != ".I ") return false;
    static const std::regex title(R"((^|\n)\.T\s*(\r?\n|$))");
    return std::regex_search(head.begin(), head.end(), title);
}

void SmartReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    std::string line, raw;
    std::size_t line_number = 0, record_line = 0;
    std::string id, field;
    std::map<std::string, std::vector<std::string>> fields;
    std::vector<std::string> order;
    bool in_record = false;

    auto finish = [&]() {
        // The record is decoded as one unit; its field markers are ASCII, so each line converts
        // alone.
        const Decoding decoding = decoder_.examine(raw);
        if (decoding.rejected()) {
            sink.on_reject(reject_at(info, record_line, std::string(decoding.reason()), raw));
            return;
        }
        if (decoding.transcoded()) {
            for (auto& [key, lines] : fields) {
                for (std::string& l : lines) l = decoder_.convert(l, decoding);
            }
            id = decoder_.convert(id, decoding);
            raw = decoder_.convert(raw, decoding);
        }
        auto joined = [&](const char* key, const char* sep) {
            std::string out;
            for (const auto& l : fields[key]) {
                const std::string t = text::trim(l);
                if (t.empty()) continue;
                out += (out.empty() ? "" : sep) + t;
            }
            return out;
        };
        Review r;
        r.source_encoding = decoding.encoding;
        r.id = id.empty() ? derived_id(info, record_line) : id;
        r.title = text::collapse_spaces(joined("T", " "));
        r.reviewer = joined("A", "; ");
        r.body = text::collapse_spaces(joined("W", " "));
        const std::string source = text::collapse_spaces(joined("B", " "));
        if (!source.empty()) {
            r.extra.emplace_back("source", source);
            static const std::regex month_year(
                R"(\b(January|February|March|April|May|June|July|August|September|October|November|December),?\s+((?:1[89]|20)\d\d)\b)",
                std::regex::icase);
            static const std::regex year(R"(\b((?:1[89]|20)\d\d)\b)");
            std::smatch m;
            if (std::regex_search(source, m, month_year)) {
                if (auto d = date::parse(m[1].str() + " " + m[2].str())) r.date = *d;
            } else if (std::regex_search(source, m, year)) {
                r.date = m[1].str();
            }
        }
        for (const std::string& key : order) {
            if (key == "T" || key == "A" || key == "W" || key == "B") continue;
            const std::string value = joined(key.c_str(), "\n");
            if (!value.empty()) r.extra.emplace_back(text::ascii_lower(key), value);
        }
        // As in TREC: an empty document with an id is part of the collection (Cranfield 471).
        if (!r.has_text() && id.empty()) {
            sink.on_reject(reject_at(info, record_line, "nothing to index (no title and no body)",
                                     raw, decoding.encoding));
            return;
        }
        r.source = info.display + ":" + std::to_string(record_line);
        sink.on_review(std::move(r));
    };

    while (std::getline(in, line)) {
        ++line_number;
        line = strip_cr(std::move(line));
        if (line.size() >= 2 && line[0] == '.' && std::isupper(static_cast<unsigned char>(line[1])) &&
            (line.size() == 2 || line[2] == ' ' || line[2] == '\t')) {
            const std::string key = line.substr(1, 1);
            const std::string rest = line.size() > 2 ? text::trim(line.substr(3)) : "";
            if (key == "I") {
                if (in_record) finish();
                in_record = true;
                record_line = line_number;
                id = rest;
                fields.clear();
                order.clear();
                raw.clear();
                field.clear();
            } else {
                field = key;
                if (fields.find(key) == fields.end()) order.push_back(key);
                fields[key];
                if (!rest.empty()) fields[key].push_back(rest);
            }
            raw += line + "\n";
            continue;
        }
        if (!in_record) continue;
        raw += line + "\n";
        if (!field.empty()) fields[field].push_back(line);
    }
    if (in_record) finish();
}

}  // namespace revsearch::corpus
