#include "common/topic_slots.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/schema.hpp"

namespace revsearch {

std::optional<Xapian::valueno> TopicSlots::slot(std::string_view topic) const {
    const auto it = slots.find(schema::normalize_boolean(topic));
    if (it == slots.end()) return std::nullopt;
    return it->second;
}

Xapian::valueno TopicSlots::assign(std::string_view topic) {
    const std::string name = schema::normalize_boolean(topic);
    if (const auto it = slots.find(name); it != slots.end()) return it->second;
    Xapian::valueno next = schema::kFirstTopicSlot;
    for (const auto& [known, slot] : slots) next = std::max(next, slot + 1);
    slots.emplace(name, next);
    return next;
}

std::string TopicSlots::to_json() const {
    nlohmann::ordered_json j;
    j["lexicon"] = lexicon;
    j["rule"] =
        rule.empty() ? nlohmann::ordered_json::object() : nlohmann::ordered_json::parse(rule);
    j["slots"] = nlohmann::ordered_json::object();
    for (const auto& [name, slot] : slots) j["slots"][name] = slot;
    return j.dump();
}

TopicSlots TopicSlots::from_json(const std::string& json) {
    TopicSlots t;
    if (json.empty()) return t;
    try {
        const auto j = nlohmann::json::parse(json);
        t.lexicon = j.value("lexicon", std::string());
        if (j.contains("rule")) t.rule = j.at("rule").dump();
        for (const auto& [name, slot] : j.at("slots").items()) {
            t.slots[name] = slot.get<Xapian::valueno>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed topic slots in the index metadata: ") + e.what());
    }
    return t;
}

TopicSlots TopicSlots::from_database(const Xapian::Database& db) {
    return from_json(db.get_metadata(std::string(schema::kMetaTopics)));
}

}  // namespace revsearch
