#include "jsonreport.h"

#include "project/dismissals.h"
#include "project/project.h"
#include "roster/roster.h"
#include "roster/rostercache.h"

#include "roster/rosterjson.h"

namespace tt {
namespace {

std::string s(const QString &q) { return q.toStdString(); }

} // namespace

nlohmann::json buildJsonReport(const Project &project, const Roster *roster)
{
    nlohmann::json j;
    j["format"] = "tracktally-recovery-report";
    j["version"] = 1;
    const SchoolInfo &school = project.school();
    j["school"] = {{"name", s(school.name)}, {"domain", s(school.domain)}, {"timeZone", s(school.timeZone)}};
    // counts and duplicates as kept beside the roster (roster/rostercache.h): no need to deduplicate every record
    const RecordSummary summary = projectRecordSummary(project);
    j["rows"] = rowCountsToJson(summary.total);
    j["rows"]["dismissed"] = dismissedCount(project); // quarantined rows the administrator dismissed

    nlohmann::json sources = nlohmann::json::array();
    for (size_t i = 0; i < project.sources().size(); ++i) {
        const SourceInfo &src = project.sources()[i];
        nlohmann::json notes = nlohmann::json::array();
        for (const QString &n : src.notes)
            notes.push_back(s(n));
        sources.push_back({{"name", s(src.displayName())},
                           {"kind", s(src.kind)},
                           {"sheet", s(src.sheet)},
                           {"type", s(recordTypeKey(src.type))},
                           {"sha256", s(src.sha256)},
                           {"hasHeader", src.mapping.hasHeader()},
                           {"dateOrder", s(dateOrderKey(src.dateOrderUsed))},
                           {"rows", rowCountsToJson(summary.sources.at(i))},
                           {"notes", notes}});
    }
    j["sources"] = sources;

    auto sourceName = [&project](int index) {
        return index >= 0 && size_t(index) < project.sources().size() ? s(project.sources()[size_t(index)].displayName())
                                                                        : std::string();
    };
    nlohmann::json quarantine = nlohmann::json::array();
    const QHash<QString, QString> dismissals = dismissalReasons(project);
    for (const QuarantinedRow &q : project.quarantine()) {
        nlohmann::json row = {{"source", sourceName(q.sourceIndex)}, {"row", q.row}, {"field", s(q.field)}, {"reason", s(q.reason)}};
        const QString dismissal = dismissals.value(dismissalKey(project, q));
        row["dismissed"] = dismissal.isEmpty() ? nlohmann::json() : nlohmann::json(s(dismissal)); // null: not dismissed
        quarantine.push_back(row);
    }
    j["quarantine"] = quarantine;

    nlohmann::json warnings = nlohmann::json::array();
    for (const RowWarning &w : project.warnings())
        warnings.push_back({{"source", sourceName(w.sourceIndex)}, {"row", w.row}, {"field", s(w.field)}, {"message", s(w.message)}});
    j["warnings"] = warnings;

    nlohmann::json duplicates = nlohmann::json::array();
    for (const RecordSummary::Duplicate &g : summary.duplicates) {
        nlohmann::json rows = nlohmann::json::array();
        for (const RecordKey &m : g.rows)
            rows.push_back({{"source", sourceName(m.sourceIndex)}, {"row", m.row}});
        duplicates.push_back({{"uuid", s(g.uuid)},
                              {"conflicting", g.conflicting},
                              {"rows", rows},
                              {"chosen", {{"source", sourceName(g.chosen.sourceIndex)}, {"row", g.chosen.row}}},
                              {"chosenBy", g.chosenByUser ? "administrator" : "default (the later row)"}});
    }
    j["duplicates"] = duplicates;
    // every apply to a database: [{database, server, systemIdentifier, runId, at, performedBy, backup: {path, bytes,
    // sha256}, inserted, questions, warningsAcknowledged, verified}]
    const nlohmann::json *applied = project.section("applied");
    j["applied"] = applied && applied->is_array() ? *applied : nlohmann::json::array();
    j["incidents"] = {{"incident", summary.incidents}, {"commendation", summary.commendations}};
    if (roster) {
        const nlohmann::json r = rosterJson(*roster);
        for (auto it = r.begin(); it != r.end(); ++it)
            j[it.key()] = it.value();
    }
    return j;
}

} // namespace tt
