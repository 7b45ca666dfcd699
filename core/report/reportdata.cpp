#include "report/reportdata.h"

#include "project/dismissals.h"
#include "project/project.h"
#include "roster/roster.h"
#include "roster/rostercache.h"

#include <QJsonDocument>

namespace tt {

QJsonArray appliedJson(const Project &project)
{
    const nlohmann::json *s = project.section("applied");
    if (!s || !s->is_array())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(s->dump())).array();
}

ReportData reportData(const Project &project, const Roster &roster)
{
    ReportData d;
    d.schoolName = project.school().name;
    d.domain = project.school().domain;
    const RecordSummary summary = projectRecordSummary(project); // no need to deduplicate every record again
    d.counts = summary.total;
    d.quarantine = project.quarantine();
    const QHash<QString, QString> reasons = dismissalReasons(project);
    for (const QuarantinedRow &q : d.quarantine) {
        d.dismissals << reasons.value(dismissalKey(project, q));
        d.dismissed += d.dismissals.constLast().isEmpty() ? 0 : 1;
    }
    for (const SourceInfo &src : project.sources())
        d.sourceNames << src.displayName();
    d.roster = &roster;
    d.applied = appliedJson(project);
    d.incidents = summary.incidents;
    d.commendations = summary.commendations;
    return d;
}

} // namespace tt
