#include "corpus/csv_reader.hpp"

#include <deque>
#include <utility>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

constexpr std::string_view kFields[] = {"id",    "title",    "reviewer", "date",
                                        "rating", "rating_scale", "topics", "category",
                                        "product", "body",   "url"};

/// The lines of an input, with a way to read again the lines a broken record had taken.
class LineSource {
public:
    explicit LineSource(std::istream& in) : in_(in) {}

    /// The next line (without its CR) and its 1-based number; false at the end of input.
    bool next(std::string& line, std::size_t& number) {
        if (!pending_.empty()) {
            line = std::move(pending_.front().first);
            number = pending_.front().second;
            pending_.pop_front();
            return true;
        }
        if (!std::getline(in_, line)) return false;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        number = ++read_;
        return true;
    }

    /// Makes `lines` the next lines read, in their order.
    void give_back(std::vector<std::pair<std::string, std::size_t>>& lines) {
        for (auto it = lines.rbegin(); it != lines.rend(); ++it)
            pending_.push_front(std::move(*it));
        lines.clear();
    }

private:
    std::istream& in_;
    std::deque<std::pair<std::string, std::size_t>> pending_;
    std::size_t read_ = 0;
};

/// How reading a record ended.
enum class RecordEnd {
    Input,       ///< no record: the input has ended
    Complete,    ///< a record
    Unclosed,    ///< a quoted field never closed: it ran to the end of the input
    TooLong,     ///< a quoted field ran past kMaxQuotedLines lines or kMaxQuotedBytes bytes
    StrayClose,  ///< a quoted field spanning lines closed by a quote that text follows
};

/// Reads one record (which may span lines when a field is quoted). `first_line` is set to the
/// number of its first line. A record that ends other than Complete has given back every line
/// after its first, which are read again as records: a quote left open swallows no record.
RecordEnd read_record(LineSource& lines, char sep, bool quoting, std::vector<std::string>& out,
                      std::size_t& first_line, std::string& raw) {
    out.clear();
    raw.clear();
    std::string line;
    if (!lines.next(line, first_line)) return RecordEnd::Input;
    std::vector<std::pair<std::string, std::size_t>> later;  // the lines after the first
    std::size_t later_bytes = 0;
    const auto broken = [&](RecordEnd end) {
        raw.resize(raw.find('\n') == std::string::npos ? raw.size() : raw.find('\n'));
        out.clear();
        lines.give_back(later);
        return end;
    };
    std::string field;
    bool quoted = false;
    while (true) {
        raw += line;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (quoting && quoted) {
                if (c == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        quoted = false;
                        // RFC 4180 ends a quoted field at a separator or the end of the line.
                        // Tolerated on one line ("a"b), but after a line break it means the
                        // quote that seemed to close was the opening quote of a later record.
                        if (!later.empty() && i + 1 < line.size() && line[i + 1] != sep) {
                            return broken(RecordEnd::StrayClose);
                        }
                    }
                } else {
                    field += c;
                }
            } else if (quoting && c == '"' && field.empty()) {
                quoted = true;
            } else if (c == sep) {
                out.push_back(std::move(field));
                field.clear();
            } else {
                field += c;
            }
        }
        if (!quoted) break;
        std::size_t number = 0;
        if (!lines.next(line, number)) return broken(RecordEnd::Unclosed);
        later_bytes += line.size() + 1;
        later.emplace_back(line, number);
        if (later.size() > kMaxQuotedLines || later_bytes > kMaxQuotedBytes) {
            return broken(RecordEnd::TooLong);
        }
        field += '\n';
        raw += '\n';
    }
    out.push_back(std::move(field));
    return RecordEnd::Complete;
}

}  // namespace

std::map<std::string, std::string> CsvReader::parse_mapping(std::string_view spec) {
    std::map<std::string, std::string> mapping;
    if (spec.empty()) return mapping;
    for (const std::string& pair : text::split(spec, ',')) {
        const std::size_t eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
            throw UsageError("--map takes field=column pairs separated by commas, not '" + pair + "'");
        }
        const std::string field = text::trim(pair.substr(0, eq));
        bool known = false;
        for (auto f : kFields) known = known || f == field;
        if (!known) throw UsageError("--map: unknown review field '" + field + "'");
        mapping[field] = text::trim(pair.substr(eq + 1));
    }
    return mapping;
}

void CsvReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    const bool quoting = separator_ == ',';
    std::vector<std::string> header, row;
    std::string raw;
    LineSource lines(in);
    std::size_t record_line = 0;
    if (read_record(lines, separator_, quoting, header, record_line, raw) != RecordEnd::Complete) {
        return;  // no header (a header with an open quote has no columns to read by)
    }
    // Separators and quotes are ASCII in every encoding read here, so a row is split first
    // and its fields are decoded as the row as a whole decides.
    if (const Decoding decoding = decoder_.examine(raw); decoding.transcoded()) {
        for (auto& h : header) h = decoder_.convert(h, decoding);
    }
    for (auto& h : header) h = text::trim(h);
    if (!header.empty() && text::starts_with(header[0], "\xEF\xBB\xBF")) header[0].erase(0, 3);

    // column index for each review field
    std::map<std::string, std::size_t> column_of;
    for (auto field : kFields) {
        const auto mapped = mapping_.find(std::string(field));
        const std::string wanted = mapped != mapping_.end() ? mapped->second : std::string(field);
        for (std::size_t c = 0; c < header.size(); ++c) {
            if (text::ascii_lower(header[c]) == text::ascii_lower(wanted)) column_of[std::string(field)] = c;
        }
        if (mapped != mapping_.end() && column_of.count(std::string(field)) == 0) {
            throw CorpusError(info.display, 1, "--map names column '" + wanted + "', which the header lacks");
        }
    }

    while (true) {
        const RecordEnd record_end = read_record(lines, separator_, quoting, row, record_line, raw);
        if (record_end == RecordEnd::Input) break;
        if (record_end == RecordEnd::Complete && text::trim(raw).empty()) continue;
        const Decoding decoding = decoder_.examine(raw);
        auto reject = [&](const std::string& reason) {
            sink.on_reject(Reject{info.display + ":" + std::to_string(record_line), reason,
                                  text::truncate_utf8(decoder_.convert(raw, decoding), 1024),
                                  decoding.encoding});
        };
        if (record_end != RecordEnd::Complete) {
            // The lines after the first are read again as records of their own.
            reject(record_end == RecordEnd::Unclosed
                       ? "unterminated quoted field: open to the end of the input"
                   : record_end == RecordEnd::TooLong
                       ? "unterminated quoted field: open past " + std::to_string(kMaxQuotedLines) +
                             " lines or " + std::to_string(kMaxQuotedBytes >> 20) + " MiB"
                       : std::string("unterminated quoted field: a later line's quote closes it "
                                     "inside a field"));
            continue;
        }
        if (decoding.rejected()) {
            reject(std::string(decoding.reason()));
            continue;
        }
        if (decoding.transcoded()) {
            for (std::string& field : row) field = decoder_.convert(field, decoding);
        }
        if (row.size() != header.size()) {
            reject("expected " + std::to_string(header.size()) + " columns, found " +
                   std::to_string(row.size()));
            continue;
        }
        auto get = [&](const char* field) {
            const auto it = column_of.find(field);
            return it == column_of.end() ? std::string() : row[it->second];
        };
        Review r;
        r.source_encoding = decoding.encoding;
        r.id = text::trim(get("id"));
        r.title = text::collapse_spaces(get("title"));
        r.reviewer = text::collapse_spaces(get("reviewer"));
        r.category = text::collapse_spaces(get("category"));
        r.product = text::collapse_spaces(get("product"));
        r.body = text::trim(get("body"));
        r.url = text::trim(get("url"));
        bool bad = false;
        for (const char* numeric : {"rating", "rating_scale"}) {
            const std::string v = text::trim(get(numeric));
            if (v.empty()) continue;
            char* end = nullptr;
            const double d = std::strtod(v.c_str(), &end);
            if (*end != '\0') {
                reject(std::string("wrong value for '") + numeric + "': not a number: " + v);
                bad = true;
                break;
            }
            (std::string(numeric) == "rating" ? r.rating : r.rating_scale) = d;
        }
        if (bad) continue;
        if (const std::string d = text::trim(get("date")); !d.empty()) {
            if (auto parsed = date::parse(d)) {
                r.date = *parsed;
            } else {
                r.extra.emplace_back("date_raw", d);
            }
        }
        std::string topics = get("topics");
        for (char& c : topics) {
            if (c == '|') c = ';';
        }
        for (const std::string& t : text::split(topics, ';')) r.add_topic(t);
        if (!r.has_text()) {
            reject("nothing to index (no title and no body)");
            continue;
        }
        for (std::size_t c = 0; c < header.size(); ++c) {
            bool used = false;
            for (const auto& [f, col] : column_of) used = used || col == c;
            if (!used && !text::trim(row[c]).empty()) r.extra.emplace_back(header[c], text::trim(row[c]));
        }
        if (r.id.empty()) r.id = derived_id(info, record_line);
        r.source = info.display + ":" + std::to_string(record_line);
        sink.on_review(std::move(r));
    }
}

}  // namespace revsearch::corpus
