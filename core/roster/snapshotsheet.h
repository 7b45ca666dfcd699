#pragma once
// A roster snapshot written into the school's own Google Sheet: three tabs ("Roster teachers", "Roster
// classrooms", "Roster students") beside Incidents and Commendations, each with the snapshot's CSV header and
// rows (cells encoded exactly as in the CSV files: encodeSnapshotCell), so that the sheet's XLSX or CSV download
// holds the roster too. A tab that is missing is added (spreadsheets.batchUpdate addSheet); one that exists is
// rewritten only when it is empty or already holds a snapshot (its first row is the snapshot's header): a tab the
// school wrote itself is never overwritten. Needs a SheetsApiClient with SheetsApiOptions::write.
#include "common/progress.h"
#include "roster/rostersnapshot.h"

#include <QString>
#include <QStringList>

namespace tt {

class SheetsApiClient;

struct SnapshotSheetResult
{
    QString spreadsheetId;
    QStringList tabsAdded;     // tabs that were not there before
    QStringList tabsRewritten; // tabs that held an earlier snapshot
    qint64 teachers = 0, classrooms = 0, students = 0;
    QString describe() const;  // one line for people (the command's output)
};

// The tab names, in order: teachers, classrooms, students.
QStringList snapshotSheetTabs();

// Checks all three tabs first and writes nothing when one of them is the school's own (UserError naming it).
SnapshotSheetResult writeSnapshotToSheet(const RosterSnapshot &snapshot, SheetsApiClient &client,
                                         const QString &spreadsheetId, Progress *progress = nullptr);

} // namespace tt
