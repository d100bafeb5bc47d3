#include "corpus/bounded_line.hpp"

#include <algorithm>
#include <array>

namespace revsearch::corpus {

bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, std::uint64_t& length) {
    if (limit == 0) {
        const bool got = static_cast<bool>(std::getline(in, line));
        length = line.size();
        return got;
    }
    thread_local std::array<char, 64 * 1024> block;
    line.clear();
    length = 0;
    bool any = false;
    while (true) {
        in.getline(block.data(), static_cast<std::streamsize>(block.size()));
        const auto extracted = static_cast<std::size_t>(in.gcount());
        if (in.bad()) return false;  // damaged input: a part line is not a record (as getline)
        if (extracted == 0 && in.fail()) return any;  // end of input before a byte
        any = true;
        const bool full = in.fail() && !in.eof();  // a block filled before the line ended
        const bool ended = !in.fail() && !in.eof();  // the '\n' was extracted (and counted)
        const std::size_t stored = ended ? extracted - 1 : extracted;
        length += stored;
        if (line.size() < limit) line.append(block.data(), std::min(stored, limit - line.size()));
        if (!full) return true;
        in.clear(in.rdstate() & ~std::ios::failbit);
    }
}

std::string record_too_large(std::uint64_t length, std::size_t limit) {
    return "record larger than --max-record-bytes (" + std::to_string(length) + " > " +
           std::to_string(limit) + " bytes)";
}

}  // namespace revsearch::corpus
