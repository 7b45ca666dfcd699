#include "report/reportdata.h"

#include "project/dismissals.h"
#include "project/project.h"
#include "roster/roster.h"

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
    d.counts = project.counts();
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
    d.incidents = project.acceptedOfType(RecordType::Incident);
    d.commendations = project.acceptedOfType(RecordType::Commendation);
    return d;
}

} // namespace tt
