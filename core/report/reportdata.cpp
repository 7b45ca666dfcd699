#include "report/reportdata.h"

#include "project/dismissals.h"
#include "project/project.h"
#include "roster/roster.h"

namespace tt {

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
    d.incidents = project.acceptedOfType(RecordType::Incident);
    d.commendations = project.acceptedOfType(RecordType::Commendation);
    return d;
}

} // namespace tt
