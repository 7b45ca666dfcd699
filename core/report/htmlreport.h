#pragma once
// The recovery report for people: one self-contained, printable HTML page.
#include "records/importtypes.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

struct Roster;

struct ReportData
{
    QString schoolName;
    QString domain;
    RowCounts counts;
    std::vector<QuarantinedRow> quarantine;
    QStringList sourceNames; // source index -> display name
    const Roster *roster = nullptr;
    qint64 incidents = 0;
    qint64 commendations = 0;
    qint64 generatedAtMs = 0; // 0 = now
};

// School, totals, links, teachers, classrooms, students, what remains to decide, quarantine.
// Every value from the data is HTML-escaped.
QString renderHtmlReport(const ReportData &data);

// The display name of a source index ("Incidents.csv"), or "source N" when unknown.
QString reportSourceName(const ReportData &data, int sourceIndex);

} // namespace tt
