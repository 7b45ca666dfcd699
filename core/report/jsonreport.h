#pragma once
// The machine-readable recovery report. Its keys are a stable interface, documented in README.md.
#include <nlohmann/json.hpp>

namespace tt {

class Project;
struct Roster;

// rows, sources, quarantine, duplicates, warnings, incidents; plus teachers, classrooms, students, links and
// conflicts when a roster is given.
nlohmann::json buildJsonReport(const Project &project, const Roster *roster = nullptr);

} // namespace tt
