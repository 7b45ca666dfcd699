#pragma once
// What the people-facing reports (HTML here, PDF in the GUI) need from a project and its rebuilt roster.
#include "records/importtypes.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

class Project;
struct Roster;

struct ReportData
{
    QString schoolName;
    QString domain;
    RowCounts counts;
    std::vector<QuarantinedRow> quarantine;
    QStringList dismissals;  // quarantine index -> the reason it was dismissed with (empty: not dismissed)
    qint64 dismissed = 0;    // quarantined rows the administrator dismissed
    QStringList sourceNames; // source index -> display name
    const Roster *roster = nullptr;
    qint64 incidents = 0;
    qint64 commendations = 0;
    qint64 generatedAtMs = 0; // 0 = now
    QJsonArray applied;       // the project's "applied" section: one object per apply (see session/applyrecord.h)
};

// The project's record of every apply (section "applied", written by session/applyrecord), as JSON.
QJsonArray appliedJson(const Project &project);
// Collects it; the roster must outlive the result.
ReportData reportData(const Project &project, const Roster &roster);

} // namespace tt
