#include "corpus/text_reader.hpp"

#include "common/error.hpp"
#include "common/text.hpp"

namespace revsearch::corpus {

namespace {

std::string paragraphs(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '<' && (raw.substr(i, 6) == "<br />" || raw.substr(i, 5) == "<br/>" ||
                              raw.substr(i, 4) == "<br>")) {
            out += '\n';
            i = raw.find('>', i);
            continue;
        }
        out += raw[i];
    }
    // `<br /><br />` is a blank line, so it separates paragraphs like one.
    return text::join_paragraphs(out);
}

}  // namespace

bool TextReader::looks_like_prose(std::string_view head) {
    std::size_t letters = 0, spaces = 0, other = 0;
    for (unsigned char c : head) {
        if (std::isalpha(c) || c >= 0x80) {
            ++letters;
        } else if (c == ' ') {
            ++spaces;
        } else if (!std::isspace(c)) {
            ++other;
        }
    }
    return spaces >= 3 && letters >= 3 * other && letters >= 4 * spaces / 2;
}

void TextReader::read(std::istream& in, const InputInfo& info, RecordSink& sink) {
    // istream::read, unlike istreambuf_iterator, turns a decompression error thrown by the
    // stream buffer into badbit, so the walker can report the damage for the whole file.
    std::string raw;
    char chunk[64 * 1024];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        raw.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return;  // the walker reports the read error for the whole file
    const Decoding decoding = decoder_.decode(raw);
    if (decoding.rejected()) {
        sink.on_reject(Reject{info.display, std::string(decoding.reason()),
                              text::truncate_utf8(text::repair_utf8(raw), 1024)});
        return;
    }
    Review r;
    r.source_encoding = decoding.encoding;
    r.body = paragraphs(raw);
    r.source = info.display;
    r.id = strip_extensions(info.relative);
    if (template_ != nullptr) {
        if (const auto match = template_->match(info.relative)) {
            template_->apply(*match, r);
            if (side_files_ != nullptr) {
                for (const auto& lookup : template_->lookups()) {
                    std::string line_value;
                    for (const auto& [k, v] : match->values) {
                        if (k == lookup.line_field) line_value = v;
                    }
                    char* end = nullptr;
                    const unsigned long n = std::strtoul(line_value.c_str(), &end, 10);
                    if (line_value.empty() || *end != '\0') continue;
                    const auto value =
                        side_files_->line(
                        template_->lookup_path(
                            lookup, info.lookup_base.empty() ? info.display : info.lookup_base, *match),
                        n);
                    if (!value) continue;
                    if (lookup.field == "product") {
                        r.product = *value;
                    } else if (lookup.field == "url") {
                        r.url = *value;
                    } else {
                        r.extra.emplace_back(lookup.field, *value);
                    }
                }
            }
        }
    }
    if (!r.has_text()) {
        sink.on_reject(
            Reject{info.display, "nothing to index (no title and no body)", "", r.source_encoding});
        return;
    }
    sink.on_review(std::move(r));
}

}  // namespace revsearch::corpus
