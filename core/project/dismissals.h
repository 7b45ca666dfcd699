#pragma once
// Quarantined rows the administrator dismissed: "this row is not a log to recover" (a test entry, a row typed
// by hand into the sheet), with the reason. Kept in the project (section "quarantineDismissals") by the row's
// source file (SHA-256 and tab) and row number, so a dismissal survives reading the source again. A dismissed
// row stays in the quarantine and in every count (read = accepted + duplicates + quarantined); it is counted
// as "dismissed" in the report and no longer asks for attention on the Readiness list. Undone by restore.
#include "project/project.h"

#include <QHash>
#include <QString>
#include <vector>

namespace tt {

struct QuarantineDismissal
{
    QString sourceSha256;
    QString sheet;
    qint64 row = 0;
    QString reason; // the administrator's words
    QString at;     // ISO 8601 UTC
};

std::vector<QuarantineDismissal> quarantineDismissals(const Project &project);
void setQuarantineDismissals(Project &project, const std::vector<QuarantineDismissal> &dismissals);
// The key a dismissal and a quarantined row share; empty when the row's source is unknown.
QString dismissalKey(const Project &project, const QuarantinedRow &row);
QString dismissalKey(const QuarantineDismissal &d);
// key -> reason, for the quarantined rows of this project (stale dismissals of rows no longer quarantined left out).
QHash<QString, QString> dismissalReasons(const Project &project);
// How many of the project's quarantined rows are dismissed.
qint64 dismissedCount(const Project &project);

} // namespace tt
