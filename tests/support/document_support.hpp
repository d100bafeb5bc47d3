#pragma once

#include <string>

#include <xapian.h>

/// Helpers for tests that compare Xapian documents.
namespace revsearch::test {

/// Everything a document holds, as text: each term with its wdf and positions, each value
/// slot, and the data. Two documents are the same to Xapian when these are equal.
inline std::string describe_document(const Xapian::Document& doc) {
    std::string out;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        out += *t;
        out += " wdf=" + std::to_string(t.get_wdf());
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) out += " " + std::to_string(*p);
        out += '\n';
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
        out += "value " + std::to_string(v.get_valueno()) + ": " + *v + '\n';
    }
    out += "data: " + doc.get_data() + '\n';
    return out;
}

}  // namespace revsearch::test
