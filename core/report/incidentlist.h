#pragma once
// The recovered incident list as an administrator takes it away: the rows the Incidents step shows (as
// filtered), or one student's whole history, as a CSV file for a spreadsheet or as HTML that ui/ prints to
// PDF. Times are the school's local time (its time zone, daylight saving included), as the list shows them.
#include "records/incidentrecord.h"

#include <QString>
#include <QStringList>
#include <QTimeZone>
#include <vector>

namespace tt {

struct IncidentListContext
{
    QString schoolName;
    QTimeZone zone = QTimeZone::utc();
    QStringList sourceNames;  // source index -> the file or tab the record came from
    QString filterSummary;    // e.g. "Type: incidents · Class: 3PL" ("" = every log)
    qint64 generatedAtMs = 0; // 0 = now
};

// The columns of both files, in order.
QStringList incidentListColumns();
// One record's cells under those columns.
QStringList incidentListCells(const IncidentRecord &r, const IncidentListContext &context);

// rows: indices into records, written in that order. UTF-8 with a BOM, formulas neutralised (csvexport.h);
// the file is 0600 and written atomically. Throws UserError naming the file.
void writeIncidentListCsv(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                          const IncidentListContext &context, const QString &path);

// A printable page: title, what was filtered, the counts, and one table row per log.
QString renderIncidentListHtml(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                               const IncidentListContext &context);

// One student's history: name, id, classes seen, incidents and commendations counted, then every log in
// time order (rows: as IncidentsSession::rowsOfStudent gives them).
QString renderStudentHistoryHtml(const std::vector<IncidentRecord> &records, const std::vector<int> &rows,
                                 const IncidentListContext &context);

} // namespace tt
