#pragma once
// The machine-readable recovery report. Its keys are a stable interface, documented in README.md.
#include <QByteArray>
#include <nlohmann/json.hpp>

namespace tt {

class Project;
struct Roster;

// rows, sources, quarantine, duplicates, warnings, incidents; plus teachers, classrooms, students, links and
// conflicts when a roster is given.
nlohmann::json buildJsonReport(const Project &project, const Roster *roster = nullptr);

// The same report as text, byte for byte buildJsonReport(project, &roster).dump(2) and a newline, written straight
// out (report --json at 262k records: no document of every duplicate and row first).
QByteArray jsonReportText(const Project &project, const Roster &roster);
// ms since the epoch as Qt::ISODateWithMs writes it in UTC ("2025-03-04T05:06:07.089Z").
QByteArray isoDateTimeMs(qint64 ms);

} // namespace tt
